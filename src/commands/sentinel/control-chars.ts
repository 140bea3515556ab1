import { hasControlChars } from '../../config/quote.js';
import type { Reply } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';

/**
 * Valkey 9 sentinelValidateArgs: no argument from `first` on may hold a control character (they
 * would let a value inject lines into the rewritten config). Reports the first offending index.
 */
export function rejectControlChars(argv: readonly string[], first: number, command: string): Reply | null {
  for (let i = first; i < argv.length; i++) {
    if (hasControlChars(argv[i]!)) return replyError.controlChars(i, command);
  }
  return null;
}
