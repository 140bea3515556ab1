import { bulkMap, ok } from '../../resp/reply.js';
import { DEBUG_TIMERS } from '../../sentinel/timings.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/**
 * SENTINEL DEBUG: without arguments the 13 timers (upper-case names, bulk values); with
 * `<param> <value>` pairs, each applied left to right (an error stops there, earlier pairs stay).
 * Never persisted.
 */
export const debugSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'debug',
  audit: { when: (argv) => argv.length > 2 },
  arity: -2,
  summary: 'Shows or changes the timing parameters of this sentinel.',
  since: '7.0.0',
  complexity: 'O(N) for N parameters',
  run({ sentinel }, argv) {
    const timings = sentinel.state.timings;
    if (argv.length === 2) return bulkMap(DEBUG_TIMERS.map(([name, key]) => [name.toUpperCase(), timings[key]] as const));
    for (let j = 2; j < argv.length; j += 2) {
      const option = argv[j]!;
      const timer = j + 1 < argv.length ? DEBUG_TIMERS.find(([name]) => name === option.toLowerCase()) : undefined;
      if (timer === undefined) return replyError.debugUnknownOption(option);
      const v = parseInteger(argv[j + 1]!);
      if (v === null || v <= 0) return replyError.debugBadValue(argv[j + 1]!, option);
      timings[timer[1]] = v;
    }
    // the shards use the new timings from the next command on, not from the next tick
    sentinel.monitors.syncGlobals();
    return ok;
  },
};
