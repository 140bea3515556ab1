import { int, ok } from '../../resp/reply.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_ADMIN, CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';
import { extrasOf } from './extras.js';

/**
 * CLIENT subcommands that only flip a switch. A sentinel has no keys, no eviction and no blocking
 * commands, so NO-EVICT, PAUSE, UNPAUSE and UNBLOCK validate and answer as Redis does and change
 * nothing else; REPLY really suppresses replies (the dispatcher applies it).
 */

/** CLIENT NO-EVICT ON|OFF */
export const clientNoEvictSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'no-evict',
  arity: 3,
  summary: 'Marks the current connection as exempt from client eviction.',
  since: '7.0.0',
  complexity: 'O(1)',
  run({ client }, argv) {
    const mode = argv[2]!.toLowerCase();
    if (mode !== 'on' && mode !== 'off') return replyError.syntax();
    extrasOf(client).noEvict = mode === 'on';
    return ok;
  },
};

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP themselves get no reply. */
export const clientReplySubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'reply',
  arity: 3,
  summary: 'Turns the replies to the current connection on or off.',
  since: '3.2.0',
  complexity: 'O(1)',
  run({ client }, argv) {
    const e = extrasOf(client);
    switch (argv[2]!.toLowerCase()) {
      case 'on':
        e.replyOff = false;
        return ok;
      case 'off':
        e.replyOff = true;
        return [];
      case 'skip':
        if (!e.replyOff) e.skipNext = true;
        return [];
      default:
        return replyError.syntax();
    }
  },
};

/** CLIENT PAUSE <timeout> [WRITE|ALL]: the mode is checked before the timeout, as in Redis. */
export const clientPauseSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'pause',
  arity: -3,
  summary: 'Accepted for compatibility; a sentinel does not pause its clients.',
  since: '2.9.50',
  complexity: 'O(1)',
  run(_ctx, argv) {
    if (argv.length > 4) return replyError.subcommandSyntax(argv[1]!, argv[0]!);
    if (argv.length === 4 && !['write', 'all'].includes(argv[3]!.toLowerCase())) return replyError.pauseMode();
    const timeout = parseInteger(argv[2]!);
    if (timeout === null) return replyError.timeoutNotInteger();
    if (timeout < 0) return replyError.timeoutNegative();
    return ok;
  },
};

/** CLIENT UNPAUSE */
export const clientUnpauseSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'unpause',
  arity: 2,
  summary: 'Accepted for compatibility; ends a pause that never happens here.',
  since: '6.2.0',
  complexity: 'O(1)',
  run: () => ok,
};

/** CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: nobody is ever blocked, so the answer is 0. */
export const clientUnblockSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'unblock',
  arity: -3,
  summary: 'Accepted for compatibility; no sentinel command blocks.',
  since: '5.0.0',
  complexity: 'O(1)',
  run(_ctx, argv) {
    if (argv.length > 4) return replyError.subcommandSyntax(argv[1]!, argv[0]!);
    if (argv.length === 4 && !['timeout', 'error'].includes(argv[3]!.toLowerCase())) return replyError.unblockReason();
    if (parseInteger(argv[2]!) === null) return replyError.notInteger();
    return int(0);
  },
};
