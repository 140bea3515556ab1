import { replyError } from './reply-errors.js';
import type { ArgusCommandSpec } from './spec.js';

/**
 * server.c shutdownCommand, sentinel flavour: the options parse as in Redis, SAVE counts as NOSAVE
 * (a sentinel has no dataset) and the config is not flushed. A successful SHUTDOWN sends no reply:
 * the process goes away.
 */
export const shutdownCommand: ArgusCommandSpec = {
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  categories: ['admin', 'slow', 'dangerous'],
  group: 'server',
  summary: 'Stops the sentinel process.',
  since: '1.0.0',
  complexity: 'O(1) for a sentinel',
  run({ sentinel }, argv) {
    let save = false;
    let nosave = false;
    let other = false;
    let abort = false;
    for (const arg of argv.slice(1)) {
      const opt = arg.toLowerCase();
      if (opt === 'nosave') nosave = true;
      else if (opt === 'save') save = true;
      else if (opt === 'now' || opt === 'force') other = true;
      else if (opt === 'abort') abort = true;
      else return replyError.syntax();
    }
    if ((abort && (save || nosave || other)) || (save && nosave)) return replyError.syntax();
    // nothing is ever pending: a sentinel shuts down at once
    if (abort) return replyError.noShutdownInProgress();
    sentinel.shutdown('User requested shutdown...');
    return [];
  },
};
