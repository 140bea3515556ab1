import type { EventLevel, SentinelEvent } from './event.js';

/** One event as the history keeps it: the bus's event plus a sequence id. */
export interface HistoryEntry {
  /** 1, 2, 3 ... in publication order; never reused while the process runs */
  readonly id: number;
  /** wall-clock ms */
  readonly time: number;
  readonly type: string;
  readonly level: EventLevel;
  readonly master: string | null;
  readonly text: string;
}

/**
 * What readers (SENTINEL EVENTS, the HTTP layer's `/events`) may ask of the history. Results are
 * oldest first (newest last) and are copies of the ring's order: holding one keeps nothing alive.
 */
export interface EventHistory {
  /** how many entries it can hold (argus-event-history); 0 = off */
  readonly capacity: number;
  /** entries with `id > afterId`, or (with `{ timeMs }`) with `time >= timeMs` */
  since(after: number | { readonly timeMs: number }): HistoryEntry[];
  /** the last `count` entries, of master `master` only when given */
  last(count: number, master?: string): HistoryEntry[];
  /** the id of the newest entry, 0 before the first */
  lastId(): number;
}

/**
 * The last N events of the bus, in a fixed ring: memory stays bounded however many events come
 * (a failover storm over 1000 masters only overwrites older entries). Subscribe `record` to the
 * EventBus. Debug events are kept too: they are never published, but they are what an operator
 * asks about afterwards (link reconnections, script children).
 */
export class EventRing implements EventHistory {
  readonly capacity: number;
  readonly #ring: (HistoryEntry | undefined)[];
  #next = 0;
  #id = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.#ring = new Array<HistoryEntry | undefined>(this.capacity);
  }

  readonly record = (e: SentinelEvent): void => {
    if (this.capacity === 0) return;
    this.#id++;
    this.#ring[this.#next] = { id: this.#id, time: e.time, type: e.type, level: e.level, master: e.master, text: e.text };
    this.#next = (this.#next + 1) % this.capacity;
  };

  lastId(): number {
    return this.#id;
  }

  since(after: number | { readonly timeMs: number }): HistoryEntry[] {
    const keep = typeof after === 'number' ? (e: HistoryEntry) => e.id > after : (e: HistoryEntry) => e.time >= after.timeMs;
    return this.#ordered().filter(keep);
  }

  last(count: number, master?: string): HistoryEntry[] {
    const n = Math.max(0, Math.floor(count));
    const out: HistoryEntry[] = [];
    // newest first until `n` are found, then reversed: a per-master query of a full ring stops early
    for (let i = 1; i <= this.capacity && out.length < n; i++) {
      const e = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (e === undefined) break;
      if (master === undefined || e.master === master) out.push(e);
    }
    return out.reverse();
  }

  #ordered(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.#ring[(this.#next + i) % this.capacity];
      if (e !== undefined) out.push(e);
    }
    return out;
  }
}
