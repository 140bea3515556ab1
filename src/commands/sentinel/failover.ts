import { err, ok, type Reply } from '../../resp/reply.js';
import type { UserFailoverReply } from '../../actors/coordinator.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/** The reply to SENTINEL FAILOVER or SWITCHOVER from its coordinator's answer (null: not reachable). */
export function userFailoverReply(answer: UserFailoverReply | null): Reply {
  if (answer === 'OK') return ok;
  if (answer === 'INPROG') return replyError.failoverInProgress();
  if (answer !== null && typeof answer === 'object') return err(answer.refused);
  return replyError.noGoodSlave();
}

/**
 * SENTINEL FAILOVER <name> [COORDINATED|SAFE]: checks in sentinel.c's order (Valkey 9 adds the
 * option and checks it before INPROG), then a forced failover that skips the election. With
 * COORDINATED (Valkey 9) or SAFE (its newer spelling) the old master hands over with FAILOVER TO
 * instead (src/sentinel/coordinated.ts); the master's coordinator refuses, with nothing changed,
 * a master that is unreachable or older than Redis 6.2.
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
    let coordinated = false;
    if (argv.length === 4) {
      const option = argv[3]!.toLowerCase();
      if (option !== 'coordinated' && option !== 'safe') return replyError.unknownFailoverOption();
      coordinated = true;
    }
    // The master's coordinator checks (INPROG, NOGOODSLAVE, the master's version) and starts it.
    return userFailoverReply(await sentinel.monitors.userFailover(master.name, coordinated ? { coordinated } : undefined));
  },
};
