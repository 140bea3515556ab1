/**
 * Waits on conditions that events change: `until(pred, deadline)` re-checks `pred` whenever
 * `wake()` is called (an event arrived) and at least every 250 ms, so a waiter sees an event's
 * effect at once without a tight polling loop.
 */
export class Waiter {
  readonly #wakers = new Set<() => void>();
  readonly #cap: number;

  /** `cap`: a performance.now() time no wait goes past (a bench's deadline) */
  constructor(cap = Number.POSITIVE_INFINITY) {
    this.#cap = cap;
  }

  wake(): void {
    for (const w of this.#wakers) w();
    this.#wakers.clear();
  }

  /** true once `pred()` holds, false at `deadline` (performance.now() time) or the cap. */
  async until(pred: () => boolean, deadline: number): Promise<boolean> {
    const end = Math.min(deadline, this.#cap);
    for (;;) {
      if (pred()) return true;
      const left = end - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 250));
        this.#wakers.add(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }
}
