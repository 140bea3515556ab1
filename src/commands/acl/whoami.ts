import { bulk } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_PLAIN } from './flags.js';

/** ACL WHOAMI: the user this connection is authenticated as. */
export const aclWhoamiSubcommand: ArgusCommandSpec = {
  ...ACL_PLAIN,
  name: 'whoami',
  arity: 2,
  summary: 'Returns the authenticated username of the current connection.',
  since: '6.0.0',
  complexity: 'O(1)',
  run: ({ client }) => bulk(client.user),
};
