/**
 * The main thread's side of monitoring: a small pool of long-lived shard workers, each hosting
 * the coordinator actors of the masters its index is the hash of (placement.ts).
 *
 * The main thread keeps a mirror of every master (SentinelState.masters) for commands to read.
 * Operator changes flow down (MonitorControl calls, applyConfig, globals); what the shards learn
 * flows up in batches: snapshots are applied to the mirror, then a flush is requested, then the
 * events are published, so a client that reads state after an event sees the state that caused it.
 *
 * A shard that exits or throws is restarted, and its masters are added back from the mirror
 * (config, known replicas and peers, epochs): the process keeps serving throughout.
 *
 * Not a piscina pool: shards are actor hosts with state and timers that live as long as the
 * process, not a queue of stateless tasks, so a task pool's scheduling has nothing to schedule.
 */
import { createInterface } from 'node:readline';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { MonitorControl } from '../commands/types.js';
import type { EventBus } from '../events/bus.js';
import { ArgusError, isArgusError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import type { MasterRecord } from '../sentinel/instance.js';
import type { SentinelState } from '../sentinel/state.js';
import type { ShardGlobals } from './coordinator.js';
import { shardOf } from './placement.js';
import {
  applySnapshot,
  operatorKey,
  PROTOCOL_VERSION,
  toSnapshot,
  type InfoCacheEntry,
  type ShardBatch,
  type ShardInit,
  type StampedSnapshot,
} from './protocol.js';
import { connectShardApi, type ShardCalls } from './rpc.js';
import { monotonicOffset } from './shard-clock.js';
import { errorText } from './shard-runtime.js';
import { TiltWatch } from './tilt-watch.js';
import { decodeShardMessage } from './wire.js';

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
  /** the thread entry; default dist/workers/shard.js (tests pass one with a fake coordinator) */
  readonly workerUrl?: URL;
  /** handed to the thread as ShardInit.extra (test factories' options) */
  readonly extra?: unknown;
  readonly batchIntervalMs?: number;
  readonly heartbeatMs?: number;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

interface Slot {
  readonly index: number;
  phase: Phase;
  /** bumped at every spawn; messages and exits of an older thread are ignored */
  incarnation: number;
  everReady: boolean;
  worker: Worker | null;
  port: MessagePort | null;
  calls: ShardCalls | null;
  lastSeq: number;
  /** monotonic times of recent unexpected exits (restart backoff) */
  crashes: number[];
  restarts: number;
  /** settles when the current incarnation is running with its masters (or failed to start) */
  running: Promise<void>;
  /** told of the next restart (crashShardForTest) */
  spawnWaiters: ((running: Promise<void>) => void)[];
}

/** Unexpected exits within this window count towards the restart backoff. */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTART_DELAY_MS = 5_000;

export const defaultWorkerUrl = (): URL => new URL('../../workers/shard.js', import.meta.url);

/** The process-wide settings a shard needs, from the main thread's state. */
export function shardGlobals(state: SentinelState, listenPort: number, requirepass: string | null): ShardGlobals {
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
  };
}

export class ShardHost implements MonitorControl {
  readonly #opts: ShardHostOptions;
  readonly #slots: Slot[];
  readonly #tilt: TiltWatch;
  /** per master: the generation of the shard's view (see StampedSnapshot) */
  readonly #gens = new Map<string, number>();
  /** per master: the operator fields last pushed, to find SENTINEL SET changes */
  readonly #pushedConfig = new Map<string, string>();
  #globalsKey = '';
  #nextGen = 1;
  #freshReplies = 0;
  #stopping = false;

  constructor(opts: ShardHostOptions) {
    if (!Number.isInteger(opts.shards) || opts.shards < 1) throw new RangeError(`shards must be >= 1, got ${opts.shards}`);
    this.#opts = opts;
    this.#tilt = new TiltWatch(opts.state, opts.events, opts.log);
    this.#slots = Array.from({ length: opts.shards }, (_, index) => ({
      index,
      phase: 'idle' as Phase,
      incarnation: 0,
      everReady: false,
      worker: null,
      port: null,
      calls: null,
      lastSeq: 0,
      crashes: [],
      restarts: 0,
      running: Promise.resolve(),
      spawnWaiters: [],
    }));
  }

  get shardCount(): number {
    return this.#slots.length;
  }

  shardOf(name: string): number {
    return shardOf(name, this.#slots.length);
  }

  /** Thread ids of the shard workers, in shard order (null while one is down). */
  threadIds(): (number | null)[] {
    return this.#slots.map((s) => s.worker?.threadId ?? null);
  }

  stats(): { restarts: number[]; freshReplies: number } {
    return { restarts: this.#slots.map((s) => s.restarts), freshReplies: this.#freshReplies };
  }

  /**
   * Spawns every shard and adds the mirror's masters; resolves when all are running. Rejects
   * with ARGUS_ERR_SHARD_EXIT if a shard dies before it ever ran (a broken build, a bad module):
   * the process cannot monitor anything then, and says so at start.
   */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#spawn(slot)));
  }

  /**
   * Brings the mirror up to date from every shard, stops their coordinators and ends the
   * threads. Call before the last config flush.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.snapshotAll().catch(() => {});
    await Promise.all(this.#slots.map((slot) => this.#stopSlot(slot)));
  }

  /**
   * The main timer's tick (sentinel.c sentinelTimer's place): pushes changed globals (SENTINEL
   * DEBUG, CONFIG SET announce-*, epochs) and leaves TILT when it is time.
   */
  tick(): void {
    this.#tilt.check(this.#opts.clock.monotonic(), this.#slots.filter((s) => s.phase === 'running').map((s) => s.index));
    this.syncGlobals();
  }

  /** Pushes the globals to every shard if they changed since the last push; true if it did. */
  syncGlobals(): boolean {
    const globals = this.#globals();
    const key = JSON.stringify(globals);
    if (key === this.#globalsKey) return false;
    this.#globalsKey = key;
    for (const slot of this.#slots) if (slot.phase === 'running') this.#pushGlobals(slot, globals);
    return true;
  }

  #pushGlobals(slot: Slot, globals: ShardGlobals = this.#globals()): void {
    const ack = slot.lastSeq;
    this.#call(slot, 'setGlobals', (c) => c.setGlobals(globals, ack));
  }

  /**
   * Pushes operator-field changes of any master (SENTINEL SET) to its shard. Cheap enough to run
   * before every command-driven config save, which is how main.ts catches SET without SET
   * knowing about shards.
   */
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

  masterAuthChanged(name: string): void {
    this.masterConfigChanged(name);
    this.#forMaster(name, 'dropDataLinks', (c) => c.dropDataLinks(name));
  }

  peerAuthChanged(): void {
    this.syncGlobals();
    for (const slot of this.#slots) if (slot.phase === 'running') this.#call(slot, 'dropPeerLinks', (c) => c.dropPeerLinks());
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
    for (const name of names) {
      if (!this.#opts.state.masters.has(name)) continue;
      const i = this.shardOf(name);
      byShard.set(i, [...(byShard.get(i) ?? []), name]);
    }
    const out = new Map<string, InfoCacheEntry>();
    await Promise.all(
      [...byShard].map(async ([i, list]) => {
        const slot = this.#slots[i]!;
        const got = slot.phase === 'running' && slot.calls ? await slot.calls.infoCache(list).catch(() => ({})) : {};
        for (const name of list) {
          const m = this.#opts.state.masters.get(name);
          if (!m) continue;
          const entry = (got as Record<string, InfoCacheEntry>)[name];
          if (entry) writeInfo(m, entry);
          out.set(name, entry ?? mirrorInfo(m));
        }
      }),
    );
    return out;
  }

  /** Refreshes the whole mirror from every running shard (before SHUTDOWN's flush, or on demand). */
  async snapshotAll(): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        if (slot.phase !== 'running' || !slot.calls) return;
        const all = await slot.calls.snapshotAll().catch(() => [] as StampedSnapshot[]);
        for (const s of all) this.#applyOne(s);
      }),
    );
  }

  /** Tests only: shard `i` exits with status 1; resolves once it is running again. */
  async crashShardForTest(i: number): Promise<void> {
    const slot = this.#slots[i];
    if (!slot?.calls) throw new RangeError(`no running shard ${i}`);
    const respawned = new Promise<Promise<void>>((r) => slot.spawnWaiters.push(r));
    await slot.calls.exitForTest(1).catch(() => {});
    await (await respawned);
  }

  // ------------------------------------------------------------------------- threads

  #globals(): ShardGlobals {
    return shardGlobals(this.#opts.state, this.#opts.listenPort, this.#opts.requirepass);
  }

  #stamp(m: MasterRecord): StampedSnapshot {
    const gen = this.#nextGen++;
    this.#gens.set(m.name, gen);
    this.#pushedConfig.set(m.name, operatorKey(m));
    return { gen, snapshot: toSnapshot(m) };
  }

  #spawn(slot: Slot): Promise<void> {
    const incarnation = ++slot.incarnation;
    slot.phase = 'starting';
    slot.lastSeq = 0;
    this.#tilt.forget(slot.index);
    const { port1, port2 } = new MessageChannel();
    const init: ShardInit = {
      shard: slot.index,
      protocolVersion: PROTOCOL_VERSION,
      port: port2,
      monotonicOffset: monotonicOffset(this.#opts.clock),
      globals: this.#globals(),
      batchIntervalMs: this.#opts.batchIntervalMs ?? 50,
      heartbeatMs: this.#opts.heartbeatMs ?? 100,
      extra: this.#opts.extra ?? null,
    };
    const worker = new Worker(this.#opts.workerUrl ?? defaultWorkerUrl(), {
      workerData: init,
      transferList: [port2],
      // a worker never prints: whatever reaches its stdout/stderr becomes our log lines
      stdout: true,
      stderr: true,
      name: `argus-shard-${slot.index}`,
    });
    let exitCode!: (code: number) => void;
    const exited = new Promise<number>((r) => (exitCode = r));
    slot.worker = worker;
    slot.port = port1;
    slot.calls = connectShardApi(worker, slot.index, exited);
    this.#pipe(slot, worker.stdout, 'notice');
    this.#pipe(slot, worker.stderr, 'warning');

    slot.running = new Promise<void>((resolve, reject) => {
      port1.on('message', (data: unknown) => {
        let msg;
        try {
          msg = decodeShardMessage(data);
        } catch (e) {
          this.#opts.log('warning', `Shard ${slot.index}: dropped a message: ${errorText(e)}`);
          return;
        }
        if (incarnation !== slot.incarnation) {
          // the last words of a thread that was replaced: its log lines (why it died) still count;
          // its state is obsolete (the new thread was built from the mirror)
          if (msg.type === 'batch') for (const line of msg.logs) this.#opts.log(line.level, line.message);
          return;
        }
        switch (msg.type) {
          case 'ready':
            return this.#onReady(slot, msg.protocolVersion, resolve, reject);
          case 'batch':
            return this.#onBatch(slot, msg);
          default:
            return assertNever(msg);
        }
      });
      worker.on('error', (e) => {
        if (incarnation === slot.incarnation) this.#opts.log('warning', `Shard ${slot.index}: ${errorText(e)}`);
      });
      worker.on('exit', (code) => {
        exitCode(code);
        if (incarnation !== slot.incarnation) return;
        this.#onExit(slot, code);
        // no-op once ready; otherwise start() (first start) or the restart learns of it
        reject(new ArgusError('ARGUS_ERR_SHARD_EXIT', `shard ${slot.index} exited (code ${code}) before it was ready`, {
          shard: slot.index,
          code,
        }));
      });
    });
    return slot.running;
  }

  #onReady(slot: Slot, version: number, resolve: () => void, reject: (e: Error) => void): void {
    if (version !== PROTOCOL_VERSION) {
      const e = new ArgusError('ARGUS_ERR_SHARD_PROTOCOL', `shard ${slot.index} speaks protocol ${version}, not ${PROTOCOL_VERSION}`);
      this.#opts.log('warning', e.message);
      slot.phase = 'stopping';
      void slot.worker?.terminate();
      reject(e);
      return;
    }
    slot.phase = 'running';
    slot.everReady = true;
    const calls = slot.calls!;
    // Everything after this line is posted in order: globals first, then the masters as the
    // mirror has them now. Control calls made while the shard was down were dropped; the
    // mirror already holds their effect, so this re-add carries it.
    this.#pushGlobals(slot);
    const entries = [...this.#opts.state.masters.values()].filter((m) => this.shardOf(m.name) === slot.index).map((m) => this.#stamp(m));
    calls.addMasters(entries).then(resolve, (e: unknown) => {
      if (!isArgusError(e, 'ARGUS_ERR_SHARD_EXIT')) this.#opts.log('warning', `Shard ${slot.index}: addMasters failed: ${errorText(e)}`);
      resolve();
    });
  }

  #onExit(slot: Slot, code: number): void {
    // The port is left open: batches the thread posted before it died are still delivered
    // (its last log line says why); it closes by itself now that the other end is gone.
    slot.port = null;
    slot.worker = null;
    slot.calls = null;
    this.#tilt.forget(slot.index);
    if (slot.phase === 'stopping' || this.#stopping) {
      slot.phase = 'stopped';
      return;
    }
    if (!slot.everReady) {
      // never ran: start() reports it; restarting a thread that cannot start would only spin
      slot.phase = 'stopped';
      this.#opts.log('warning', `Shard ${slot.index} exited (code ${code}) before it was ready`);
      return;
    }
    slot.phase = 'starting';
    const n = this.#mastersOn(slot.index);
    this.#opts.log('warning', `Shard ${slot.index} exited unexpectedly (code ${code}): restarting with its ${n} masters`);
    const now = this.#opts.clock.monotonic();
    slot.crashes = [...slot.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    slot.restarts++;
    // the first crash restarts at once; a crash loop backs off (100 ms, 200 ms ... 5 s)
    const delay = slot.crashes.length <= 1 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (slot.crashes.length - 2));
    const t = setTimeout(() => {
      if (this.#stopping) return;
      const running = this.#spawn(slot);
      running.catch(() => {});
      for (const w of slot.spawnWaiters.splice(0)) w(running);
    }, delay);
    t.unref();
  }

  async #stopSlot(slot: Slot): Promise<void> {
    const { worker, calls } = slot;
    if (!worker || slot.phase === 'stopped') {
      slot.phase = 'stopped';
      return;
    }
    slot.phase = 'stopping';
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    if (calls) await withTimeout(calls.shutdown().catch(() => {}), 1_000);
    await worker.terminate();
    await exited;
    slot.port?.close();
    slot.port = null;
  }

  #pipe(slot: Slot, stream: NodeJS.ReadableStream, level: LineLevel): void {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.trim() !== '') this.#opts.log(level, `Shard ${slot.index}: ${line}`);
    });
  }

  // ------------------------------------------------------------------------- batches

  #onBatch(slot: Slot, b: ShardBatch): void {
    const { state, events, log } = this.#opts;
    if (b.seq !== slot.lastSeq + 1) log('warning', `Shard ${slot.index}: batch ${b.seq} after ${slot.lastSeq}`);
    slot.lastSeq = b.seq;
    for (const line of b.logs) log(line.level, line.message);
    for (const s of b.snapshots) this.#applyOne(s);
    const raised = b.currentEpoch > state.currentEpoch;
    if (raised) state.currentEpoch = b.currentEpoch;
    this.#freshReplies += b.freshReplies;
    for (const { ms, at } of b.stalls) this.#tilt.stall(slot.index, ms, at);
    if (b.freshSince !== null) this.#tilt.freshness(slot.index, b.freshSince);
    if (b.flushRequested) this.#opts.saveConfig().catch(() => {});
    for (const e of b.events) {
      // after REMOVE (`-monitor` is out), a batch still in flight says nothing more about it
      if (e.master !== null && !state.masters.has(e.master)) continue;
      events.publish(e.level, e.type, e.text, e.master);
    }
    // a raised epoch or a TILT change reaches the other shards now, not at the next tick; the
    // shard that stalled hears back in any case (it holds a local TILT until then)
    const pushed = (raised || b.stalls.length > 0) && this.syncGlobals();
    if (b.stalls.length > 0 && !pushed) this.#pushGlobals(slot);
  }

  #applyOne({ gen, snapshot }: StampedSnapshot): void {
    const mirror = this.#opts.state.masters.get(snapshot.name);
    // removed, or re-added / reset since the shard took it: a newer snapshot is on its way
    if (!mirror || this.#gens.get(snapshot.name) !== gen) return;
    applySnapshot(mirror, snapshot);
  }

  // ------------------------------------------------------------------------- calls

  #mastersOn(index: number): number {
    let n = 0;
    for (const name of this.#opts.state.masters.keys()) if (this.shardOf(name) === index) n++;
    return n;
  }

  #forMaster(name: string, what: string, fn: (c: ShardCalls) => Promise<unknown>): void {
    const slot = this.#slots[this.shardOf(name)]!;
    // a shard that is (re)starting gets the mirror's state when it is ready
    if (slot.phase === 'running') this.#call(slot, what, fn);
  }

  #call(slot: Slot, what: string, fn: (c: ShardCalls) => Promise<unknown>): void {
    const calls = slot.calls;
    if (!calls) return;
    fn(calls).catch((e: unknown) => {
      // an exit is handled (and logged) by the restart; anything else is a bug worth a line
      if (!isArgusError(e, 'ARGUS_ERR_SHARD_EXIT')) this.#opts.log('warning', `Shard ${slot.index}: ${what} failed: ${errorText(e)}`);
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

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (t = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

function assertNever(x: never): never {
  throw new ArgusError('ARGUS_ERR_SHARD_PROTOCOL', `unexpected shard message ${JSON.stringify(x)}`);
}
