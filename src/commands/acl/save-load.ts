import { err } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** acl.c aclCommand SAVE/LOAD without an aclfile (a sentinel keeps users in its config). */
const NO_ACLFILE = err(
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
);

export const aclSaveSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'save',
  audit: {},
  arity: 2,
  summary: 'Saves the effective ACL rules in the configured ACL file.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  run: () => NO_ACLFILE,
};

export const aclLoadSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'load',
  audit: {},
  arity: 2,
  summary: 'Reloads the rules from the configured ACL file.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  run: () => NO_ACLFILE,
};
