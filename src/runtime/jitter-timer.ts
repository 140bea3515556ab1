import type { Random } from './clock.js';

/**
 * Sentinel's timer cadence: after every tick the frequency is re-drawn from 10..19 Hz
 * (sentinel.c sentinelTimer: `server.hz = CONFIG_DEFAULT_HZ + rand() % CONFIG_DEFAULT_HZ`) so
 * that sentinels started together do not stay in lock-step and split their votes.
 */
export class JitterTimer {
  #hz = 10;
  #handle: NodeJS.Timeout | null = null;
  readonly #random: Random;
  readonly #onTick: () => void;

  constructor(random: Random, onTick: () => void) {
    this.#random = random;
    this.#onTick = onTick;
  }

  /** the frequency in force (INFO hz) */
  get hz(): number {
    return this.#hz;
  }

  start(): void {
    const schedule = (): void => {
      this.#handle = setTimeout(() => {
        this.#onTick();
        this.#hz = 10 + this.#random.int(10);
        schedule();
      }, Math.round(1000 / this.#hz));
      // The timer alone must not keep the process alive once listeners are closed.
      this.#handle.unref();
    };
    schedule();
  }

  stop(): void {
    if (this.#handle) clearTimeout(this.#handle);
    this.#handle = null;
  }
}
