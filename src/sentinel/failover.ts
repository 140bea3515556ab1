import { announceHost } from './addr-match.js';
import { instanceEvent, type Effect } from './effects.js';
import {
  freezeEvents,
  raiseEpoch,
  SENTINEL_MAX_DESYNC,
  sameRunid,
  textEvent,
  type FailoverContext,
} from './failover-context.js';
import { abortCommands, coordinatedRefusal, findReplica, sendFailoverTo, switchoverRefusal } from './coordinated.js';
import { fnv1a } from './fnv1a.js';
import { SRI, type MasterRecord, type ReplicaRecord } from './instance.js';
import { suppressFailover } from './maintenance.js';
import { replicasAwaitingInfo, selectSlave } from './select-slave.js';
import { resetMasterAndChangeAddress } from './switch-master.js';
import { getLeader } from './vote.js';

/** The replica our failover promoted (sentinel.c master->promoted_slave): the one flagged `promoted`. */
export function promotedSlave(master: MasterRecord): ReplicaRecord | null {
  for (const r of master.replicas.values()) if (r.flags & SRI.PROMOTED) return r;
  return null;
}

/** sentinelSendSlaveOf aimed at `to` (null: SLAVEOF NO ONE); V9 aborts a FAILOVER the node reports first. */
const slaveOf = (ri: ReplicaRecord, master: MasterRecord, to: ReplicaRecord | null, ctx: FailoverContext): Effect => ({
  kind: 'send-slaveof',
  instance: ri,
  master,
  host: to === null ? null : announceHost(to.addr, ctx),
  port: to === null ? 0 : to.addr.port,
  abortFailover: ri.monitoredFailoverState === 'failover',
});

const setState = (master: MasterRecord, state: MasterRecord['failoverState'], now: number): void => {
  master.failoverState = state;
  master.failoverStateChangeTime = now;
};

/**
 * sentinel.c sentinelStartFailover (failover.md §5.1): state wait_start, failover in progress,
 * current epoch + 1 = the failover epoch (`raise-epoch`), `+new-epoch <epoch>`, `+try-failover
 * <master>`, start time = now + rand(SENTINEL_MAX_DESYNC) (it widens the election window and
 * spaces retries, so sentinels that start together do not stay in step), state-change time =
 * now. The epoch is not flushed here; the vote that follows flushes it.
 */
export function startFailover(master: MasterRecord, ctx: FailoverContext): Effect[] {
  const epoch = ctx.currentEpoch + 1;
  master.flags |= SRI.FAILOVER_IN_PROGRESS;
  setState(master, 'wait_start', ctx.now);
  const out = raiseEpoch(ctx, epoch);
  master.failoverEpoch = epoch;
  out.push(textEvent('warning', '+new-epoch', String(epoch), master), instanceEvent('warning', '+try-failover', master, master));
  master.failoverStartTime = ctx.now + ctx.random(SENTINEL_MAX_DESYNC);
  return out;
}

/** ctime(3) without the newline: `Thu Nov 22 23:19:16 2026`, local time. */
function ctime(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/**
 * Argus: the first moment this ODOWN may start a failover — ODOWN's start, plus this sentinel's
 * place in line for this master (failoverRank) times FAILOVER_RANK_STEP, plus a random 0–149 ms.
 *
 * Why: sentinels that see a master die in the same millisecond (Argus detects a dead link at
 * once, and asks its peers at once) would all start a failover together, each vote for itself,
 * and split the election; in a mass failure the candidates then wait for each other's higher
 * epochs, a second or more per master. redis-sentinel is spread by its 10–19 Hz tick and 1 s
 * ask period instead. Every sentinel computes the same line (a hash of master name and run id,
 * so each master has its own and a mass failure spreads its leaders), the first in line starts
 * at once, and the others only after its vote request has reached them: a sentinel that votes
 * for another holds back its own failover (voteLeader). Nothing changes on the wire, only when
 * Argus asks for votes; redis-sentinel peers keep their own timing. Measured with
 * `npm run bench -- failover --simultaneous`.
 */
export const FAILOVER_START_JITTER = 150;
export const FAILOVER_RANK_STEP = 400;

export function failoverStartAt(master: MasterRecord, ctx: FailoverContext): number {
  if (master.failoverJitterFor !== master.odownSinceTime) {
    master.failoverJitterFor = master.odownSinceTime;
    master.failoverJitter = ctx.random(FAILOVER_START_JITTER);
  }
  return master.odownSinceTime + failoverRank(master, ctx) * FAILOVER_RANK_STEP + master.failoverJitter;
}

/** A per-master order of run ids, the same in every sentinel. */
const rankKey = (masterName: string, runid: string): number => fnv1a(`${masterName}\0${runid.toLowerCase()}`);

/**
 * This sentinel's place (0 = first) among the sentinels in line for `master`: itself and every
 * peer that said the master is down or is alive enough to say so soon (connected, answered a
 * PING within two ping periods). The second group matters: ODOWN needs only `quorum` answers, so
 * a sentinel may reach it before another live peer's answer is in, and must not take itself for
 * first just because that answer is late. A peer killed with the master drops its link at once.
 */
export function failoverRank(master: MasterRecord, ctx: Pick<FailoverContext, 'myid' | 'now' | 'timings'>): number {
  const mine = rankKey(master.name, ctx.myid);
  let rank = 0;
  for (const s of master.sentinels.values()) {
    if (s.flags & SRI.S_DOWN || s.runid === null) continue;
    const alive = s.link.ccConnected && ctx.now - s.link.lastAvailTime <= 2 * ctx.timings.pingPeriod;
    if (!(s.flags & SRI.MASTER_DOWN) && !alive) continue;
    const theirs = rankKey(master.name, s.runid);
    if (theirs < mine || (theirs === mine && s.runid.toLowerCase() < ctx.myid.toLowerCase())) rank++;
  }
  return rank;
}

/**
 * sentinel.c sentinelStartFailoverIfNeeded: start when the master is ODOWN, no failover is in
 * progress and the last attempt (or our vote for another sentinel) is at least
 * 2 × failover-timeout old. When only the last condition fails, log once per start time
 * `Next failover delay: I will not start a failover before <ctime>` (notice). The caller asks
 * the peers at once (forced) after a start; handleMaster does. Argus: a master in maintenance
 * (checkMaintenance ran before) does not start; `+argus-failover-suppressed` says so instead.
 */
export function startFailoverIfNeeded(master: MasterRecord, ctx: FailoverContext): Effect[] {
  if (!(master.flags & SRI.O_DOWN) || master.flags & SRI.FAILOVER_IN_PROGRESS) return [];
  if (ctx.now < failoverStartAt(master, ctx)) return [];
  // 0 = never started (sentinel.c's wall-clock ms make 0 "long ago"; say it outright for
  // monotonic clocks that may start near 0)
  const retryAt = master.failoverStartTime === 0 ? -Infinity : master.failoverStartTime + master.failoverTimeout * 2;
  if (ctx.now < retryAt) {
    if (master.failoverDelayLogged === master.failoverStartTime) return [];
    master.failoverDelayLogged = master.failoverStartTime;
    const when = ctx.wallTime ? ctime(ctx.wallTime(retryAt)) : `${Math.ceil((retryAt - ctx.now) / 1000)} seconds from now`;
    return [{ kind: 'log', level: 'notice', message: `Next failover delay: I will not start a failover before ${when}` }];
  }
  if (master.maintenanceActive) return suppressFailover(master);
  return startFailover(master, ctx);
}

/**
 * Why SENTINEL FAILOVER was refused: `-INPROG Failover already in progress`, `-NOGOODSLAVE No
 * suitable replica to promote`, or (coordinated, switchover) a whole error line without the '-'.
 */
export type UserFailoverError = 'INPROG' | 'NOGOODSLAVE' | { readonly refused: string };

export type UserFailoverResult =
  | { readonly ok: true; readonly effects: Effect[] }
  | { readonly ok: false; readonly error: UserFailoverError };

/**
 * Argus: what the operator asked for. `coordinated`: SENTINEL FAILOVER <name> COORDINATED|SAFE;
 * `target`: SENTINEL SWITCHOVER <name> <ip> <port> (always coordinated).
 */
export interface UserFailoverRequest {
  readonly coordinated?: boolean;
  readonly target?: { readonly host: string; readonly port: number };
}

/**
 * SENTINEL FAILOVER <name> after the name lookup (commands.md §3.7), Redis 7 semantics: refused
 * while a failover is in progress (INPROG) or when no replica qualifies (NOGOODSLAVE);
 * otherwise log `Executing user requested FAILOVER of '<name>'` (a warning, as in sentinel.c),
 * startFailover, and flag `force_failover`, which skips the election: the next handleMaster
 * records our own vote (`+vote-for-leader <myid> <epoch>`) and goes on with `+elected-leader`
 * without waiting for peers, who are not asked (the master is not SDOWN) and learn the result
 * from our hellos. Reply `+OK` after performing the effects, then run handleMaster at once
 * (right after the reply has left: the SIMULATE-FAILURE checkpoints come after it, as in Redis).
 *
 * Argus coordinated mode (`request.coordinated`, coordinated.ts): refused with nothing changed
 * unless the master is reachable and runs Redis 6.2+; flags `coordinated_failover` too, so
 * send_slaveof_noone hands over with FAILOVER TO on the old master. Unlike Valkey 9 it keeps
 * `force_failover` (no election), as a plain SENTINEL FAILOVER does. A switchover
 * (`request.target`) promotes that replica if switchoverRefusal finds nothing wrong with it.
 * Not implemented: V9's marking of the master SDOWN for a plain FAILOVER.
 */
export function startUserFailover(master: MasterRecord, ctx: FailoverContext, request: UserFailoverRequest = {}): UserFailoverResult {
  let target: ReplicaRecord | null = null;
  if (request.target !== undefined) {
    target = findReplica(master, request.target.host, request.target.port, ctx);
    if (target === null) return { ok: false, error: { refused: 'ERR No such replica with that address' } };
  }
  if (master.flags & SRI.FAILOVER_IN_PROGRESS) return { ok: false, error: 'INPROG' };
  const coordinated = request.coordinated === true || target !== null;
  if (coordinated) {
    const refusal = coordinatedRefusal(master);
    if (refusal !== null) return { ok: false, error: { refused: refusal } };
  }
  if (target !== null) {
    const why = switchoverRefusal(master, target, ctx);
    if (why !== null) return { ok: false, error: { refused: `NOGOODSLAVE The replica is not suitable for promotion: ${why}` } };
  } else if (selectSlave(master, ctx) === null) {
    return { ok: false, error: 'NOGOODSLAVE' };
  }
  const what = target !== null ? `SWITCHOVER of '${master.name}' to ${target.name}` : `${coordinated ? 'COORDINATED ' : ''}FAILOVER of '${master.name}'`;
  const effects: Effect[] = [{ kind: 'log', level: 'warning', message: `Executing user requested ${what}` }, ...startFailover(master, ctx)];
  master.flags |= SRI.FORCE_FAILOVER | (coordinated ? SRI.COORDINATED_FAILOVER : 0);
  master.switchoverTarget = target?.name ?? null;
  return { ok: true, effects };
}

/**
 * Argus: the old master refused FAILOVER TO (older than 6.2: `-ERR unknown command`; no online
 * replica; ...): `-failover-abort-master-refused <master> <reason>`, abort, and make sure no
 * FAILOVER runs and no writes stay paused there (FAILOVER ABORT, CLIENT UNPAUSE). Nothing
 * unless our coordinated failover still waits for that promotion.
 */
export function failoverToRefused(master: MasterRecord, reason: string, ctx: FailoverContext): Effect[] {
  if (!(master.flags & SRI.COORDINATED_FAILOVER) || master.failoverState !== 'wait_promotion') return [];
  const out: Effect[] = [
    instanceEvent('warning', '-failover-abort-master-refused', master, master, reason.replace(/[\r\n]+/g, ' ')),
    { kind: 'send-commands', instance: master, master, commands: abortCommands() },
  ];
  abortFailover(master, ctx);
  return out;
}

/**
 * sentinel.c sentinelAbortFailover (allowed up to wait_promotion; later a failover can only end):
 * clear failover_in_progress, force_failover and coordinated_failover, state none from now,
 * un-flag the promoted replica. The start time stays, so the next attempt waits until
 * 2 × failover-timeout after the previous start.
 */
export function abortFailover(master: MasterRecord, ctx: FailoverContext): void {
  if (!(master.flags & SRI.FAILOVER_IN_PROGRESS)) return;
  const s = master.failoverState;
  if (s === 'reconf_slaves' || s === 'update_config') return;
  master.flags &= ~(SRI.FAILOVER_IN_PROGRESS | SRI.FORCE_FAILOVER | SRI.COORDINATED_FAILOVER);
  master.switchoverTarget = null;
  setState(master, 'none', ctx.now);
  const promoted = promotedSlave(master);
  if (promoted !== null) promoted.flags &= ~SRI.PROMOTED;
}

/** The election window: min(election-timeout, failover-timeout), counted from the start time. */
export const electionTimeout = (master: MasterRecord, ctx: FailoverContext): number =>
  Math.min(ctx.timings.electionTimeout, master.failoverTimeout);

/** sentinel.c sentinelFailoverWaitStart: elected (or forced) → select_slave; window over → abort. */
function waitStart(master: MasterRecord, ctx: FailoverContext, out: Effect[]): void {
  const election = getLeader(master, master.failoverEpoch, ctx);
  out.push(...election.effects);
  const isLeader = sameRunid(election.leader, ctx.myid);
  if (!isLeader && !(master.flags & SRI.FORCE_FAILOVER)) {
    if (ctx.now - master.failoverStartTime > electionTimeout(master, ctx)) {
      out.push(instanceEvent('warning', '-failover-abort-not-elected', master, master));
      abortFailover(master, ctx);
    }
    return;
  }
  out.push(instanceEvent('warning', '+elected-leader', master, master), { kind: 'simulated-crash', when: 'after-election' });
  setState(master, 'select_slave', ctx.now);
  out.push(instanceEvent('warning', '+failover-state-select-slave', master, master));
}

/**
 * Argus: select_slave may wait (at most a ping-period after entering it) while replicas that
 * fail selection only for an old INFO have a fresh INFO request outstanding.
 */
export function selectionMayWait(master: MasterRecord, ctx: FailoverContext): boolean {
  return ctx.now - master.failoverStateChangeTime <= ctx.timings.pingPeriod && replicasAwaitingInfo(master, ctx).length > 0;
}

/**
 * sentinel.c sentinelFailoverSelectSlave: flag the best replica `promoted`, or abort.
 * Argus: when no replica qualifies but some fail only for an old INFO whose fresh INFO was
 * asked for within a ping-period (refreshReplicasInfo), wait for those answers — a round trip —
 * instead of aborting, for one ping-period at most; the abort comes when they answer without
 * qualifying, or do not answer in time. sentinel.c aborts at once (issue 5: 1 failover in 5).
 * A SWITCHOVER takes its named replica instead (switchoverTarget), without waiting.
 */
function selectSlaveStep(master: MasterRecord, ctx: FailoverContext, out: Effect[]): void {
  const replica = master.switchoverTarget !== null ? switchoverTarget(master) : selectSlave(master, ctx);
  if (replica === null && master.switchoverTarget === null && selectionMayWait(master, ctx)) return;
  if (replica === null) {
    out.push(instanceEvent('warning', '-failover-abort-no-good-slave', master, master));
    abortFailover(master, ctx);
    return;
  }
  out.push(instanceEvent('warning', '+selected-slave', replica, master));
  replica.flags |= SRI.PROMOTED;
  setState(master, 'send_slaveof_noone', ctx.now);
  out.push(instanceEvent('notice', '+failover-state-send-slaveof-noone', replica, master));
}

/** Argus SWITCHOVER: select_slave takes the named replica while it is still there and reachable. */
function switchoverTarget(master: MasterRecord): ReplicaRecord | null {
  const replica = master.replicas.get(master.switchoverTarget ?? '');
  return replica === undefined || replica.flags & SRI.S_DOWN || replica.link.disconnected ? null : replica;
}

/**
 * sentinel.c sentinelFailoverSendSlaveOfNoOne: promote the replica once its link is up (then
 * poll its INFO at once: `info-now`), abort if it stays unreachable for failover-timeout.
 */
function sendSlaveOfNoOne(master: MasterRecord, ctx: FailoverContext, out: Effect[]): void {
  const promoted = promotedSlave(master);
  if (promoted !== null && master.flags & SRI.COORDINATED_FAILOVER) {
    // V9: the old master hands over (coordinated.ts); the replica is never told SLAVEOF NO ONE
    const step = sendFailoverTo(master, promoted, announceHost(promoted.addr, ctx), ctx);
    out.push(...step.effects);
    if (step.abort) abortFailover(master, ctx);
    if (!step.sent) return;
    out.push(instanceEvent('notice', '+failover-state-wait-promotion', promoted, master));
    setState(master, 'wait_promotion', ctx.now);
    out.push({ kind: 'info-now', instance: promoted, master });
    return;
  }
  if (promoted === null || promoted.link.disconnected) {
    if (ctx.now - master.failoverStateChangeTime > master.failoverTimeout) {
      out.push(instanceEvent('warning', '-failover-abort-slave-timeout', master, master));
      abortFailover(master, ctx);
    }
    return;
  }
  out.push(slaveOf(promoted, master, null, ctx));
  out.push(instanceEvent('notice', '+failover-state-wait-promotion', promoted, master));
  setState(master, 'wait_promotion', ctx.now);
  out.push({ kind: 'info-now', instance: promoted, master });
}

/** sentinel.c sentinelFailoverWaitPromotion: only the timeout; promotion itself comes from INFO (promotion.ts). */
function waitPromotion(master: MasterRecord, ctx: FailoverContext, out: Effect[]): void {
  if (ctx.now - master.failoverStateChangeTime > master.failoverTimeout) {
    out.push(instanceEvent('warning', '-failover-abort-slave-timeout', master, master));
    // Argus: a coordinated handover that did not finish is called off on the old master
    if (master.flags & SRI.COORDINATED_FAILOVER) out.push({ kind: 'send-commands', instance: master, master, commands: abortCommands() });
    abortFailover(master, ctx);
  }
}

/**
 * sentinel.c sentinelFailoverReconfNextSlave (failover.md §5.5): while fewer than parallel-syncs
 * replicas are in reconf_sent/reconf_inprog, re-point the next connected replica at the promoted
 * one (`+slave-reconf-sent`); one stuck in reconf_sent for slave-reconf-timeout counts as done
 * (`-slave-reconf-sent-timeout`). As in sentinel.c that check happens inside the same walk, so
 * with every parallel-sync slot busy it waits for the walk to run again (or for the end timeout).
 * Then detectEnd.
 */
function reconfNextSlave(master: MasterRecord, ctx: FailoverContext, out: Effect[]): void {
  const promoted = promotedSlave(master);
  let inProgress = 0;
  for (const r of master.replicas.values()) if (r.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG)) inProgress++;
  for (const r of master.replicas.values()) {
    if (inProgress >= master.parallelSyncs) break;
    if (r.flags & (SRI.PROMOTED | SRI.RECONF_DONE)) continue;
    if (r.flags & SRI.RECONF_SENT && ctx.now - r.slaveReconfSentTime > ctx.timings.slaveReconfTimeout) {
      out.push(instanceEvent('notice', '-slave-reconf-sent-timeout', r, master));
      r.flags = (r.flags & ~SRI.RECONF_SENT) | SRI.RECONF_DONE;
    }
    // As in sentinel.c, a replica just counted done by the timeout is not skipped here: it gets
    // the reconfiguration once more (flags reconf_sent + reconf_done, a second +slave-reconf-sent).
    if (r.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG) || r.link.disconnected) continue;
    if (promoted === null) continue;
    out.push(slaveOf(r, master, promoted, ctx));
    r.flags |= SRI.RECONF_SENT;
    r.slaveReconfSentTime = ctx.now;
    out.push(instanceEvent('notice', '+slave-reconf-sent', r, master), { kind: 'info-now', instance: r, master });
    inProgress++;
  }
  detectEnd(master, promoted, ctx, out);
}

/**
 * sentinel.c sentinelFailoverDetectEnd: nothing while the promoted replica is missing or SDOWN;
 * done when every replica that is neither promoted, reconf_done nor SDOWN is reconfigured, or
 * when reconf_slaves has lasted failover-timeout (`+failover-end-for-timeout`, then the
 * reconfiguration sent best-effort to every connected replica not yet sent one:
 * `+slave-reconf-sent-be`). Done: `+failover-end`, state update_config.
 */
function detectEnd(master: MasterRecord, promoted: ReplicaRecord | null, ctx: FailoverContext, out: Effect[]): void {
  if (promoted === null || promoted.flags & SRI.S_DOWN) return;
  let notReconfigured = 0;
  for (const r of master.replicas.values()) {
    if (r.flags & (SRI.PROMOTED | SRI.RECONF_DONE | SRI.S_DOWN)) continue;
    notReconfigured++;
  }
  const timeout = ctx.now - master.failoverStateChangeTime > master.failoverTimeout;
  if (timeout) {
    notReconfigured = 0;
    out.push(instanceEvent('warning', '+failover-end-for-timeout', master, master));
  }
  if (notReconfigured === 0) {
    out.push(instanceEvent('warning', '+failover-end', master, master));
    setState(master, 'update_config', ctx.now);
  }
  if (!timeout) return;
  for (const r of master.replicas.values()) {
    if (r.flags & (SRI.PROMOTED | SRI.RECONF_DONE | SRI.RECONF_SENT) || r.link.disconnected) continue;
    out.push(slaveOf(r, master, promoted, ctx), instanceEvent('notice', '+slave-reconf-sent-be', r, master));
    r.flags |= SRI.RECONF_SENT;
  }
}

/**
 * sentinel.c sentinelFailoverSwitchToPromotedSlave (update_config): `+switch-master <name>
 * <old-ip> <old-port> <new-ip> <new-port>`, then resetMasterAndChangeAddress to the promoted
 * replica (the old master and the other replicas become replica records, `+slave` each,
 * `switch-master`, flush). The config epoch was set at promotion. Events already in `out` are
 * rendered first (freezeEvents), so they keep naming the old address.
 */
export function switchToPromotedSlave(master: MasterRecord, ctx: FailoverContext, out: Effect[] = []): Effect[] {
  const ref = promotedSlave(master)?.addr ?? master.addr;
  freezeEvents(out, ctx);
  const text = `${master.name} ${announceHost(master.addr, ctx)} ${master.addr.port} ${announceHost(ref, ctx)} ${ref.port}`;
  out.push(textEvent('warning', '+switch-master', text, master));
  out.push(...(resetMasterAndChangeAddress(master, ref.host, ref.port, ctx) ?? []));
  return out;
}

/**
 * sentinel.c sentinelFailoverStateMachine, run to a standstill: each step that changes the
 * state is followed at once by the next one (sentinel.c waits a 100 ms tick between them), so
 * an elected leader selects, promotes and polls within one call, and update_config switches the
 * master in the same call (as Valkey 9 does: no waiting for the end of the masters loop). Same
 * events, same order. Nothing in TILT.
 */
export function failoverStateMachine(master: MasterRecord, ctx: FailoverContext): Effect[] {
  const out: Effect[] = [];
  if (ctx.tilt) return out;
  // Bounded: each pass moves the state forward or stops; six states at most.
  for (let pass = 0; pass < 8; pass++) {
    const before = master.failoverState;
    if (before === 'update_config') {
      switchToPromotedSlave(master, ctx, out);
      break;
    }
    if (!(master.flags & SRI.FAILOVER_IN_PROGRESS)) break;
    if (before === 'wait_start') waitStart(master, ctx, out);
    else if (before === 'select_slave') selectSlaveStep(master, ctx, out);
    else if (before === 'send_slaveof_noone') sendSlaveOfNoOne(master, ctx, out);
    else if (before === 'wait_promotion') waitPromotion(master, ctx, out);
    else if (before === 'reconf_slaves') reconfNextSlave(master, ctx, out);
    if (master.failoverState === before || master.failoverState === 'none') break;
  }
  return out;
}
