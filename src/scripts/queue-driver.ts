import type { Clock } from '../runtime/clock.js';

/** setTimeout/clearTimeout, injectable so tests move time by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The part of a JobQueue the driver runs. */
export interface DrivenQueue {
  jobs(): readonly unknown[];
  nextWakeup(now: number): number | null;
  runPending(now: number): void;
  killTimedOut(now: number): void;
}

export const systemTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * While jobs are queued the driver wakes at least this often, so a SENTINEL DEBUG change of
 * script-max-runtime or script-retry-delay reaches jobs already waiting.
 */
const MAX_SLEEP = 1_000;

/**
 * Sentinel runs its queue on every 100 ms tick. Argus has no tick: the driver keeps one timer
 * armed for the queue's next due moment (a retry, a timeout) and pokes it after each change, so
 * a job starts within a millisecond of being due and an empty queue costs nothing.
 */
export class QueueDriver {
  readonly #queue: DrivenQueue;
  readonly #clock: Clock;
  readonly #timers: Timers;
  #handle: unknown = null;
  #at = Infinity;
  #stopped = false;

  constructor(queue: DrivenQueue, clock: Clock, timers: Timers) {
    this.#queue = queue;
    this.#clock = clock;
    this.#timers = timers;
  }

  /** Re-arm the timer after the queue changed (a job added, started, ended). */
  poke(): void {
    if (this.#stopped) return;
    const now = this.#clock.monotonic();
    const due = this.#queue.nextWakeup(now);
    if (due === null && this.#queue.jobs().length === 0) return this.#disarm();
    const at = Math.min(due ?? Infinity, now + MAX_SLEEP);
    if (this.#handle !== null && this.#at <= at) return;
    this.#disarm();
    this.#at = at;
    this.#handle = this.#timers.set(() => this.#fire(), Math.max(0, at - now));
  }

  stop(): void {
    this.#stopped = true;
    this.#disarm();
  }

  #fire(): void {
    this.#handle = null;
    this.#at = Infinity;
    const now = this.#clock.monotonic();
    // Sentinel's order within a tick: start what is due, then kill what ran too long.
    this.#queue.runPending(now);
    this.#queue.killTimedOut(now);
    this.poke();
  }

  #disarm(): void {
    if (this.#handle !== null) this.#timers.clear(this.#handle);
    this.#handle = null;
    this.#at = Infinity;
  }
}
