/**
 * The main thread's side of monitoring: a small pool of long-lived shard workers, each hosting
 * the coordinator actors of the masters whose name hashes to it (placement.ts). Each thread's
 * life (spawn, restart, stop) is a ShardSupervisor's; this file is about what flows through them.
 *
 * A master's runtime state lives in its shard, and commands read it there (`view`, `brief`,
 * `infoCache`: one call per shard however many masters a command spans). The main thread's
 * records (SentinelState.masters) hold what the operator set and a master's facts (protocol.ts
 * MasterFacts: what the config rewrite writes and what GET-MASTER-ADDR-BY-NAME answers). Operator
 * changes flow down (MonitorControl calls, applyConfig, globals); facts flow up in batches only
 * when they change: they are applied first, then a flush is requested, then the events are
 * published (once that flush is on disk), so a client that asks for the master's address after
 * `+switch-master` gets the new one, and a sentinel killed after an event restarts knowing it.
 *
 * A shard thread is spawned with its first master (a sentinel watching nothing runs no shard).
 * One that exits or throws is restarted and its masters are added back from the main thread's
 * records (config, known replicas and peers, epochs): the process keeps serving throughout.
 *
 * Not a piscina pool: shards are actor hosts with state and timers that live as long as the
 * process, not a queue of stateless tasks, so a task pool's scheduling has nothing to schedule.
 */
import type { ArgusProcessStats, MonitorControl } from '../commands/types.js';
import type { EventBus } from '../events/bus.js';
import { isArgusError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import type { DoctorNodeReport } from '../sentinel/doctor.js';
import { parseHello } from '../sentinel/hello.js';
import type { MasterRecord } from '../sentinel/instance.js';
import type { SentinelState } from '../sentinel/state.js';
import type { ClientTlsMaterial } from '../runtime/tls-config.js';
import { DEFAULT_DNS_SETTINGS, type DnsSettings } from '../links/host-resolver.js';
import type { ForgetAnswer, ShardGlobals, UserFailoverReply, VoteAnswer } from './coordinator.js';
import { shardOf } from './placement.js';
import {
  applyFacts,
  briefOf,
  fromSnapshot,
  infoCacheOf,
  operatorKey,
  toSnapshot,
  type InfoCacheEntry,
  type MasterBrief,
  type PeerInput,
  type ShardBatch,
  type StampedFacts,
  type StampedSnapshot,
} from './protocol.js';
import type { ShardCalls } from './rpc.js';
import { monotonicOffset } from './shard-clock.js';
import { errorText } from './shard-runtime.js';
import { SharedEpoch } from './shared-epoch.js';
import { ShardSupervisor, type ShardTraffic } from './shard-supervisor.js';
import { TiltWatch } from './tilt-watch.js';
import type { UserFailoverRequest } from '../sentinel/failover.js';

export interface ShardHostOptions {
  /** the main thread's records: operator fields and facts */
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

/**
 * What of the shards' globals commands, votes and TILT change at run time, as one string (the
 * listening port, TLS and DNS settings are fixed for the life of the process).
 */
function changeableGlobalsKey(s: SentinelState, sharedEpoch: number): string {
  const t = s.timings;
  let key = `${s.myid} ${Math.max(s.currentEpoch, sharedEpoch)} ${s.announceIp} ${s.announcePort} ${s.resolveHostnames} ${s.announceHostnames} ` +
    `${s.sentinelUser} ${s.sentinelPass} ${s.tilt} ${s.simFailureFlags}`;
  for (const k in t) key += ` ${t[k as keyof typeof t]}`;
  return key;
}

/** Peers remembered per master for repeated hellos (a sentinel group is a handful). */
const HELLO_MEMORY_PER_MASTER = 16;

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
  /** batches whose events wait for their config save (#onBatch), in arrival order; 0 = none */
  #eventsWaiting = 0;
  #eventsChain: Promise<void> = Promise.resolve();
  /**
   * Per `<master> <runid>`: the last hello a peer published to our port that went on to the
   * shard, and when any hello of that peer about that master last arrived. A peer repeats its
   * hello every 2 s per master; only one that says something new crosses to the shard, and the
   * arrival times keep SENTINEL SENTINELS' last-hello-message exact.
   */
  readonly #hellos = new Map<string, { payload: string; seen: number }>();
  /** per shard: what peers sent to our port this turn, sent on as one call (ShardApi.peer) */
  readonly #peerInbox = new Map<number, { item: PeerInput; answer: (a: VoteAnswer | null) => void }[]>();

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

  stats(): { restarts: number[]; freshReplies: number; running: number; traffic: ShardTraffic } {
    const traffic: ShardTraffic = { batches: 0, batchBytes: 0, calls: 0 };
    for (const s of this.#shards) {
      traffic.batches += s.traffic.batches;
      traffic.batchBytes += s.traffic.batchBytes;
      traffic.calls += s.traffic.calls;
    }
    const running = this.#shards.filter((s) => s.phase === 'running').length;
    return { restarts: this.#shards.map((s) => s.restarts), freshReplies: this.#freshReplies, running, traffic };
  }

  /** The shards' lines of INFO argus. */
  processStats(): Pick<ArgusProcessStats, 'shards' | 'shardsRunning' | 'shardRestarts' | 'threadBatches' | 'threadBatchBytes' | 'threadCalls'> {
    const { running, traffic, restarts } = this.stats();
    return {
      shards: this.#shards.length,
      shardsRunning: running,
      shardRestarts: restarts.reduce((a, b) => a + b, 0),
      threadBatches: traffic.batches,
      threadBatchBytes: traffic.batchBytes,
      threadCalls: traffic.calls,
    };
  }

  /**
   * Spawns every shard that has a master and adds its masters; resolves when all are running.
   * Rejects with ARGUS_ERR_SHARD_EXIT if a shard dies before it ever ran (a broken build, a bad
   * module): the process cannot monitor anything then, and says so at start. The others start
   * with their first master (SENTINEL MONITOR).
   */
  async start(): Promise<void> {
    const used = new Set([...this.#opts.state.masters.keys()].map((n) => this.shardOf(n)));
    await Promise.all(this.#shards.filter((s) => used.has(s.index)).map((s) => s.start()));
  }

  /**
   * Brings the main thread's records up to date from every shard, stops their coordinators and
   * ends the threads. Call before the last config flush.
   */
  async stop(): Promise<void> {
    await this.factsAll().catch(() => {});
    await Promise.all(this.#shards.map((s) => s.stop()));
  }

  /**
   * The main timer's tick (sentinel.c sentinelTimer's place): pushes changed globals (SENTINEL
   * DEBUG timings, epochs) and leaves TILT when it is time.
   */
  tick(): void {
    if (this.#opts.state.tilt) {
      const running = this.#shards.filter((s) => s.phase === 'running').map((s) => s.index);
      this.#tilt.check(this.#opts.clock.monotonic(), running);
    }
    this.syncGlobals();
  }

  /**
   * Pushes whatever commands changed in the main thread's records (SENTINEL SET, CONFIG SET) to the shards.
   * main.ts runs it before every command-driven config save, which is how those commands reach
   * the shards without knowing about them.
   */
  sync(): void {
    this.syncConfig();
    this.syncGlobals();
  }

  /** Pushes the globals to every shard if they changed since the last push; true if it did. */
  syncGlobals(): boolean {
    // runs 10-19 times a second: compare the few fields that can change before building anything
    const key = changeableGlobalsKey(this.#opts.state, this.#epoch.get());
    if (key === this.#globalsKey) return false;
    this.#globalsKey = key;
    const globals = this.#globals();
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
    const shard = this.#shards[this.shardOf(name)]!;
    if (shard.phase === 'idle') {
      // its first master: the new thread is given it (with any added meanwhile) when ready
      shard.start().catch((e: unknown) => this.#opts.log('warning', `Shard ${shard.index} could not start: ${errorText(e)}`));
      return;
    }
    const entry = this.#stamp(m);
    this.#forMaster(name, 'addMaster', (c) => c.addMaster(entry));
  }

  masterRemoved(name: string): void {
    this.#forgetHellos();
    this.#gens.delete(name);
    this.#pushedConfig.delete(name);
    this.#forMaster(name, 'removeMaster', (c) => c.removeMaster(name));
  }

  masterReset(name: string): void {
    this.#forgetHellos();
    if (!this.#opts.state.masters.has(name)) return;
    // snapshots taken before the shard resets must not put the forgotten replicas back
    const gen = this.#nextGen++;
    this.#gens.set(name, gen);
    this.#forMaster(name, 'resetMaster', (c) => c.resetMaster(name, gen));
  }

  async isMasterDownByAddr(name: string, reqEpoch: number, runid: string): Promise<VoteAnswer | null> {
    const answer = await new Promise<VoteAnswer | null>((answer) => this.#toPeerInbox({ kind: 'vote', master: name, reqEpoch, runid }, answer));
    if (answer === null) return null;
    // The vote is in the main thread's record before the caller flushes and replies: the batch
    // carrying the shard's facts left before this answer, but on another port, so set it here too.
    const m = this.#opts.state.masters.get(name);
    if (m && answer.leader !== '*' && answer.leaderEpoch >= m.leaderEpoch) {
      m.leader = answer.leader;
      m.leaderEpoch = answer.leaderEpoch;
    }
    if (answer.currentEpoch > this.#opts.state.currentEpoch) this.#opts.state.currentEpoch = answer.currentEpoch;
    return answer;
  }

  async userFailover(name: string, request?: UserFailoverRequest): Promise<UserFailoverReply | null> {
    const calls = await this.#shards[this.shardOf(name)]!.whenRunning();
    return calls ? calls.failover(name, request).catch(() => null) : null;
  }

  async forget(name: string, target: string, force: boolean): Promise<ForgetAnswer | null> {
    const calls = await this.#shards[this.shardOf(name)]!.whenRunning();
    const reply = calls ? await calls.forget(name, target, force).catch(() => null) : null;
    if (reply === null) return null;
    if (reply.facts !== null) {
      this.#applyFacts(reply.facts);
      // a repeated hello of a forgotten peer must reach its shard again, not stop here
      this.#forgetHellos();
    }
    return reply.answer;
  }

  /** The doctor's findings of the named masters, from the shards that own them; a master whose shard will not answer is left out. */
  async doctor(names: readonly string[]): Promise<Map<string, readonly DoctorNodeReport[]>> {
    const live = await this.#ask(this.#known(names), (c, list) => c.doctor(list), (r) => r.master);
    return new Map([...live].map(([name, r]) => [name, r.nodes]));
  }

  hello(payload: string): void {
    // The master is named by the hello; its shard processes it. A hello the shard would drop
    // anyway (not 8 fields, control characters) goes no further, and is not remembered.
    const hello = parseHello(payload);
    if (hello === null || !this.#opts.state.masters.has(hello.masterName)) return;
    const key = `${hello.masterName} ${hello.runid}`;
    const last = this.#hellos.get(key);
    const now = this.#opts.clock.monotonic();
    if (last?.payload === payload) {
      last.seen = now;
      return;
    }
    // anyone may PUBLISH to us: a flood of run ids must not grow this for ever (a cleared memory
    // only sends the next repeats on once more)
    if (this.#hellos.size >= HELLO_MEMORY_PER_MASTER * (this.#opts.state.masters.size + 1)) this.#hellos.clear();
    this.#hellos.set(key, { payload, seen: now });
    this.#toPeerInbox({ kind: 'hello', master: hello.masterName, payload }, () => {});
  }

  /**
   * Forget which hellos went on: after a RESET, a REMOVE, a restart or a forgotten peer, the
   * shard must see the next one even if it repeats what it was told before.
   */
  #forgetHellos(): void {
    this.#hellos.clear();
  }

  masterAuthChanged(name: string): void {
    this.masterConfigChanged(name);
    this.#forMaster(name, 'dropDataLinks', (c) => c.dropDataLinks(name));
  }

  peerAuthChanged(): void {
    this.#forgetHellos();
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
   * The live records of the named masters (every master when null), in table order, asked of
   * the shards that own them: one call per shard. Unknown names are left out. A shard that is
   * starting or restarting is waited for, so no answer comes from a state not loaded yet; a
   * master whose shard will not run is shown as the main thread holds it.
   */
  async view(names: readonly string[] | null): Promise<MasterRecord[]> {
    const wanted = this.#known(names);
    const live = await this.#ask(wanted, (c, list) => c.view(names === null ? null : list), (snap) => snap.name);
    return wanted.map((m) => {
      const s = live.get(m.name);
      if (!s) return m;
      const record = fromSnapshot(s);
      // hellos that repeated themselves stayed here: their arrival still counts
      for (const p of record.sentinels.values()) {
        const seen = this.#hellos.get(`${record.name} ${p.name}`)?.seen ?? 0;
        if (seen > p.lastHelloTime) p.lastHelloTime = seen;
      }
      return record;
    });
  }

  /** INFO sentinel's figures of every master, in table order, from the shards that own them. */
  async brief(): Promise<MasterBrief[]> {
    const wanted = this.#known(null);
    const live = await this.#ask(wanted, (c) => c.brief(), (b) => b.name);
    return wanted.map((m) => live.get(m.name) ?? briefOf(m));
  }

  /** The cached INFO of the named masters and their replicas (SENTINEL INFO-CACHE). */
  async infoCache(names: readonly string[]): Promise<Map<string, InfoCacheEntry>> {
    const wanted = this.#known(names);
    const live = await this.#ask(wanted, async (c, list) => Object.values(await c.infoCache(list)), (e) => e.master.name);
    return new Map(wanted.map((m) => [m.name, live.get(m.name) ?? infoCacheOf(m)]));
  }

  /** Brings every master's facts up to date from the running shards (before SHUTDOWN's flush). */
  async factsAll(): Promise<void> {
    await Promise.all(
      this.#shards.map(async (s) => {
        const all = (await s.calls?.factsAll().catch(() => [])) ?? [];
        for (const one of all) this.#applyFacts(one);
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
   * A new thread is ready: globals first, then its masters as the main thread holds them now, in that
   * order on one channel. Control calls made while it was down were dropped; those records already
   * holds their effect, so this re-add carries it.
   */
  async #rebuild(shard: ShardSupervisor, calls: ShardCalls): Promise<void> {
    this.#forgetHellos();
    const globals = this.#globals();
    const entries = [...this.#opts.state.masters.values()].filter((m) => this.shardOf(m.name) === shard.index).map((m) => this.#stamp(m));
    const setGlobals = calls.setGlobals(globals, shard.lastSeq);
    try {
      await Promise.all([setGlobals, calls.addMasters(entries)]);
    } catch (e) {
      if (!isArgusError(e, 'ARGUS_ERR_SHARD_EXIT')) throw e;
    }
  }

  /** The records of these names (all when null) that exist, in table order, each once. */
  #known(names: readonly string[] | null): MasterRecord[] {
    const { masters } = this.#opts.state;
    if (names === null) return [...masters.values()];
    const out = new Map<string, MasterRecord>();
    for (const name of names) {
      const m = masters.get(name);
      if (m) out.set(name, m);
    }
    return [...out.values()];
  }

  /** One call to each running shard owning some of `masters`; its answers by master name. */
  async #ask<T>(
    masters: readonly MasterRecord[],
    call: (c: ShardCalls, names: string[]) => Promise<T[]>,
    nameOf: (t: T) => string,
  ): Promise<Map<string, T>> {
    const byShard = new Map<number, string[]>();
    for (const m of masters) {
      const i = this.shardOf(m.name);
      const list = byShard.get(i);
      if (list) list.push(m.name);
      else byShard.set(i, [m.name]);
    }
    const out = new Map<string, T>();
    await Promise.all(
      [...byShard].map(async ([i, list]) => {
        const calls = await this.#shards[i]!.whenRunning();
        const got = calls ? await call(calls, list).catch(() => []) : [];
        for (const t of got) out.set(nameOf(t), t);
      }),
    );
    return out;
  }

  /**
   * Hellos and votes from peers reach a shard as one call per turn of the event loop, however
   * many arrived in it; each vote's promise gets its own answer.
   */
  #toPeerInbox(item: PeerInput, answer: (a: VoteAnswer | null) => void): void {
    const i = this.shardOf(item.master);
    const queued = this.#peerInbox.get(i);
    if (queued) {
      queued.push({ item, answer });
      return;
    }
    this.#peerInbox.set(i, [{ item, answer }]);
    setImmediate(async () => {
      // a shard still loading its masters answers once it has them: a vote is never refused
      // for a master this sentinel knows (queued items join this batch meanwhile)
      const calls = await this.#shards[i]!.whenRunning();
      const batch = this.#peerInbox.get(i) ?? [];
      this.#peerInbox.delete(i);
      const answers = calls ? calls.peer(batch.map((b) => b.item)) : Promise.resolve([]);
      answers.then(
        (got) => batch.forEach((b, j) => b.answer(got[j] ?? null)),
        () => batch.forEach((b) => b.answer(null)),
      );
    });
  }

  #onBatch(shard: ShardSupervisor, b: ShardBatch): void {
    const { state, events, log } = this.#opts;
    for (const line of b.logs) log(line.level, line.message);
    for (const f of b.facts) this.#applyFacts(f);
    const raised = b.currentEpoch > state.currentEpoch;
    if (raised) state.currentEpoch = b.currentEpoch;
    this.#freshReplies += b.freshReplies;
    for (const { ms, at } of b.stalls) this.#tilt.stall(shard.index, ms, at);
    if (b.freshSince !== null) this.#tilt.freshness(shard.index, b.freshSince);
    const saved = b.flushRequested || b.crash ? this.#opts.saveConfig().catch(() => {}) : null;
    if (b.forgetSentinels.length > 0) this.#forgetHellos();
    for (const runid of b.forgetSentinels) {
      for (const other of this.#shards) if (other !== shard) this.#call(other, 'forgetSentinel', (c) => c.forgetSentinel(runid));
    }
    for (const argv of b.scripts) this.#opts.clientReconfig?.(argv);
    const publish = (): void => {
      for (const e of b.events) {
        // after REMOVE (`-monitor` is out), a batch still in flight says nothing more about it
        if (e.master !== null && !state.masters.has(e.master)) continue;
        events.publish(e.level, e.type, e.text, e.master);
      }
    };
    // What a batch announces that the config file records (a promotion's config epoch, a
    // switch) is published once it is on disk, as sentinel.c flushes before its event: a
    // sentinel killed right after `+promoted-slave` restarts knowing the promotion. Later
    // batches wait their turn, so events keep their order.
    if (saved === null && this.#eventsWaiting === 0) publish();
    else {
      this.#eventsWaiting++;
      this.#eventsChain = this.#eventsChain
        .then(() => saved)
        .then(publish)
        .catch((e: unknown) => this.#opts.log('warning', `Publishing a shard's events failed: ${errorText(e)}`))
        .finally(() => this.#eventsWaiting--);
    }
    // the exit waits for the replies of calls this shard answered before it crashed (SENTINEL
    // FAILOVER's +OK, which came on the other port): those clients get them first; and for the
    // events before the crash, which the log shows as redis-sentinel's does
    if (b.crash) void Promise.all([shard.callsSettled(), this.#eventsChain]).then(() => this.#opts.crash?.());
    // a raised epoch or a TILT change reaches the other shards now, not at the next tick; the
    // shard that stalled hears back in any case (it holds a local TILT until then)
    const pushed = (raised || b.stalls.length > 0) && this.syncGlobals();
    if (b.stalls.length > 0 && !pushed) this.#pushGlobals(shard);
  }

  #applyFacts({ gen, facts }: StampedFacts): void {
    const record = this.#opts.state.masters.get(facts.name);
    // removed, or re-added / reset since the shard took it: newer facts are on their way
    if (!record || this.#gens.get(facts.name) !== gen) return;
    applyFacts(record, facts, this.#opts.clock.monotonic());
  }

  #pushGlobals(shard: ShardSupervisor, globals: ShardGlobals = this.#globals()): void {
    const ack = shard.lastSeq;
    this.#call(shard, 'setGlobals', (c) => c.setGlobals(globals, ack));
  }

  /** A shard that is (re)starting gets the main thread's records when it is ready: nothing to send now. */
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
