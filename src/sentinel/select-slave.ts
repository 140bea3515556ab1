import type { Effect } from './effects.js';
import { SRI, type MasterRecord, type ReplicaRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/**
 * sentinel.c compareSlavesForPromotion: lower slave_priority first, then the larger
 * replication offset, then the smaller run id compared case-insensitively, a replica without a
 * run id after every other. 0 for the remaining ties.
 */
export function compareSlavesForPromotion(a: ReplicaRecord, b: ReplicaRecord): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset !== b.slaveReplOffset) return a.slaveReplOffset > b.slaveReplOffset ? -1 : 1;
  if (a.runid === null || b.runid === null) return a.runid === b.runid ? 0 : a.runid === null ? 1 : -1;
  const x = a.runid.toLowerCase();
  const y = b.runid.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Why a replica cannot be promoted now (first failing filter of sentinelSelectSlave), or null
 * when it can. `maxMasterDownTime` and `infoValidity` come from the master's state; with
 * `ignoreInfoAge` the INFO age filter is skipped (would it qualify with a fresh INFO?).
 */
function unfit(
  r: ReplicaRecord,
  ctx: RuleContext,
  infoValidity: number,
  maxMasterDownTime: number,
  ignoreInfoAge = false,
): string | null {
  const { now, timings } = ctx;
  if (r.flags & (SRI.S_DOWN | SRI.O_DOWN)) return 'down';
  if (r.link.disconnected) return 'disconnected';
  if (now - r.link.lastAvailTime > timings.pingPeriod * 5) return 'no recent valid PING reply';
  if (r.slavePriority === 0) return 'priority 0';
  if (!ignoreInfoAge && now - r.infoRefresh > infoValidity) return 'stale INFO';
  if (r.masterLinkDownTime > maxMasterDownTime) return 'master link down too long';
  return null;
}

/** The selection limits that depend on the master's state. */
function limits(master: MasterRecord, ctx: RuleContext): { infoValidity: number; maxMasterDownTime: number } {
  const sdown = (master.flags & SRI.S_DOWN) !== 0;
  return {
    // Replicas of an SDOWN master are expected to answer INFO every second (ODOWN cadence).
    infoValidity: sdown ? ctx.timings.pingPeriod * 5 : ctx.timings.infoPeriod * 3,
    maxMasterDownTime: (sdown ? ctx.now - master.sdownSinceTime : 0) + master.downAfterPeriod * 10,
  };
}

/** One replica as the selection judged it: the first filter it fails, or null when it qualifies. */
export interface SlaveVerdict {
  readonly replica: ReplicaRecord;
  readonly reason: string | null;
}

/**
 * sentinel.c sentinelSelectSlave (failover.md §4), with its reasons: every replica with the
 * first filter it fails, the qualified ones in promotion order (first = the one chosen), then
 * the excluded ones in table order. Every replica record counts, also those with
 * replica-announced 0, unless it is SDOWN/ODOWN, disconnected, has no valid PING reply within
 * 5 × ping-period, has priority 0, has INFO older than 5 × ping-period (master SDOWN: replicas'
 * INFO comes every second) or 3 × info-period (otherwise), or reports its master link down for
 * longer than 10 × down-after plus the time the master has been SDOWN. The rest are ordered by
 * compareSlavesForPromotion (stable). The failover (selectSlave) and SENTINEL FAILOVER-PLAN
 * both read this, so the plan cannot disagree with what a failover does.
 */
export function explainSelectSlave(master: MasterRecord, ctx: RuleContext): SlaveVerdict[] {
  const { infoValidity, maxMasterDownTime } = limits(master, ctx);
  const verdicts = [...master.replicas.values()].map((replica) => ({
    replica,
    reason: unfit(replica, ctx, infoValidity, maxMasterDownTime),
  }));
  const fit = verdicts.filter((v) => v.reason === null).sort((a, b) => compareSlavesForPromotion(a.replica, b.replica));
  return [...fit, ...verdicts.filter((v) => v.reason !== null)];
}

/** sentinel.c sentinelSelectSlave: the best replica to promote, or null (see explainSelectSlave). */
export function selectSlave(master: MasterRecord, ctx: RuleContext): ReplicaRecord | null {
  const first = explainSelectSlave(master, ctx)[0];
  return first !== undefined && first.reason === null ? first.replica : null;
}

/**
 * Argus: the replicas that fail selection only because their INFO is too old while an INFO
 * asked less than a ping-period ago is still unanswered — selection should wait for those
 * answers (a round trip) rather than give up (see failover.ts select_slave).
 */
export function replicasAwaitingInfo(master: MasterRecord, ctx: RuleContext): ReplicaRecord[] {
  const { infoValidity, maxMasterDownTime } = limits(master, ctx);
  const { now, timings } = ctx;
  return [...master.replicas.values()].filter(
    (r) =>
      unfit(r, ctx, infoValidity, maxMasterDownTime) === 'stale INFO' &&
      unfit(r, ctx, infoValidity, maxMasterDownTime, true) === null &&
      r.infoSentTime > r.infoRefresh &&
      now - r.infoSentTime <= timings.pingPeriod,
  );
}

/**
 * Argus: keep the selection data of an SDOWN master's replicas fresh from the moment SDOWN
 * starts. sentinel.c polls replicas every second only once the master is ODOWN or failing
 * over, and selection of an SDOWN master wants INFO at most 5 s old, so a failover that starts
 * right after ODOWN finds replicas last polled up to 10 s ago and aborts with
 * -failover-abort-no-good-slave (issue 5 saw it in 1 failover in 5). `info-now` for every
 * connected replica of an SDOWN master whose INFO is older than a ping-period and was not asked
 * for within one; the send time is recorded here (as onInfoSent would).
 */
export function refreshReplicasInfo(master: MasterRecord, ctx: RuleContext): Effect[] {
  if (!(master.flags & SRI.S_DOWN)) return [];
  const { now, timings } = ctx;
  const out: Effect[] = [];
  for (const r of master.replicas.values()) {
    if (r.link.disconnected || now - r.infoRefresh <= timings.pingPeriod) continue;
    if (r.infoSentTime !== 0 && now - r.infoSentTime <= timings.pingPeriod) continue;
    r.infoSentTime = now;
    out.push({ kind: 'info-now', instance: r, master });
  }
  return out;
}
