import { int } from '../../resp/reply.js';
import { CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';

/** CLIENT ID */
export const clientIdSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'id',
  arity: 2,
  summary: 'Returns the id of the current connection.',
  since: '5.0.0',
  complexity: 'O(1)',
  run: ({ client }) => int(client.id),
};
