import type { LinkReply } from '../links/types.js';
import { SRI, type InstanceRecord, type MasterRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/** sentinel.c SENTINEL_MAX_PENDING_COMMANDS (per link, times its refcount). */
export const SENTINEL_MAX_PENDING_COMMANDS = 100;

/** The grid hellos to peer sentinels are due on (one sentinel.c tick at hz 10). */
const HELLO_GRID_MS = 100;

/** INFO cadence for replicas watched closely (master ODOWN or failing over, or its link down). */
const FAST_INFO_PERIOD = 1000;
/**
 * Argus: the replica a coordinated failover hands over to is polled this often until it reports
 * role:master. FAILOVER TO replies before the handover is done, and until the sentinel sees it
 * clients get -READONLY from the old master and its address from GET-MASTER-ADDR-BY-NAME.
 */
const COORDINATED_INFO_PERIOD = 100;

export interface PeriodicDue {
  ping: boolean;
  info: boolean;
  hello: boolean;
  /**
   * Monotonic ms of the next time this function must run again, assuming the commands due now
   * are sent now; always > now while the link is usable. Infinity when the link is disconnected
   * or saturated: run again on the next connect or reply.
   */
  nextDue: number;
}

/**
 * The INFO period (sentinelSendPeriodicCommands): 1 s for a replica whose master is ODOWN or in
 * failover, or which reports a link-down time (also -1000, from `-1`: never connected), else
 * info-period. Argus: COORDINATED_INFO_PERIOD for the replica of a coordinated handover.
 */
export function infoPeriodOf(ri: InstanceRecord, master: MasterRecord, ctx: RuleContext): number {
  if (ri.kind === 'slave' && ri.flags & SRI.PROMOTED && master.flags & SRI.COORDINATED_FAILOVER && master.failoverState === 'wait_promotion') {
    return COORDINATED_INFO_PERIOD;
  }
  if (ri.kind === 'slave' && (master.flags & (SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS) || ri.masterLinkDownTime !== 0)) {
    return FAST_INFO_PERIOD;
  }
  return ctx.timings.infoPeriod;
}

/** The PING period: min(down-after, ping-period), Argus's per-master argusPingPeriod replacing ping-period when > 0. */
export function pingPeriodOf(ri: InstanceRecord, master: MasterRecord, ctx: RuleContext): number {
  const period = master.argusPingPeriod > 0 ? master.argusPingPeriod : ctx.timings.pingPeriod;
  return Math.min(ri.downAfterPeriod, period);
}

/**
 * V9: no hello while this master's coordinated failover has writes paused (states before
 * reconf_slaves), nor to an instance whose INFO says a FAILOVER is in progress (it would block).
 */
function helloAllowed(ri: InstanceRecord): boolean {
  if (ri.kind === 'sentinel') return true;
  if (ri.kind === 'master' && ri.flags & SRI.COORDINATED_FAILOVER) {
    if (ri.failoverState !== 'reconf_slaves' && ri.failoverState !== 'update_config') return false;
  }
  return ri.monitoredFailoverState !== 'failover';
}

/**
 * sentinel.c sentinelSendPeriodicCommands as a question: which of INFO, PING and the hello
 * PUBLISH are due for `ri` now (`master` is the record itself for a master), and when to ask
 * again, so the actor arms one timer instead of polling on a tick.
 *
 * - Nothing while the link is disconnected or has ≥ 100 × refcount pending commands.
 * - INFO (masters, replicas): never answered, or the last answer older than the INFO period.
 * - PING (all): the last reply of any kind older than the PING period, and the last PING sent
 *   more than half of it ago.
 * - hello (all): the last successful publish older than publish-period.
 *
 * A hello due before the next PING goes out with this one, in the same write: after the first
 * such hello the two cadences are in step (a hello with every second PING, the publish period
 * kept), so an instance costs a write per PING instead of three writes per two PINGs. Sentinel's
 * own tick sends both from the same pass too; the one early hello only brings peers news sooner.
 *
 * Deviation, invisible to peers: sentinel.c re-sends an unanswered INFO or hello on every tick
 * (~10 times a second) until the answer comes; with no tick, Argus re-sends one only when the
 * previous send is older than min(its period, ping-period) — the actor records sends with
 * onInfoSent / onHelloSent (and onPingSent) so a slow server is not flooded.
 */
export function periodicCommandsDue(ri: InstanceRecord, master: MasterRecord, ctx: RuleContext): PeriodicDue {
  const { link } = ri;
  const { now, timings } = ctx;
  if (link.disconnected || link.pendingCommands >= SENTINEL_MAX_PENDING_COMMANDS * link.refcount) {
    return { ping: false, info: false, hello: false, nextDue: Infinity };
  }

  // Each command is due from the first ms where sentinel.c's strict `>` holds, and not before
  // its retry gap has passed since the last send.
  let infoStaleAt = Infinity;
  let infoAt = Infinity;
  let infoRetry = 0;
  if (ri.kind !== 'sentinel') {
    const period = infoPeriodOf(ri, master, ctx);
    infoRetry = Math.min(period, timings.pingPeriod) + 1;
    infoStaleAt = ri.infoRefresh === 0 ? -Infinity : ri.infoRefresh + period + 1;
    infoAt = Math.max(infoStaleAt, ri.infoSentTime === 0 ? -Infinity : ri.infoSentTime + infoRetry);
  }

  const pp = pingPeriodOf(ri, master, ctx);
  const halfPp = Math.floor(pp / 2) + 1;
  const pingAt = Math.max(link.lastPongTime + pp + 1, link.lastPingTime + halfPp);

  let helloAt = Infinity;
  const helloRetry = Math.min(timings.publishPeriod, timings.pingPeriod) + 1;
  // To a peer, on a 100 ms grid (Sentinel's own tick): the hellos of all the masters a shard
  // shares with that peer fall due together and leave in one write, as from sentinel.c's tick.
  const helloStaleAt = ri.kind === 'sentinel'
    ? Math.ceil((ri.lastPubTime + timings.publishPeriod + 1) / HELLO_GRID_MS) * HELLO_GRID_MS
    : ri.lastPubTime + timings.publishPeriod + 1;
  if (helloAllowed(ri)) {
    helloAt = Math.max(helloStaleAt, ri.helloSentTime === 0 ? -Infinity : ri.helloSentTime + helloRetry);
  }

  const info = now >= infoAt;
  const ping = now >= pingAt;
  const hello = now >= helloAt || (ping && helloAt < now + pp);
  // As if the due commands went out now: their next chance is a retry gap (or, for PING, half
  // a period) away, unless the stale condition itself lies further ahead.
  const nextInfo = info ? Math.max(infoStaleAt, now + infoRetry) : infoAt;
  const nextPing = ping ? Math.max(link.lastPongTime + pp + 1, now + halfPp) : pingAt;
  const nextHello = hello ? Math.max(helloStaleAt, now + helloRetry) : helloAt;
  return { ping, info, hello, nextDue: Math.min(nextInfo, nextPing, nextHello) };
}

/** The INFO command was written (paces re-sends; see periodicCommandsDue). */
export function onInfoSent(ri: InstanceRecord, now: number): void {
  if (ri.kind !== 'sentinel') ri.infoSentTime = now;
}

/** The hello PUBLISH was written (paces re-sends; see periodicCommandsDue). */
export function onHelloSent(ri: InstanceRecord, now: number): void {
  ri.helloSentTime = now;
}

/**
 * sentinel.c sentinelPublishReplyCallback: only a reply that is not an error counts as
 * published; after an error or a lost connection the hello is retried.
 */
export function onHelloReply(ri: InstanceRecord, reply: LinkReply, now: number): void {
  if (reply.kind === 'ok') ri.lastPubTime = now;
}

/**
 * sentinel.c sentinelForceHelloUpdateForMaster: back-date last-pub time so the next hello goes
 * out at once to the master, its replicas and its sentinels (after a promotion or a config
 * update). Also forgets a pending send so nothing paces it.
 */
export function forceHelloUpdate(master: MasterRecord, publishPeriod: number): void {
  const backdate = (ri: InstanceRecord): void => {
    if (ri.lastPubTime >= publishPeriod + 1) ri.lastPubTime -= publishPeriod + 1;
    ri.helloSentTime = 0;
  };
  backdate(master);
  for (const r of master.replicas.values()) backdate(r);
  for (const s of master.sentinels.values()) backdate(s);
}
