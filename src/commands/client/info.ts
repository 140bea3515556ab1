import { bulk } from '../../resp/reply.js';
import { CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';
import { clientLine } from './info-line.js';

/** CLIENT INFO: this connection's CLIENT LIST line. */
export const clientInfoSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'info',
  arity: 2,
  summary: 'Describes the current connection.',
  since: '6.2.0',
  complexity: 'O(1)',
  tips: ['nondeterministic_output'],
  run: ({ client, sentinel }) => bulk(`${clientLine(client, sentinel.clock.monotonic(), client)}\n`),
};
