import type { MasterRecord } from '../../sentinel/instance.js';
import type { SentinelContext } from '../types.js';

/** A vote this sentinel holds for a master's failover: the run id voted for, and its epoch. */
export interface Vote {
  readonly leader: string;
  readonly leaderEpoch: number;
}

/**
 * sentinel.c sentinelVoteLeader, as seen from IS-MASTER-DOWN-BY-ADDR: process a vote request for
 * `reqRunid` in `reqEpoch` and return the vote held afterwards (null when none).
 *
 * TODO(failover issue): the election itself (raise current-epoch, vote once per epoch, flush,
 * +new-epoch and +vote-for-leader events; failover.md §2.2) replaces this body. Until then the
 * request is not granted and the reply reports the vote already recorded on the master.
 */
export function voteLeader(
  _ctx: SentinelContext,
  master: MasterRecord,
  _reqEpoch: number,
  _reqRunid: string,
): Vote | null {
  return master.leader === null ? null : { leader: master.leader, leaderEpoch: master.leaderEpoch };
}
