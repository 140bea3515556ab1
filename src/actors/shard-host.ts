/**
 * The main thread's side of monitoring: a small pool of long-lived shard workers, each hosting
 * the coordinator actors of the masters whose name hashes to it (placement.ts). Each thread's
 * life (spawn, restart, stop) is a ShardSupervisor's; this file is about what flows through them.
 *
 * The main thread keeps a mirror of every master (SentinelState.masters) for commands to read.
 * Operator changes flow down (MonitorControl calls, applyConfig, globals); what the shards learn
 * flows up in batches: snapshots are applied to the mirror, then a flush is requested, then the
 * events are published, so a client that reads state after an event sees the state that caused it.
 *
 * A shard that exits or throws is restarted and its masters are added back from the mirror
 * (config, known replicas and peers, epochs): the process keeps serving throughout.
 *
 * Not a piscina pool: shards are actor hosts with state and timers that live as long as the
 * process, not a queue of stateless tasks, so a task pool's scheduling has nothing to schedule.
 */
import type { MonitorControl } from '../commands/types.js';
import type { EventBus } from '../events/bus.js';
import { isArgusError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import type { MasterRecord } from '../sentinel/instance.js';
import type { SentinelState } from '../sentinel/state.js';
import type { ClientTlsMaterial } from '../runtime/tls-config.js';
import { DEFAULT_DNS_SETTINGS, type DnsSettings } from '../links/host-resolver.js';
import type { ShardGlobals, UserFailoverReply, VoteAnswer } from './coordinator.js';
import { shardOf } from './placement.js';
import { applySnapshot, operatorKey, toSnapshot, type InfoCacheEntry, type ShardBatch, type StampedSnapshot } from './protocol.js';
import type { ShardCalls } from './rpc.js';
import { monotonicOffset } from './shard-clock.js';
import { errorText } from './shard-runtime.js';
import { SharedEpoch } from './shared-epoch.js';
import { ShardSupervisor } from './shard-supervisor.js';
import { TiltWatch } from './tilt-watch.js';

export interface ShardHostOptions {
  /** the mirror: commands read it, batches update it */
  readonly state: SentinelState;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly log: (level: LineLevel, message: string) => void;
  /** the ConfigSaver's save (it coalesces); rejections are logged by the saver */
  readonly saveConfig: () => Promise<void>;
  /** how many shard threads (resolveShardCount of `argus-shards`) */
  readonly shards: number;
  /** what peers should use to reach us: `port`, or `tls-port` with tls-replication */
  readonly listenPort: number;
  /** sent to peers when sentinel-pass is unset */
  readonly requirepass: string | null;
  /** tls-replication yes: the client TLS material every outgoing link uses */
  readonly tls?: ClientTlsMaterial | null;
  /** argus-dns-timeout / argus-dns-servers: how the shards resolve hostnames */
  readonly dns?: DnsSettings;
  /** the thread entry; default dist/workers/shard.js (tests pass one with a fake coordinator) */
  readonly workerUrl?: URL;
  /** handed to the thread as ShardInit.extra (test factories' options) */
  readonly extra?: unknown;
  readonly batchIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** a client-reconfig script to queue (path and its seven arguments) */
  readonly clientReconfig?: (argv: readonly string[]) => void;
  /** SENTINEL SIMULATE-FAILURE fired in a shard: the process exits with status 99 */
  readonly crash?: () => void;
}

export const defaultWorkerUrl = (): URL => new URL('../../workers/shard.js', import.meta.url);

/** The process-wide settings a shard needs, from the main thread's state. */
export function shardGlobals(
  state: SentinelState,
  listenPort: number,
  requirepass: string | null,
  tls: ClientTlsMaterial | null = null,
  dns: DnsSettings = DEFAULT_DNS_SETTINGS,
): ShardGlobals {
  return {
    myid: state.myid,
    currentEpoch: state.currentEpoch,
    announceIp: state.announceIp,
    announcePort: state.announcePort,
    listenPort,
    resolveHostnames: state.resolveHostnames,
    announceHostnames: state.announceHostnames,
    sentinelUser: state.sentinelUser,
    sentinelPass: state.sentinelPass,
    requirepass,
    timings: { ...state.timings },
    tilt: state.tilt,
    simFailureFlags: state.simFailureFlags,
    tls,
    dns,
  };
}

export class ShardHost implements MonitorControl {
  readonly #opts: ShardHostOptions;
  readonly #shards: ShardSupervisor[];
  readonly #tilt: TiltWatch;
  /** per master: the generation of the shard's view (see StampedSnapshot) */
  readonly #gens = new Map<string, number>();
  /** per master: the operator fields last pushed, to find SENTINEL SET changes */
  readonly #pushedConfig = new Map<string, string>();
  #globalsKey = '';
  readonly #epoch = new SharedEpoch();
  #nextGen = 1;
  #freshReplies = 0;

  constructor(opts: ShardHostOptions) {
    if (!Number.isInteger(opts.shards) || opts.shards < 1) throw new RangeError(`shards must be >= 1, got ${opts.shards}`);
    this.#opts = opts;
    this.#tilt = new TiltWatch(opts.state, opts.events, opts.log);
    const url = opts.workerUrl ?? defaultWorkerUrl();
    this.#shards = Array.from({ length: opts.shards }, (_, index) => {
      const shard: ShardSupervisor = new ShardSupervisor(index, url, {
        init: () => {
          // a fresh thread: what any earlier one said about freshness no longer holds
          this.#tilt.forget(index);
          return {
            monotonicOffset: monotonicOffset(opts.clock),
            globals: this.#globals(),
            epochBuffer: this.#epoch.buffer,
            batchIntervalMs: opts.batchIntervalMs ?? 50,
            heartbeatMs: opts.heartbeatMs ?? 100,
            extra: opts.extra ?? null,
          };
        },
        ready: (calls) => this.#rebuild(shard, calls),
        batch: (b) => this.#onBatch(shard, b),
        masterCount: () => [...opts.state.masters.keys()].filter((n) => this.shardOf(n) === index).length,
        log: opts.log,
      }, opts.clock);
      return shard;
    });
  }

  get shardCount(): number {
    return this.#shards.length;
  }

  shardOf(name: string): number {
    return shardOf(name, this.#shards.length);
  }

  /** Thread ids of the shard workers, in shard order (null while one is down). */
  threadIds(): (number | null)[] {
    return this.#shards.map((s) => s.threadId);
  }

  stats(): { restarts: number[]; freshReplies: number } {
    return { restarts: this.#shards.map((s) => s.restarts), freshReplies: this.#freshReplies };
  }

  /**
   * Spawns every shard and adds the mirror's masters; resolves when all are running. Rejects
   * with ARGUS_ERR_SHARD_EXIT if a shard dies before it ever ran (a broken build, a bad module):
   * the process cannot monitor anything then, and says so at start.
   */
  async start(): Promise<void> {
    await Promise.all(this.#shards.map((s) => s.start()));
  }

  /**
   * Brings the mirror up to date from every shard, stops their coordinators and ends the
   * threads. Call before the last config flush.
   */
  async stop(): Promise<void> {
    await this.snapshotAll().catch(() => {});
    await Promise.all(this.#shards.map((s) => s.stop()));
  }

  /**
   * The main timer's tick (sentinel.c sentinelTimer's place): pushes changed globals (SENTINEL
   * DEBUG timings, epochs) and leaves TILT when it is time.
   */
  tick(): void {
    const running = this.#shards.filter((s) => s.phase === 'running').map((s) => s.index);
    this.#tilt.check(this.#opts.clock.monotonic(), running);
    this.syncGlobals();
  }

  /**
   * Pushes whatever commands changed in the mirror (SENTINEL SET, CONFIG SET) to the shards.
   * main.ts runs it before every command-driven config save, which is how those commands reach
   * the shards without knowing about them.
   */
  sync(): void {
    this.syncConfig();
    this.syncGlobals();
  }

  /** Pushes the globals to every shard if they changed since the last push; true if it did. */
  syncGlobals(): boolean {
    const globals = this.#globals();
    const key = JSON.stringify(globals);
    if (key === this.#globalsKey) return false;
    this.#globalsKey = key;
    for (const s of this.#shards) this.#pushGlobals(s, globals);
    return true;
  }

  /** Pushes operator-field changes of any master (SENTINEL SET) to its shard. */
  syncConfig(): void {
    for (const m of this.#opts.state.masters.values()) {
      if (this.#pushedConfig.get(m.name) !== operatorKey(m)) this.masterConfigChanged(m.name);
    }
  }

  // ------------------------------------------------------------------------- MonitorControl

  masterAdded(name: string): void {
    const m = this.#opts.state.masters.get(name);
    if (!m) return;
    const entry = this.#stamp(m);
    this.#forMaster(name, 'addMaster', (c) => c.addMaster(entry));
  }

  masterRemoved(name: string): void {
    this.#gens.delete(name);
    this.#pushedConfig.delete(name);
    this.#forMaster(name, 'removeMaster', (c) => c.removeMaster(name));
  }

  masterReset(name: string): void {
    if (!this.#opts.state.masters.has(name)) return;
    // snapshots taken before the shard resets must not put the forgotten replicas back
    const gen = this.#nextGen++;
    this.#gens.set(name, gen);
    this.#forMaster(name, 'resetMaster', (c) => c.resetMaster(name, gen));
  }

  async isMasterDownByAddr(name: string, reqEpoch: number, runid: string): Promise<VoteAnswer | null> {
    const calls = this.#shards[this.shardOf(name)]!.calls;
    const answer = calls ? await calls.isMasterDownByAddr(name, reqEpoch, runid).catch(() => null) : null;
    if (answer === null) return null;
    // The vote is in the mirror before the caller flushes and replies: the batch carrying the
    // shard's snapshot left before this answer, on another port, so set it here too.
    const m = this.#opts.state.masters.get(name);
    if (m && answer.leader !== '*' && answer.leaderEpoch >= m.leaderEpoch) {
      m.leader = answer.leader;
      m.leaderEpoch = answer.leaderEpoch;
    }
    if (answer.currentEpoch > this.#opts.state.currentEpoch) this.#opts.state.currentEpoch = answer.currentEpoch;
    return answer;
  }

  async userFailover(name: string): Promise<UserFailoverReply | null> {
    const calls = this.#shards[this.shardOf(name)]!.calls;
    return calls ? calls.failover(name).catch(() => null) : null;
  }

  hello(payload: string): void {
    // The master is named by the hello's fifth field; its shard processes it.
    const name = payload.split(',')[4];
    if (name === undefined || !this.#opts.state.masters.has(name)) return;
    this.#forMaster(name, 'hello', (c) => c.hello(name, payload));
  }

  masterAuthChanged(name: string): void {
    this.masterConfigChanged(name);
    this.#forMaster(name, 'dropDataLinks', (c) => c.dropDataLinks(name));
  }

  peerAuthChanged(): void {
    this.syncGlobals();
    for (const s of this.#shards) this.#call(s, 'dropPeerLinks', (c) => c.dropPeerLinks());
  }

  /** Operator-owned fields of a master changed (SENTINEL SET). */
  masterConfigChanged(name: string): void {
    const m = this.#opts.state.masters.get(name);
    if (!m) return;
    this.#pushedConfig.set(name, operatorKey(m));
    const snapshot = toSnapshot(m);
    this.#forMaster(name, 'applyConfig', (c) => c.applyConfig(snapshot));
  }

  // ------------------------------------------------------------------------- reads

  /**
   * The cached INFO of the named masters and their replicas (SENTINEL INFO-CACHE), fetched from
   * their shards and also written into the mirror's `info` fields. Masters whose shard is down
   * answer from the mirror.
   */
  async infoCache(names: readonly string[]): Promise<Map<string, InfoCacheEntry>> {
    const byShard = new Map<number, string[]>();
    for (const name of new Set(names)) {
      if (!this.#opts.state.masters.has(name)) continue;
      const i = this.shardOf(name);
      byShard.set(i, [...(byShard.get(i) ?? []), name]);
    }
    const fetched = new Map<string, InfoCacheEntry>();
    await Promise.all(
      [...byShard].map(async ([i, list]) => {
        const calls = this.#shards[i]!.calls;
        const got: Record<string, InfoCacheEntry> = calls ? await calls.infoCache(list).catch(() => ({})) : {};
        for (const [name, entry] of Object.entries(got)) fetched.set(name, entry);
      }),
    );
    const out = new Map<string, InfoCacheEntry>();
    for (const name of names) {
      const m = this.#opts.state.masters.get(name);
      if (!m || out.has(name)) continue;
      const entry = fetched.get(name);
      if (entry) writeInfo(m, entry);
      out.set(name, entry ?? mirrorInfo(m));
    }
    return out;
  }

  /** Refreshes the whole mirror from every running shard (before SHUTDOWN's flush, or on demand). */
  async snapshotAll(): Promise<void> {
    await Promise.all(
      this.#shards.map(async (s) => {
        const all = (await s.calls?.snapshotAll().catch(() => [])) ?? [];
        for (const one of all) this.#applyOne(one);
      }),
    );
  }

  /** Tests only: shard `i` exits with status 1; resolves once it is running again. */
  crashShardForTest(i: number): Promise<void> {
    const s = this.#shards[i];
    if (!s) throw new RangeError(`no shard ${i}`);
    return s.crashForTest();
  }

  // ------------------------------------------------------------------------- internals

  #globals(): ShardGlobals {
    // The epoch both ways: raised here (a vote answered, a config load) or in any shard.
    const { state } = this.#opts;
    this.#epoch.raise(state.currentEpoch);
    state.currentEpoch = this.#epoch.get();
    return shardGlobals(state, this.#opts.listenPort, this.#opts.requirepass, this.#opts.tls ?? null, this.#opts.dns);
  }

  #stamp(m: MasterRecord): StampedSnapshot {
    const gen = this.#nextGen++;
    this.#gens.set(m.name, gen);
    this.#pushedConfig.set(m.name, operatorKey(m));
    return { gen, snapshot: toSnapshot(m) };
  }

  /**
   * A new thread is ready: globals first, then its masters as the mirror has them now, in that
   * order on one channel. Control calls made while it was down were dropped; the mirror already
   * holds their effect, so this re-add carries it.
   */
  async #rebuild(shard: ShardSupervisor, calls: ShardCalls): Promise<void> {
    const globals = this.#globals();
    const entries = [...this.#opts.state.masters.values()].filter((m) => this.shardOf(m.name) === shard.index).map((m) => this.#stamp(m));
    const setGlobals = calls.setGlobals(globals, shard.lastSeq);
    try {
      await Promise.all([setGlobals, calls.addMasters(entries)]);
    } catch (e) {
      if (!isArgusError(e, 'ARGUS_ERR_SHARD_EXIT')) throw e;
    }
  }

  #onBatch(shard: ShardSupervisor, b: ShardBatch): void {
    const { state, events, log } = this.#opts;
    for (const line of b.logs) log(line.level, line.message);
    for (const s of b.snapshots) this.#applyOne(s);
    const raised = b.currentEpoch > state.currentEpoch;
    if (raised) state.currentEpoch = b.currentEpoch;
    this.#freshReplies += b.freshReplies;
    for (const { ms, at } of b.stalls) this.#tilt.stall(shard.index, ms, at);
    if (b.freshSince !== null) this.#tilt.freshness(shard.index, b.freshSince);
    if (b.flushRequested || b.crash) this.#opts.saveConfig().catch(() => {});
    for (const runid of b.forgetSentinels) {
      for (const other of this.#shards) if (other !== shard) this.#call(other, 'forgetSentinel', (c) => c.forgetSentinel(runid));
    }
    for (const argv of b.scripts) this.#opts.clientReconfig?.(argv);
    if (b.crash) this.#opts.crash?.();
    for (const e of b.events) {
      // after REMOVE (`-monitor` is out), a batch still in flight says nothing more about it
      if (e.master !== null && !state.masters.has(e.master)) continue;
      events.publish(e.level, e.type, e.text, e.master);
    }
    // a raised epoch or a TILT change reaches the other shards now, not at the next tick; the
    // shard that stalled hears back in any case (it holds a local TILT until then)
    const pushed = (raised || b.stalls.length > 0) && this.syncGlobals();
    if (b.stalls.length > 0 && !pushed) this.#pushGlobals(shard);
  }

  #applyOne({ gen, snapshot }: StampedSnapshot): void {
    const mirror = this.#opts.state.masters.get(snapshot.name);
    // removed, or re-added / reset since the shard took it: a newer snapshot is on its way
    if (!mirror || this.#gens.get(snapshot.name) !== gen) return;
    applySnapshot(mirror, snapshot);
  }

  #pushGlobals(shard: ShardSupervisor, globals: ShardGlobals = this.#globals()): void {
    const ack = shard.lastSeq;
    this.#call(shard, 'setGlobals', (c) => c.setGlobals(globals, ack));
  }

  /** A shard that is (re)starting gets the mirror's state when it is ready: nothing to send now. */
  #forMaster(name: string, what: string, fn: (c: ShardCalls) => Promise<unknown>): void {
    this.#call(this.#shards[this.shardOf(name)]!, what, fn);
  }

  #call(shard: ShardSupervisor, what: string, fn: (c: ShardCalls) => Promise<unknown>): void {
    const calls = shard.calls;
    if (!calls) return;
    fn(calls).catch((e: unknown) => {
      // an exit is handled (and logged) by the restart; anything else is a bug worth a line
      if (!isArgusError(e, 'ARGUS_ERR_SHARD_EXIT')) this.#opts.log('warning', `Shard ${shard.index}: ${what} failed: ${errorText(e)}`);
    });
  }
}

function writeInfo(m: MasterRecord, entry: InfoCacheEntry): void {
  m.info = entry.master.info;
  m.infoRefresh = entry.master.infoRefresh;
  for (const r of entry.replicas) {
    const mirror = m.replicas.get(r.name);
    if (!mirror) continue;
    mirror.info = r.info;
    mirror.infoRefresh = r.infoRefresh;
  }
}

function mirrorInfo(m: MasterRecord): InfoCacheEntry {
  return {
    master: { name: m.name, info: m.info, infoRefresh: m.infoRefresh },
    replicas: [...m.replicas.values()].map((r) => ({ name: r.name, info: r.info, infoRefresh: r.infoRefresh })),
  };
}
