import { arrayOf, bulk, ok, type Reply } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { SentinelContext } from '../types.js';

/** sentinel.c SENTINEL_SIMFAILURE_* bits, as INFO's sentinel_simulate_failure_flags shows them. */
export const SIMFAILURE = { CRASH_AFTER_ELECTION: 1 << 0, CRASH_AFTER_PROMOTION: 1 << 1 } as const;

/**
 * SENTINEL SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]: flags are
 * cleared, then set left to right (each logged with redis-sentinel 7.0's line); HELP answers at
 * once and an unknown word stops processing, leaving what was set so far.
 */
export const simulateFailureSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'simulate-failure',
  audit: {},
  arity: -3,
  summary: 'Makes this sentinel crash at a chosen point of its next failover (for tests).',
  since: '3.2.0',
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    const reply = setFlags(sentinel, argv);
    // The failover runs in a shard, which reads the flags from its globals: pushed on the next
    // tick, they would miss a SENTINEL FAILOVER sent right behind this command.
    sentinel.monitors.syncGlobals();
    return reply;
  },
};

function setFlags(sentinel: SentinelContext, argv: readonly string[]): Reply {
  const { state } = sentinel;
  state.simFailureFlags = 0;
  for (const arg of argv.slice(2)) {
    const mode = arg.toLowerCase();
    if (mode === 'crash-after-election') {
      state.simFailureFlags |= SIMFAILURE.CRASH_AFTER_ELECTION;
      sentinel.log('warning', 'Failure simulation: this Sentinel will crash after being successfully elected as failover leader');
    } else if (mode === 'crash-after-promotion') {
      state.simFailureFlags |= SIMFAILURE.CRASH_AFTER_PROMOTION;
      sentinel.log('warning', 'Failure simulation: this Sentinel will crash after promoting the selected replica to master');
    } else if (mode === 'help') {
      return arrayOf(bulk('crash-after-election'), bulk('crash-after-promotion'));
    } else {
      return replyError.unknownSimulation();
    }
  }
  return ok;
}
