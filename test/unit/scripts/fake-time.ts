import type { Timers } from '../../../src/scripts/queue-driver.js';
import { FakeClock } from '../../helpers/fake-context.js';

/** A FakeClock whose timers fire, in order, as advance() passes their due times. */
export class FakeTime extends FakeClock implements Timers {
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #nextId = 1;

  set(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.push({ at: this.monotonic() + ms, fn, id });
    return id;
  }

  clear(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** armed timers' due times */
  pending(): number[] {
    return this.#timers.map((t) => t.at);
  }

  override advance(ms: number): void {
    const end = this.monotonic() + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      super.advance(due.at - this.monotonic());
      due.fn();
    }
    super.advance(end - this.monotonic());
  }
}
