import { aclOf } from '../../acl/registry.js';
import { array, bulk } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** ACL LIST: each user as a `user` line of the config. */
export const aclListSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'list',
  arity: 2,
  summary: 'Dumps the effective rules in ACL file format.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of configured users.',
  run: ({ sentinel }) => array(aclOf(sentinel.server).lines().map((l) => bulk(l))),
};
