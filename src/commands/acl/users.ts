import { aclOf } from '../../acl/registry.js';
import { array, bulk } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** ACL USERS: every user name, sorted. */
export const aclUsersSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'users',
  arity: 2,
  summary: 'Lists all ACL users.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  run: ({ sentinel }) => array(aclOf(sentinel.server).names().map((n) => bulk(n))),
};
