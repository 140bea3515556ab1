import { isIpLiteral } from './address.js';
import { canonicalIp } from './addr-match.js';
import type { Effect } from './effects.js';
import { raiseEpoch, SENTINEL_MAX_DESYNC, sameRunid, textEvent, type FailoverContext } from './failover-context.js';
import { SRI, type MasterRecord } from './instance.js';

/** The outcome of a vote request: the vote held afterwards, and what the shell must do. */
export interface VoteResult {
  /** the run id this sentinel holds its vote for (maybe an earlier vote for someone else), or null */
  readonly leader: string | null;
  /** master.leaderEpoch after the request (non-zero even with a null leader after a restart) */
  readonly leaderEpoch: number;
  /** raise-epoch, flush-config, +new-epoch, +vote-for-leader, in this order */
  readonly effects: Effect[];
  /**
   * The epoch or the vote changed: the config must be on disk before the vote is told to
   * anyone (the reply to the requester, or a count that lets us act on it). The shell flushes
   * synchronously (or waits for the flush) before sending the reply.
   */
  readonly mustFlush: boolean;
}

/**
 * sentinel.c sentinelVoteLeader (failover.md §2.2): one vote per master per epoch, first
 * requester wins.
 * 1. A request epoch above the current epoch raises it (flush, `+new-epoch <epoch>`).
 * 2. If this master's vote is older than `reqEpoch` and the current epoch is not above it, vote
 *    for `reqRunid` in the current epoch (flush, `+vote-for-leader <runid> <epoch>`); a vote for
 *    another sentinel pushes this master's failover start time to now + rand(1000), which keeps
 *    this sentinel from starting its own failover of it for 2 × failover-timeout.
 * 3. Return the vote held, which may be an older one for someone else in the same epoch.
 * Called for peers' requests (IS-MASTER-DOWN-BY-ADDR: also in TILT, also when the master is not
 * seen down) and for this sentinel's own vote in getLeader.
 */
export function voteLeader(master: MasterRecord, reqEpoch: number, reqRunid: string, ctx: FailoverContext): VoteResult {
  const effects: Effect[] = [];
  if (reqEpoch > ctx.currentEpoch) {
    effects.push(...raiseEpoch(ctx, reqEpoch), { kind: 'flush-config' });
    effects.push(textEvent('warning', '+new-epoch', String(ctx.currentEpoch), master));
  }
  if (master.leaderEpoch < reqEpoch && ctx.currentEpoch <= reqEpoch) {
    master.leader = reqRunid;
    master.leaderEpoch = ctx.currentEpoch;
    effects.push({ kind: 'flush-config' });
    effects.push(textEvent('warning', '+vote-for-leader', `${reqRunid} ${master.leaderEpoch}`, master));
    if (!sameRunid(reqRunid, ctx.myid)) master.failoverStartTime = ctx.now + ctx.random(SENTINEL_MAX_DESYNC);
  }
  return { leader: master.leader, leaderEpoch: master.leaderEpoch, effects, mustFlush: effects.length > 0 };
}

/** The election's outcome for one epoch. */
export interface LeaderResult {
  /** the winner's run id, or null while no candidate has enough votes */
  readonly leader: string | null;
  /** this sentinel's own vote (voteLeader's effects) */
  readonly effects: Effect[];
}

/**
 * sentinel.c sentinelGetLeader (failover.md §3): is there a leader for `epoch` (the failover
 * epoch)?
 * - voters = every peer record of this master (reachable or not, since the last RESET) + 1;
 * - peers' reported votes count when their epoch equals the *current* epoch;
 * - the most voted candidate (first in iteration order on ties) gets this sentinel's vote, or
 *   this sentinel votes for itself when no peer vote counts; the vote held is added when its
 *   epoch is `epoch`;
 * - the winner needs ≥ floor(voters / 2) + 1 votes and ≥ quorum, else there is no leader yet.
 */
export function getLeader(master: MasterRecord, epoch: number, ctx: FailoverContext): LeaderResult {
  const counters = new Map<string, number>();
  const voters = master.sentinels.size + 1;
  const tally = { winner: null as string | null, maxVotes: 0 };
  const count = (runid: string): void => {
    const votes = (counters.get(runid) ?? 0) + 1;
    counters.set(runid, votes);
    if (votes > tally.maxVotes) {
      tally.maxVotes = votes;
      tally.winner = runid;
    }
  };
  for (const s of master.sentinels.values()) {
    if (s.leader !== null && s.leaderEpoch === ctx.currentEpoch) count(s.leader);
  }
  const mine = voteLeader(master, epoch, tally.winner ?? ctx.myid, ctx);
  if (mine.leader !== null && mine.leaderEpoch === epoch) count(mine.leader);
  const needed = Math.max(Math.floor(voters / 2) + 1, master.quorum);
  return { leader: tally.maxVotes >= needed ? tally.winner : null, effects: mine.effects };
}

/**
 * getSentinelRedisInstanceByAddrAndRunID over the monitored masters, as IS-MASTER-DOWN-BY-ADDR
 * uses it: by the master record's address, never by name. The address must be one sentinel.c
 * could build (port 0–65535; an IP literal unless resolve-hostnames is on); it matches when the
 * ports are equal and the IPs are equal or the hosts are equal ignoring case. A master held by
 * name has its IP from the links' cache, or, on the main thread (no cache), from its shard's
 * facts (Addr.ip): peers with announce-hostnames no ask by that IP.
 */
export function findMasterByAddr(
  masters: Iterable<MasterRecord>,
  host: string,
  port: number,
  ctx: Pick<FailoverContext, 'resolveHostnames' | 'lookupIp'>,
): MasterRecord | null {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  if (!isIpLiteral(host) && !ctx.resolveHostnames) return null;
  const ipOf = (h: string): string | null => (isIpLiteral(h) ? canonicalIp(h) : (ctx.lookupIp?.(h) ?? null));
  const wantIp = ipOf(host);
  for (const m of masters) {
    if (m.addr.port !== port) continue;
    if (m.addr.host.toLowerCase() === host.toLowerCase()) return m;
    const ip = ipOf(m.addr.host) ?? (m.addr.ip === undefined ? null : canonicalIp(m.addr.ip));
    if (ip !== null && wantIp !== null && ip === wantIp) return m;
  }
  return null;
}

/** The three values of the IS-MASTER-DOWN-BY-ADDR reply, and what the shell must do first. */
export interface IsMasterDownAnswer {
  /** element 1: 1 when the master is SDOWN here (never in TILT) */
  readonly down: 0 | 1;
  /** element 2: the vote held, or `*` */
  readonly leader: string;
  /** element 3 */
  readonly leaderEpoch: number;
  readonly effects: Effect[];
  /** flush the config (synchronously) before the reply leaves: a vote or an epoch changed */
  readonly mustFlush: boolean;
}

/**
 * The answering side of SENTINEL IS-MASTER-DOWN-BY-ADDR for an already found master (null =
 * no master at that address): down = not in TILT and the master SDOWN; a `runid` other than
 * `*` (case-insensitive) is a vote request, processed even in TILT and whether or not the
 * master looks down. Without a vote request the answer is `*` and 0.
 */
export function answerIsMasterDownByAddr(
  master: MasterRecord | null,
  reqEpoch: number,
  runid: string,
  ctx: FailoverContext,
): IsMasterDownAnswer {
  const down = !ctx.tilt && master !== null && (master.flags & SRI.S_DOWN) !== 0 ? 1 : 0;
  if (master === null || runid.toLowerCase() === '*') {
    return { down, leader: '*', leaderEpoch: 0, effects: [], mustFlush: false };
  }
  const vote = voteLeader(master, reqEpoch, runid, ctx);
  holdBackForCandidate(master, runid, vote, ctx);
  return { down, leader: vote.leader ?? '*', leaderEpoch: vote.leaderEpoch, effects: vote.effects, mustFlush: vote.mustFlush };
}

/**
 * Argus: a peer asking for votes for `master` is a candidate, even when this sentinel cannot
 * vote for it (its current epoch is already past the request's: in a mass failure every start
 * of another master's failover raises it). sentinel.c holds back its own failover only after a
 * vote granted; then this sentinel would start a rival failover at its own pace, and the two
 * candidates split the votes until the election times out. Holding back as a vote does (start
 * time now + rand(1000), so no start for 2 × failover-timeout) leaves the candidate to win once
 * its next request carries the newer epoch. Only while this sentinel is not a candidate itself;
 * the reply is unchanged.
 */
function holdBackForCandidate(master: MasterRecord, runid: string, vote: VoteResult, ctx: FailoverContext): void {
  if (master.failoverState !== 'none' || sameRunid(runid, ctx.myid) || sameRunid(vote.leader, runid)) return;
  const until = ctx.now + ctx.random(SENTINEL_MAX_DESYNC);
  if (until > master.failoverStartTime) master.failoverStartTime = until;
}

/**
 * SENTINEL IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid> after its integer checks:
 * findMasterByAddr, then answerIsMasterDownByAddr. The reply is always
 * `*3 :<down> $<leader> :<leader-epoch>`; perform `effects` (and flush when `mustFlush`)
 * before writing it.
 */
export function isMasterDownByAddr(
  masters: Iterable<MasterRecord>,
  ip: string,
  port: number,
  reqEpoch: number,
  runid: string,
  ctx: FailoverContext,
): IsMasterDownAnswer {
  return answerIsMasterDownByAddr(findMasterByAddr(masters, ip, port, ctx), reqEpoch, runid, ctx);
}
