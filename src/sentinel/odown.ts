import type { LinkReply } from '../links/types.js';
import { announceHost } from './addr-match.js';
import { instanceEvent, type Effect } from './effects.js';
import type { FailoverContext } from './failover-context.js';
import { SRI, type MasterRecord, type SentinelRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/**
 * sentinel.c sentinelCheckObjectivelyDown (monitoring.md §8.1): while this sentinel has the
 * master SDOWN, count itself plus the peers whose last answer said "down"; ODOWN when the count
 * reaches the quorum. Entering: flag, since-time, `+odown <master> #quorum <n>/<q>`; leaving
 * (not SDOWN here, or too few answers): `-odown <master>`. A weak, time-windowed agreement:
 * answers count for 5 × ask-period (expireMasterDownReplies). Not evaluated in TILT.
 */
export function checkObjectivelyDown(master: MasterRecord, ctx: RuleContext): Effect[] {
  if (ctx.tilt) return [];
  let count = 0;
  let odown = false;
  if (master.flags & SRI.S_DOWN) {
    count = 1;
    for (const s of master.sentinels.values()) if (s.flags & SRI.MASTER_DOWN) count++;
    odown = count >= master.quorum;
  }
  if (odown) {
    if (master.flags & SRI.O_DOWN) return [];
    master.flags |= SRI.O_DOWN;
    master.odownSinceTime = ctx.now;
    return [instanceEvent('warning', '+odown', master, master, `#quorum ${count}/${master.quorum}`)];
  }
  if (!(master.flags & SRI.O_DOWN)) return [];
  master.flags &= ~SRI.O_DOWN;
  return [instanceEvent('warning', '-odown', master, master)];
}

/**
 * The first step of sentinel.c's ask loop: a peer whose last answer is older than
 * 5 × ask-period no longer counts as seeing the master down, and its reported vote is
 * forgotten. Idempotent; handleMaster runs it before checkObjectivelyDown so an expired answer
 * ends ODOWN in the same call (sentinel.c: on the next tick).
 */
export function expireMasterDownReplies(master: MasterRecord, ctx: RuleContext): void {
  const limit = ctx.timings.askPeriod * 5;
  for (const s of master.sentinels.values()) {
    if (ctx.now - s.lastMasterDownReplyTime > limit) {
      s.flags &= ~SRI.MASTER_DOWN;
      s.leader = null;
    }
  }
}

/**
 * sentinel.c sentinelAskMasterStateToOtherSentinels (monitoring.md §8.2): expire old answers,
 * then, only while this sentinel has the master SDOWN, send `SENTINEL is-master-down-by-addr
 * <master-ip> <master-port> <current-epoch> <myid|*>` to every connected peer whose last answer
 * is at least ask-period old (or to all connected peers when `forced`). The run id is ours — a
 * vote request — while a failover of this master is in progress, `*` otherwise.
 *
 * Argus pacing: a peer that has not answered is asked again once per ask-period, not on every
 * tick; a forced ask ignores the pacing; a vote request made stale by a newer current epoch is
 * renewed at once (voteRequestOutdated); early in our SDOWN a "not down" answer is checked again
 * sooner (recheckTime).
 */
export function askMasterStateToOtherSentinels(master: MasterRecord, ctx: FailoverContext, forced: boolean): Effect[] {
  expireMasterDownReplies(master, ctx);
  if (!(master.flags & SRI.S_DOWN)) return [];
  const { now } = ctx;
  const period = ctx.timings.askPeriod;
  const out: Effect[] = [];
  for (const s of master.sentinels.values()) {
    if (s.link.disconnected) continue;
    const due = !(now - s.lastMasterDownReplyTime < period || (s.askSentTime !== 0 && now - s.askSentTime < period));
    if (!forced && !due && now < recheckTime(master, s, ctx) && !voteRequestOutdated(master, s, ctx)) continue;
    s.askSentTime = now;
    s.askEpoch = ctx.currentEpoch;
    out.push({
      kind: 'ask-peer',
      sentinel: s,
      master,
      args: [
        'is-master-down-by-addr',
        announceHost(master.addr, ctx),
        String(master.addr.port),
        String(ctx.currentEpoch),
        master.failoverState !== 'none' ? ctx.myid : '*',
      ],
    });
  }
  return out;
}

/**
 * Argus: while our election waits, a peer that answered our last request, sent with an epoch
 * the current epoch has since passed (other masters' failovers or peers raised it), is asked
 * again at once rather than after ask-period: getLeader counts only votes in the current epoch,
 * and our request now carries it. At most once per epoch value per peer (askEpoch), and only
 * once the previous request was answered, so a peer that will not vote is not flooded.
 */
function voteRequestOutdated(master: MasterRecord, s: SentinelRecord, ctx: FailoverContext): boolean {
  return (
    master.failoverState === 'wait_start' &&
    s.askSentTime !== 0 &&
    s.lastMasterDownReplyTime >= s.askSentTime &&
    s.askEpoch < ctx.currentEpoch
  );
}

/** How soon a peer that said "not down" is asked again, early in this sentinel's SDOWN (recheckTime). */
const ASK_RECHECK_MS = 200;

/**
 * Argus: for two ping periods after this sentinel's SDOWN began, a peer that answered our last
 * ask with "not down" is asked again ASK_RECHECK_MS after that answer instead of a whole
 * ask-period later; Infinity when that does not apply. Sentinels ping on their own phases, so
 * for the same dead master a peer's SDOWN may come up to a ping period after ours, and
 * ask-period pacing then left ODOWN up to a second behind it (a master cut from 2 of 3
 * sentinels: +sdown here at 2.2 s, the peer's at 2.46 s, +odown at 3.2 s). Once ODOWN holds or
 * the window has passed, the pace is sentinel.c's again, so a master that stays SDOWN here alone
 * (a minority partition) costs each peer ten more asks, once. Peers see only an earlier
 * IS-MASTER-DOWN-BY-ADDR.
 */
function recheckTime(master: MasterRecord, s: SentinelRecord, ctx: RuleContext): number {
  if (master.flags & SRI.O_DOWN || s.flags & SRI.MASTER_DOWN) return Infinity;
  if (s.askSentTime === 0 || s.lastMasterDownReplyTime < s.askSentTime) return Infinity;
  const at = s.lastMasterDownReplyTime + ASK_RECHECK_MS;
  return at <= master.sdownSinceTime + 2 * ctx.timings.pingPeriod ? at : Infinity;
}

/** The first ms at which askMasterStateToOtherSentinels would ask `s` again (not forced), or Infinity. */
export function nextAskTime(master: MasterRecord, s: SentinelRecord, ctx: RuleContext): number {
  if (!(master.flags & SRI.S_DOWN) || s.link.disconnected) return Infinity;
  const period = ctx.timings.askPeriod;
  const paced = Math.max(s.lastMasterDownReplyTime + period, s.askSentTime === 0 ? -Infinity : s.askSentTime + period);
  return Math.min(paced, recheckTime(master, s, ctx));
}

/** The first ms at which expireMasterDownReplies would change `s`, or Infinity (nothing to expire). */
export function masterDownExpiry(s: SentinelRecord, ctx: RuleContext): number {
  if (!(s.flags & SRI.MASTER_DOWN) && s.leader === null) return Infinity;
  return s.lastMasterDownReplyTime + ctx.timings.askPeriod * 5 + 1;
}

/**
 * sentinel.c sentinelReceiveIsMasterDownReply: only a 3-element array of (integer, string,
 * integer) counts — errors (`-NOAUTH`), a lost connection or any other shape are ignored, so
 * the peer's flag simply expires. A valid answer records the time, sets or clears the peer's
 * master_down flag from element 1, and, when element 2 is not `*`, stores the peer's vote (run
 * id, epoch), logging `<peer> voted for <runid> <epoch>` (notice) when the epoch changed.
 * Afterwards the shell runs handleMaster: ODOWN and the election may have changed.
 */
export function onIsMasterDownReply(
  sentinel: SentinelRecord,
  _master: MasterRecord,
  reply: LinkReply,
  ctx: RuleContext,
): Effect[] {
  if (reply.kind !== 'ok' || !Array.isArray(reply.value)) return [];
  const v = reply.value as readonly unknown[];
  if (v.length !== 3) return [];
  const [down, leader, epoch] = v;
  if (typeof down !== 'number' || typeof leader !== 'string' || typeof epoch !== 'number') return [];
  sentinel.lastMasterDownReplyTime = ctx.now;
  if (down === 1) sentinel.flags |= SRI.MASTER_DOWN;
  else sentinel.flags &= ~SRI.MASTER_DOWN;
  if (leader === '*') return [];
  const out: Effect[] = [];
  if (sentinel.leaderEpoch !== epoch) {
    out.push({ kind: 'log', level: 'notice', message: `${sentinel.name} voted for ${leader} ${epoch}` });
  }
  sentinel.leader = leader;
  sentinel.leaderEpoch = epoch;
  return out;
}
