import { ok } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';
import { validClientAttr } from './validate.js';

/**
 * CLIENT SETINFO LIB-NAME|LIB-VER <value> (Redis 7.2; 7.0 does not know it, and clients log the
 * error). Same character rule as names; the attribute is echoed as sent in errors.
 */
export const clientSetinfoSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'setinfo',
  arity: 4,
  summary: 'Records the client library name or version of the current connection.',
  since: '7.2.0',
  complexity: 'O(1)',
  run({ client }, argv) {
    const [attr, value] = [argv[2]!, argv[3]!];
    const key = attr.toLowerCase();
    if (key !== 'lib-name' && key !== 'lib-ver') return replyError.setinfoUnknownAttr(attr);
    if (!validClientAttr(value)) return replyError.setinfoBadValue(attr);
    if (key === 'lib-name') client.libName = value;
    else client.libVer = value;
    return ok;
  },
};
