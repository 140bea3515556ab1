import { SRI, type MasterRecord, type ReplicaRecord } from '../../sentinel/instance.js';
import type { SentinelContext } from '../types.js';

/**
 * The two steps of SENTINEL FAILOVER that belong to the failover state machine.
 *
 * TODO(failover issue): replace both with the domain functions of src/sentinel (replica selection,
 * failover.md §4; sentinelStartFailover, failover.md §5). They are kept minimal here so the
 * command's checks and replies can be built and tested now. Until the monitoring issue connects
 * links every replica is `disconnected`, so selection finds nothing and FAILOVER answers
 * NOGOODSLAVE.
 */

/** sentinel.c sentinelSelectSlave: the best replica to promote, or null. */
export function selectSlave(ctx: SentinelContext, master: MasterRecord, now: number): ReplicaRecord | null {
  const t = ctx.state.timings;
  let maxMasterDownTime = master.downAfterPeriod * 10;
  if (master.flags & SRI.S_DOWN) maxMasterDownTime += now - master.sdownSinceTime;
  // INFO comes every second from replicas of a master in SDOWN, else at the usual period
  const infoValidity = master.flags & SRI.S_DOWN ? t.pingPeriod * 5 : t.infoPeriod * 3;
  const candidates = [...master.replicas.values()].filter(
    (r) =>
      !(r.flags & (SRI.S_DOWN | SRI.O_DOWN)) &&
      !r.link.disconnected &&
      now - r.link.lastAvailTime <= t.pingPeriod * 5 &&
      r.slavePriority !== 0 &&
      now - r.infoRefresh <= infoValidity &&
      r.masterLinkDownTime <= maxMasterDownTime,
  );
  // compareSlavesForPromotion: lower priority, then larger offset, then smaller run id (unknown last)
  candidates.sort(
    (a, b) =>
      a.slavePriority - b.slavePriority ||
      b.slaveReplOffset - a.slaveReplOffset ||
      (a.runid === null ? 1 : b.runid === null ? -1 : a.runid < b.runid ? -1 : a.runid > b.runid ? 1 : 0),
  );
  return candidates[0] ?? null;
}

/**
 * sentinel.c sentinelStartFailover for a user request: a new epoch, the failover flagged in
 * progress and forced (the election is skipped), the events peers and scripts see.
 */
export function startUserFailover(ctx: SentinelContext, master: MasterRecord): void {
  const { state, events } = ctx;
  master.failoverState = 'wait_start';
  master.flags |= SRI.FAILOVER_IN_PROGRESS | SRI.FORCE_FAILOVER;
  master.failoverEpoch = ++state.currentEpoch;
  events.publish('warning', '+new-epoch', String(state.currentEpoch), master.name);
  events.instanceEvent('warning', '+try-failover', master, master);
}

/**
 * Valkey 9: COORDINATED needs a master that reports `master_failover_state` in INFO.
 * TODO(monitoring issue): read it from the parsed INFO; no master has reported it yet.
 */
export const supportsCoordinatedFailover = (_master: MasterRecord): boolean => false;
