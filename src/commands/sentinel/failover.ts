import { ok } from '../../resp/reply.js';
import { SRI } from '../../sentinel/instance.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { selectSlave, startUserFailover, supportsCoordinatedFailover } from './failover-hook.js';

/**
 * SENTINEL FAILOVER <name> [COORDINATED]: checks in sentinel.c's order (Valkey 9 adds the option
 * and checks it before INPROG), then a forced failover that skips the election.
 */
export const failoverSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'failover',
  // Redis 7.2: 3; Valkey 9 accepts an optional 4th word, checked below
  arity: -3,
  summary: 'Fails a master over to its best replica without asking the other sentinels.',
  since: '2.8.4',
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    if (argv.length > 4) return replyError.wrongArity('sentinel|failover');
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    if (argv.length === 4) {
      if (argv[3]!.toLowerCase() !== 'coordinated') return replyError.unknownFailoverOption();
      if (!supportsCoordinatedFailover(master)) return replyError.noGoodPrimary();
    }
    if (master.flags & SRI.FAILOVER_IN_PROGRESS) return replyError.failoverInProgress();
    if (selectSlave(sentinel, master, sentinel.clock.monotonic()) === null) return replyError.noGoodSlave();
    sentinel.log('notice', `Executing user requested FAILOVER of '${master.name}'`);
    startUserFailover(sentinel, master);
    return ok;
  },
};
