import type { LinkReply } from '../../../src/links/types.js';
import type { Effect } from '../../../src/sentinel/effects.js';
import type { FailoverContext } from '../../../src/sentinel/failover-context.js';
import type { MasterRecord, ReplicaRecord } from '../../../src/sentinel/instance.js';
import { connect, ctxAt, eventLines, info, masterAt, replicaOf, sentinelOf, T0 } from './helpers.js';

export const ME = 'a'.repeat(40);
export const PEER_B = 'b'.repeat(40);
export const PEER_C = 'c'.repeat(40);

export const failoverCtx = (now: number, over: Partial<FailoverContext> = {}): FailoverContext => ({
  ...ctxAt(now),
  myid: ME,
  currentEpoch: 0,
  random: () => 0,
  ...over,
});

/** A peer's IS-MASTER-DOWN-BY-ADDR answer as the link decodes it. */
export const answer = (down: 0 | 1, leader = '*', epoch = 0): LinkReply => ({ kind: 'ok', value: [down, leader, epoch] });

/**
 * A fake clock and the process-wide state a shell keeps for the rules: the current epoch
 * (adopted from raise-epoch effects, as the shell must) and every event line in order.
 */
export class Sim {
  now: number;
  currentEpoch = 0;
  tilt = false;
  readonly lines: string[] = [];
  readonly effects: Effect[] = [];
  rand: (max: number) => number = () => 0;

  constructor(now = T0) {
    this.now = now;
  }

  ctx(over: Partial<FailoverContext> = {}): FailoverContext {
    return failoverCtx(this.now, { currentEpoch: this.currentEpoch, tilt: this.tilt, random: this.rand, ...over });
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** Runs a rule with a fresh context, performs raise-epoch, records events; returns the effects. */
  run(rule: (ctx: FailoverContext) => Effect[]): Effect[] {
    const out = rule(this.ctx());
    for (const e of out) if (e.kind === 'raise-epoch') this.currentEpoch = Math.max(this.currentEpoch, e.epoch);
    this.lines.push(...eventLines(out));
    this.effects.push(...out);
    return out;
  }

  /** The event lines recorded since the mark. */
  since(mark: number): string[] {
    return this.lines.slice(mark);
  }
}

/** A replica that passes every selection filter at `now` (connected, fresh PING reply and INFO). */
export function healthyReplica(m: MasterRecord, port: number, now: number, over: Partial<ReplicaRecord> = {}): ReplicaRecord {
  const r = replicaOf(m, '127.0.0.1', port, now);
  connect(r);
  r.link.actPingTime = 0;
  r.link.lastAvailTime = now;
  r.infoRefresh = now;
  r.slaveMasterHost = m.addr.host;
  r.slaveMasterPort = m.addr.port;
  r.slaveMasterLinkStatusUp = true;
  r.runid = String(port).padEnd(40, '0');
  Object.assign(r, over);
  return r;
}

/**
 * mymaster at 127.0.0.1:16379 (quorum 2, down-after 2000, failover-timeout 10000 as in
 * events.md §4), replicas 16380 and 16381, peers B and C connected.
 */
export function cluster(now = T0): { m: MasterRecord; r1: ReplicaRecord; r2: ReplicaRecord } {
  const m = masterAt(now, '127.0.0.1', 16379);
  m.downAfterPeriod = 2000;
  m.failoverTimeout = 10_000;
  connect(m);
  const r1 = healthyReplica(m, 16380, now, { slaveReplOffset: 200, downAfterPeriod: 2000 });
  const r2 = healthyReplica(m, 16381, now, { slaveReplOffset: 100, downAfterPeriod: 2000 });
  for (const [id, port] of [[PEER_B, 26380], [PEER_C, 26381]] as const) {
    const s = sentinelOf(m, id, '127.0.0.1', port, now);
    connect(s);
    s.downAfterPeriod = 2000;
  }
  return { m, r1, r2 };
}

/** INFO of a replica following host:port with its link up. */
export const followingInfo = (host: string, port: number, up = true): string =>
  info('role:slave', `master_host:${host}`, `master_port:${port}`, `master_link_status:${up ? 'up' : 'down'}`);

export const kindsOf = (effects: readonly Effect[]): string[] => effects.map((e) => e.kind);

/** The arguments of every ask-peer effect, in order. */
export const askArgs = (effects: readonly Effect[]): (readonly string[])[] =>
  effects.flatMap((e) => (e.kind === 'ask-peer' ? [e.args] : []));
