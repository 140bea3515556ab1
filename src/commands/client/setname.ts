import { bulk, nullBulk, ok } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';
import { validClientAttr } from './validate.js';

/** CLIENT SETNAME <name>: an empty name removes it. */
export const clientSetnameSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'setname',
  arity: 3,
  summary: 'Names the current connection.',
  since: '2.6.9',
  complexity: 'O(1)',
  run({ client }, argv) {
    if (!validClientAttr(argv[2]!)) return replyError.clientNameInvalid();
    client.name = argv[2]!;
    return ok;
  },
};

/** CLIENT GETNAME: null when unnamed. */
export const clientGetnameSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'getname',
  arity: 2,
  summary: 'Returns the name of the current connection.',
  since: '2.6.9',
  complexity: 'O(1)',
  run: ({ client }) => (client.name === '' ? nullBulk : bulk(client.name)),
};
