import { addrEqualsHostname } from './addr-match.js';
import { instanceEvent, type Effect } from './effects.js';
import { SRI, type MasterRecord, type ReplicaRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/**
 * Coordinated failover (SENTINEL FAILOVER <name> COORDINATED|SAFE, SENTINEL SWITCHOVER): Valkey 9
 * semantics (failover.md §9). The leader asks the old master to hand over with Redis's own
 * `FAILOVER TO` (Redis 6.2+): the master pauses writes, waits until the replica has every write
 * it acknowledged, and swaps roles; nothing is ever promoted while the old master takes writes.
 */

/** Redis gained the FAILOVER command in 6.2. */
const FAILOVER_SINCE: readonly [number, number] = [6, 2];

/**
 * SENTINEL SWITCHOVER's catch-up bound: the named replica may be at most this many bytes of
 * replication stream behind the master, both figures from the master's last INFO (its
 * `master_repl_offset` and the replica's `slave<N>:...,offset=` line, one snapshot). FAILOVER TO
 * waits for the rest with writes paused, so the bound caps that pause, not safety.
 */
export const SWITCHOVER_MAX_LAG_BYTES = 1024 * 1024;

/** V9: FAILOVER TO is not sent with less than this left of failover-timeout. */
const MIN_FAILOVER_TIME_MS = 1_000;

/** `redis_version:` of an INFO text, or null. */
export function redisVersionOf(info: string | null): string | null {
  const m = info === null ? null : /(?:^|\r?\n)redis_version:([^\r\n]+)/.exec(info);
  return m ? m[1]!.trim() : null;
}

/** True when `version` (x.y.z) has the FAILOVER command. */
export function hasFailoverCommand(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major > FAILOVER_SINCE[0] || (major === FAILOVER_SINCE[0] && minor >= FAILOVER_SINCE[1]);
}

/**
 * Why a coordinated failover of `master` cannot start now (an error reply without the '-'),
 * or null: the master must be reachable and run Redis 6.2 or later (its INFO's redis_version;
 * a server that does not report one but reports master_failover_state has the command too).
 */
export function coordinatedRefusal(master: MasterRecord): string | null {
  if (master.flags & (SRI.S_DOWN | SRI.O_DOWN) || master.link.disconnected || master.info === null) {
    return 'ERR coordinated failover needs a reachable master; use SENTINEL FAILOVER <name> for a down one';
  }
  const version = redisVersionOf(master.info);
  if (version === null) return master.monitoredFailoverState === 'not-supported' ? 'NOGOODPRIMARY Primary does not support FAILOVER command' : null;
  if (!hasFailoverCommand(version)) return `ERR coordinated failover needs Redis 6.2 or later on the master (it runs ${version})`;
  return null;
}

/** The master's view of one replica, from its INFO: `slave<N>:ip=..,port=..,state=..,offset=..`. */
function replicaLine(master: MasterRecord, replica: ReplicaRecord, ctx: RuleContext): { state: string; offset: number } | null {
  for (const line of (master.info ?? '').split(/\r?\n/)) {
    if (!/^slave\d+:/.test(line)) continue;
    const f = new Map(line.slice(line.indexOf(':') + 1).split(',').map((kv) => kv.split('=') as [string, string]));
    if (Number(f.get('port')) !== replica.addr.port || !addrEqualsHostname(replica.addr, f.get('ip') ?? null, ctx)) continue;
    return { state: f.get('state') ?? '', offset: Number(f.get('offset') ?? 0) };
  }
  return null;
}

/**
 * SENTINEL SWITCHOVER's checks of the named replica (already found). Priority 0 is allowed: it
 * keeps a replica out of Sentinel's own choice, and here the operator chooses. Returns the reason
 * it is unsuitable (for `-NOGOODSLAVE`), or null.
 */
export function switchoverRefusal(master: MasterRecord, replica: ReplicaRecord, ctx: RuleContext): string | null {
  if (replica.flags & (SRI.S_DOWN | SRI.O_DOWN)) return 'it is down (s_down)';
  if (replica.link.disconnected) return 'it is disconnected';
  if (replica.roleReported !== 'slave' || !replica.slaveMasterLinkStatusUp) return 'its link to the master is down';
  // The master's INFO may be older than the replica's sync (10 s period): a replica it does not
  // list yet passes on its own word (link up); FAILOVER TO refuses one that is not online.
  const seen = replicaLine(master, replica, ctx);
  if (seen === null) return null;
  if (seen.state !== 'online') return `the master lists it ${seen.state || 'not online'}`;
  const masterOffset = Number(/(?:^|\n)master_repl_offset:(\d+)/.exec(master.info ?? '')?.[1] ?? 0);
  const lag = masterOffset - seen.offset;
  if (lag > SWITCHOVER_MAX_LAG_BYTES) return `it lags ${lag} bytes behind the master (the bound is ${SWITCHOVER_MAX_LAG_BYTES})`;
  return null;
}

/** The replica record at host:port (as given by an operator), or null. */
export function findReplica(master: MasterRecord, host: string, port: number, ctx: RuleContext): ReplicaRecord | null {
  for (const r of master.replicas.values()) {
    if (r.addr.port === port && (r.addr.host === host || addrEqualsHostname(r.addr, host, ctx))) return r;
  }
  return null;
}

/** V9 sentinelFailoverSendFailover: the handover, replies checked by the shell (failoverToRefused). */
export const failoverToCommands = (host: string, port: number, timeoutMs: number): string[][] => [
  ['MULTI'],
  ['CLIENT', 'PAUSE', String(timeoutMs), 'WRITE'],
  ['FAILOVER', 'TO', host, String(port), 'TIMEOUT', String(timeoutMs)],
  ['EXEC'],
];

/** V9 sentinelKillClients, to the old master and the promoted replica once promoted. */
export const killClientsCommands = (): string[][] => [
  ['MULTI'],
  ['CONFIG', 'REWRITE'],
  ['CLIENT', 'KILL', 'TYPE', 'normal'],
  ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
  ['CLIENT', 'UNPAUSE'],
  ['EXEC'],
];

/** Argus: an aborted coordinated failover leaves no FAILOVER running and no writes paused. */
export const abortCommands = (): string[][] => [['MULTI'], ['FAILOVER', 'ABORT'], ['CLIENT', 'UNPAUSE'], ['EXEC']];

/**
 * The first error among the pipeline's replies, EXEC's elements included (`-ERR unknown command`
 * when queued on a server older than 6.2, then `-EXECABORT`; `-ERR FAILOVER target replica is
 * not online.` inside EXEC), or null.
 */
export function firstError(replies: readonly unknown[]): string | null {
  for (const r of replies) {
    if (typeof r !== 'object' || r === null) continue;
    const reply = r as { kind?: string; message?: string; value?: unknown };
    if (reply.kind === 'error') return reply.message ?? 'error';
    if (reply.kind === 'closed') return 'connection closed';
    if (Array.isArray(reply.value)) {
      for (const v of reply.value as unknown[]) {
        if (typeof v === 'object' && v !== null && 'error' in v) return String((v as { error: unknown }).error);
      }
    }
  }
  return null;
}

/**
 * send_slaveof_noone in coordinated mode (V9 sentinelFailoverSendFailover): with less than a
 * second of failover-timeout left since entering the state, `-failover-abort-master-timeout`;
 * while the master link is down, wait; else FAILOVER TO the promoted replica with the time left
 * as both the write pause and the FAILOVER timeout.
 */
export function sendFailoverTo(
  master: MasterRecord,
  promoted: ReplicaRecord,
  host: string,
  ctx: RuleContext,
): { effects: Effect[]; sent: boolean; abort: boolean } {
  const remaining = master.failoverTimeout - (ctx.now - master.failoverStateChangeTime);
  if (remaining < MIN_FAILOVER_TIME_MS) {
    return { effects: [instanceEvent('warning', '-failover-abort-master-timeout', master, master)], sent: false, abort: true };
  }
  if (master.link.disconnected) return { effects: [], sent: false, abort: false };
  const effects: Effect[] = [
    { kind: 'send-commands', instance: master, master, commands: failoverToCommands(host, promoted.addr.port, remaining), check: 'failover-to' },
  ];
  return { effects, sent: true, abort: false };
}
