import { Worker } from 'node:worker_threads';
import type { MainToSpawner, SpawnerToMain } from './spawner-protocol.js';
import { SIGKILL } from './job-queue.js';
import type { ScriptOutput, ScriptSpawner, SpawnHandlers } from './spawner.js';

export const spawnerThreadUrl = (): URL => new URL('./spawner-thread.js', import.meta.url);

export interface ThreadSpawnerOptions {
  readonly output: (o: ScriptOutput) => void;
  /** the thread ended unexpectedly; its scripts count as killed */
  readonly crashed: (message: string) => void;
  readonly url?: URL;
  /** how long the thread is kept once no script runs (default 10 s) */
  readonly idleMs?: number;
}

/**
 * The main thread's side of the spawner thread. The thread starts with a script and ends when
 * none has run for `idleMs` (a sentinel without scripts, or between failovers, does not pay its
 * ~10 MiB); it is restarted on the next one if it dies. It holds the process open only while
 * scripts run.
 */
export class ThreadSpawner implements ScriptSpawner {
  readonly #opts: ThreadSpawnerOptions;
  readonly #pending = new Map<number, SpawnHandlers>();
  #worker: Worker | null = null;
  #idleTimer: NodeJS.Timeout | null = null;

  constructor(opts: ThreadSpawnerOptions) {
    this.#opts = opts;
  }

  spawn(id: number, argv: readonly string[], on: SpawnHandlers): void {
    this.#pending.set(id, on);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const w = this.#ensure();
    w.ref();
    this.#post(w, { type: 'spawn', id, argv: [...argv] });
  }

  kill(id: number): void {
    if (this.#worker && this.#pending.has(id)) this.#post(this.#worker, { type: 'kill', id });
  }

  /** true while the thread exists (tests, INFO) */
  get threadRunning(): boolean {
    return this.#worker !== null;
  }

  async close(): Promise<void> {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const w = this.#worker;
    this.#worker = null;
    this.#pending.clear();
    if (w) await w.terminate();
  }

  #post(w: Worker, m: MainToSpawner): void {
    w.postMessage(m);
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(this.#opts.url ?? spawnerThreadUrl(), { stdout: false, stderr: false });
    this.#worker = w;
    w.on('message', (m: SpawnerToMain) => this.#onMessage(m));
    w.on('error', (e) => this.#lost(w, e.message));
    w.on('exit', (code) => this.#lost(w, `exit code ${code}`));
    return w;
  }

  #onMessage(m: SpawnerToMain): void {
    if (m.type === 'output') return this.#opts.output(m);
    const on = this.#pending.get(m.id);
    if (!on) return;
    switch (m.type) {
      case 'spawned':
        return on.spawned(m.pid);
      case 'failed':
        this.#settled(m.id);
        return on.failed(m.reason, m.errno);
      case 'exited':
        this.#settled(m.id);
        return on.exited(m.code, m.signal);
    }
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size > 0 || !this.#worker) return;
    this.#worker.unref();
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const w = this.#worker;
      if (!w || this.#pending.size > 0) return;
      // not a loss: #lost ignores a thread that is no longer the current one
      this.#worker = null;
      void w.terminate();
    }, this.#opts.idleMs ?? 10_000);
    this.#idleTimer.unref();
  }

  /** The thread is gone: its scripts can no longer be watched, so they count as killed. */
  #lost(w: Worker, why: string): void {
    if (this.#worker !== w) return;
    this.#worker = null;
    const orphans = [...this.#pending.values()];
    this.#pending.clear();
    this.#opts.crashed(`Script spawner thread ended unexpectedly (${why}); ${orphans.length} running scripts are treated as killed`);
    for (const on of orphans) on.exited(0, SIGKILL);
  }
}
