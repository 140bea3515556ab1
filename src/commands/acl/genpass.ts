import { randomBytes } from 'node:crypto';
import { bulk, err } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_PLAIN } from './flags.js';

/** ACL GENPASS [bits]: ceil(bits/4) hex characters of randomness (256 bits by default). */
export const aclGenpassSubcommand: ArgusCommandSpec = {
  ...ACL_PLAIN,
  name: 'genpass',
  arity: -2,
  summary: 'Generates a pseudorandom, secure password that can be used to identify ACL users.',
  since: '6.0.0',
  complexity: 'O(N)',
  run(_ctx, argv) {
    if (argv.length > 3) return err("ERR unknown subcommand or wrong number of arguments for 'genpass'. Try ACL HELP.");
    let bits = 256;
    if (argv.length === 3) {
      const v = /^-?\d+$/.test(argv[2]!) ? Number(argv[2]) : NaN;
      if (!Number.isSafeInteger(v) || v <= 0 || v > 4096) {
        return err('ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096');
      }
      bits = v;
    }
    const chars = Math.ceil(bits / 4);
    return bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
  },
};
