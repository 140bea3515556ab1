import { err, ok } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { supportsCoordinatedFailover } from './failover-hook.js';

/**
 * SENTINEL FAILOVER <name> [COORDINATED]: checks in sentinel.c's order (Valkey 9 adds the option
 * and checks it before INPROG), then a forced failover that skips the election.
 */
export const failoverSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'failover',
  audit: {},
  // Redis 7.2: 3; Valkey 9 accepts an optional 4th word, checked below
  arity: -3,
  summary: 'Fails a master over to its best replica without asking the other sentinels.',
  since: '2.8.4',
  complexity: 'O(1)',
  async run({ sentinel }, argv) {
    if (argv.length > 4) return replyError.wrongArity('sentinel|failover');
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    if (argv.length === 4) {
      if (argv[3]!.toLowerCase() !== 'coordinated') return replyError.unknownFailoverOption();
      if (!supportsCoordinatedFailover(master)) return replyError.noGoodPrimary();
      // Valkey 9's coordinated (FAILOVER-command) switchover is not built yet: say so rather
      // than quietly run a plain forced failover, which can lose writes.
      return err('ERR COORDINATED failover is not supported yet by Argus; use SENTINEL FAILOVER <name>');
    }
    // The master's coordinator checks (INPROG, NOGOODSLAVE) and starts the forced failover.
    switch (await sentinel.monitors.userFailover(master.name)) {
      case 'OK':
        return ok;
      case 'INPROG':
        return replyError.failoverInProgress();
      default:
        return replyError.noGoodSlave();
    }
  },
};
