/**
 * One shard thread's life, seen from the main thread: spawn, the `ready` handshake (protocol
 * version), the batch stream, the exit, and the restart after an unexpected exit. What a batch
 * means and what a fresh thread must be told are the host's business (the hooks).
 *
 * A worker never prints: its stdout and stderr are piped here and become log lines
 * (`Shard 1: ...`), so nothing reaches the process's stderr, which supervisors treat as failure.
 */
import { createInterface } from 'node:readline';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ArgusError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import { PROTOCOL_VERSION, type ShardBatch, type ShardInit } from './protocol.js';
import { connectShardApi, type ShardCalls } from './rpc.js';
import { errorText } from './shard-runtime.js';
import { decodeShardMessage } from './wire.js';

export interface SupervisorHooks {
  /** the ShardInit of a new thread, less what the supervisor fills in (shard, port, version) */
  init(): Omit<ShardInit, 'shard' | 'port' | 'protocolVersion'>;
  /** a thread is ready: tell it everything it must know; the shard counts as running when this settles */
  ready(calls: ShardCalls): Promise<void>;
  batch(batch: ShardBatch): void;
  /** how many masters the shard hosts (for the restart log line) */
  masterCount(): number;
  log(level: LineLevel, message: string): void;
}

export type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** What crossed between the main thread and one shard (every incarnation): INFO argus shows the totals. */
export interface ShardTraffic {
  /** batches received, and their encoded size */
  batches: number;
  batchBytes: number;
  /** control calls made (each is a request and a reply message) */
  calls: number;
}

/** Unexpected exits within this window count towards the restart backoff. */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTART_DELAY_MS = 5_000;
const SHUTDOWN_GRACE_MS = 1_000;
/** docs/design.md, "Cost": RSS per shard against scavenge CPU */
const SHARD_YOUNG_GENERATION_MB = Number(process.env.ARGUS_YOUNG_MB ?? 3);

export class ShardSupervisor {
  readonly index: number;
  readonly #url: URL;
  readonly #hooks: SupervisorHooks;
  readonly #clock: Clock;
  #phase: Phase = 'idle';
  /** bumped at every spawn; messages and exits of an older thread are ignored */
  #incarnation = 0;
  #everReady = false;
  #worker: Worker | null = null;
  #port: MessagePort | null = null;
  #calls: ShardCalls | null = null;
  #lastSeq = 0;
  /** monotonic times of recent unexpected exits */
  #crashes: number[] = [];
  #restarts = 0;
  #stopping = false;
  readonly traffic: ShardTraffic = { batches: 0, batchBytes: 0, calls: 0 };
  /** control calls sent and not settled yet, and who waits for there being none */
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  /** told of the next restart (crashForTest) */
  #spawnWaiters: ((running: Promise<void>) => void)[] = [];
  /** callers waiting for a starting thread to run (whenRunning) */
  #runningWaiters: ((calls: ShardCalls | null) => void)[] = [];

  constructor(index: number, url: URL, hooks: SupervisorHooks, clock: Clock) {
    this.index = index;
    this.#url = url;
    this.#hooks = hooks;
    this.#clock = clock;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** the API of the running thread, null while it is not running */
  get calls(): ShardCalls | null {
    return this.#phase === 'running' ? this.#calls : null;
  }

  /**
   * The API of the thread once it runs: at once when it does, after the start or restart under
   * way, or null when it will not run (never started, stopped, failed to start). Commands that
   * read a shard's state wait here rather than answer from a state not loaded yet.
   */
  whenRunning(): Promise<ShardCalls | null> {
    if (this.#phase === 'running') return Promise.resolve(this.#calls);
    if (this.#phase !== 'starting') return Promise.resolve(null);
    return new Promise((resolve) => this.#runningWaiters.push(resolve));
  }

  #settleRunningWaiters(calls: ShardCalls | null): void {
    for (const w of this.#runningWaiters.splice(0)) w(calls);
  }

  /**
   * Resolves once every control call made so far has settled (at once when none is in flight):
   * a reply the thread sent before a later batch may cross on the other port, and whoever acts
   * on that batch for good (SIMULATE-FAILURE's exit) waits for it here.
   */
  callsSettled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  get threadId(): number | null {
    return this.#worker?.threadId ?? null;
  }

  /** the last batch applied: what a setGlobals acknowledges */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /**
   * First start; resolves when running. Rejects with ARGUS_ERR_SHARD_EXIT if the thread dies
   * before it ever ran (a broken build, a module that throws): restarting it would only spin.
   */
  start(): Promise<void> {
    return this.#spawn();
  }

  /** Stops the coordinators (shutdown call, 1 s grace), then ends the thread. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) {
      this.#phase = 'stopped';
      this.#settleRunningWaiters(null);
      return;
    }
    // a thread still starting has no coordinators to stop: it is simply ended
    const calls = this.calls;
    this.#phase = 'stopping';
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    if (calls) await withTimeout(calls.shutdown().catch(() => {}), SHUTDOWN_GRACE_MS);
    await worker.terminate();
    await exited;
    this.#port?.close();
  }

  /** Tests only: the thread exits with status 1; resolves once its successor is running. */
  async crashForTest(): Promise<void> {
    const calls = this.calls;
    if (!calls) throw new RangeError(`shard ${this.index} is not running`);
    const respawned = new Promise<Promise<void>>((r) => this.#spawnWaiters.push(r));
    await calls.exitForTest(1).catch(() => {});
    await (await respawned);
  }

  #spawn(): Promise<void> {
    const incarnation = ++this.#incarnation;
    this.#phase = 'starting';
    this.#lastSeq = 0;
    const { port1, port2 } = new MessageChannel();
    const init: ShardInit = { ...this.#hooks.init(), shard: this.index, protocolVersion: PROTOCOL_VERSION, port: port2 };
    const worker = new Worker(this.#url, {
      workerData: init,
      transferList: [port2],
      stdout: true,
      stderr: true,
      name: `argus-shard-${this.index}`,
      // A shard allocates steadily (a reply, a rule run): V8 would grow its young generation to
      // 16 MiB semi-spaces, tens of MiB of RSS, for scavenges it does not need to space out.
      resourceLimits: { maxYoungGenerationSizeMb: SHARD_YOUNG_GENERATION_MB },
    });
    let exitCode!: (code: number) => void;
    const exited = new Promise<number>((r) => (exitCode = r));
    this.#worker = worker;
    this.#port = port1;
    this.#calls = connectShardApi(worker, this.index, exited, () => {
      this.traffic.calls++;
      this.#inFlight++;
      return () => {
        if (--this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
      };
    });
    this.#pipe(worker.stdout, 'notice');
    this.#pipe(worker.stderr, 'warning');

    return new Promise<void>((resolve, reject) => {
      port1.on('message', (data: unknown) => this.#onMessage(incarnation, data, resolve, reject));
      worker.on('error', (e) => {
        if (incarnation === this.#incarnation) this.#hooks.log('warning', `Shard ${this.index}: ${errorText(e)}`);
      });
      worker.on('exit', (code) => {
        exitCode(code);
        if (incarnation !== this.#incarnation) return;
        this.#onExit(code);
        // stopped while starting (a SIGTERM right after start-up) is not a failure to start
        if (this.#stopping) return resolve();
        // a no-op once ready; otherwise start() or the restart learns of it
        reject(new ArgusError('ARGUS_ERR_SHARD_EXIT', `shard ${this.index} exited (code ${code}) before it was ready`, {
          shard: this.index,
          code,
        }));
      });
    });
  }

  #onMessage(incarnation: number, data: unknown, resolve: () => void, reject: (e: Error) => void): void {
    this.traffic.batches++;
    if (data instanceof Uint8Array) this.traffic.batchBytes += data.byteLength;
    let msg;
    try {
      msg = decodeShardMessage(data);
    } catch (e) {
      this.#hooks.log('warning', `Shard ${this.index}: dropped a message: ${errorText(e)}`);
      return;
    }
    if (incarnation !== this.#incarnation) {
      // the last words of a replaced thread: its log lines (why it died) still count; its state
      // is obsolete (the new thread was built from the main thread's records)
      if (msg.type === 'batch') for (const line of msg.logs) this.#hooks.log(line.level, line.message);
      return;
    }
    switch (msg.type) {
      case 'ready':
        return this.#onReady(msg.protocolVersion, resolve, reject);
      case 'batch':
        if (msg.seq !== this.#lastSeq + 1) this.#hooks.log('warning', `Shard ${this.index}: batch ${msg.seq} after ${this.#lastSeq}`);
        this.#lastSeq = msg.seq;
        return this.#hooks.batch(msg);
      default:
        return assertNever(msg);
    }
  }

  #onReady(version: number, resolve: () => void, reject: (e: Error) => void): void {
    if (version !== PROTOCOL_VERSION) {
      const e = new ArgusError('ARGUS_ERR_SHARD_PROTOCOL', `shard ${this.index} speaks protocol ${version}, not ${PROTOCOL_VERSION}`);
      this.#hooks.log('warning', e.message);
      this.#phase = 'stopping';
      void this.#worker?.terminate();
      reject(e);
      return;
    }
    this.#phase = 'running';
    this.#everReady = true;
    // Calls made while the shard was down were dropped; the hooks rebuild it from the main
    // thread's records, which already hold their effect. Anything posted later follows that rebuild.
    // the rebuild's calls were posted first: anything a waiter sends follows them
    const ready = this.#hooks.ready(this.#calls!);
    this.#settleRunningWaiters(this.#calls);
    ready.then(resolve, (e: unknown) => {
      this.#hooks.log('warning', `Shard ${this.index}: could not be set up: ${errorText(e)}`);
      resolve();
    });
  }

  #onExit(code: number): void {
    // The port is left to close by itself: batches the thread posted before it died are still
    // delivered (its last log line says why).
    this.#worker = null;
    this.#calls = null;
    if (this.#phase === 'stopping' || this.#stopping) {
      this.#phase = 'stopped';
      this.#settleRunningWaiters(null);
      return;
    }
    if (!this.#everReady) {
      this.#phase = 'stopped';
      this.#settleRunningWaiters(null);
      this.#hooks.log('warning', `Shard ${this.index} exited (code ${code}) before it was ready`);
      return;
    }
    this.#phase = 'starting';
    const n = this.#hooks.masterCount();
    this.#hooks.log('warning', `Shard ${this.index} exited unexpectedly (code ${code}): restarting with its ${n} masters`);
    const now = this.#clock.monotonic();
    this.#crashes = [...this.#crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    this.#restarts++;
    // the first crash restarts at once; a crash loop backs off (100 ms, 200 ms ... 5 s)
    const n2 = this.#crashes.length;
    const delay = n2 <= 1 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (n2 - 2));
    setTimeout(() => {
      if (this.#stopping) return;
      const running = this.#spawn();
      running.catch(() => {});
      for (const w of this.#spawnWaiters.splice(0)) w(running);
    }, delay).unref();
  }

  #pipe(stream: NodeJS.ReadableStream, level: LineLevel): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() !== '') this.#hooks.log(level, `Shard ${this.index}: ${line}`);
    });
  }
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
