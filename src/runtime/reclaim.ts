/**
 * Gives memory back: soon after a connection that held a large query buffer closes, and when a
 * thread's heap has filled with garbage (HeapTrim: the main thread and every shard).
 *
 * A Buffer's bytes are freed only when the garbage collector finds it unreachable, and a
 * process that is mostly idle may not collect for minutes: a client that announced a 512 MB
 * bulk, sent a few MB and vanished left that much resident (8 such clients a round put Argus's
 * RSS 17 MB above its baseline after 13 rounds; redis-sentinel frees at once and stayed flat).
 * One full collection, at most once a second, after such a close frees that client's buffers;
 * the pages go back to the kernel because the reader holds a large bulk in blocks the C
 * allocator maps apart (src/resp/command-reader.ts, GATHER_RESERVE).
 *
 * `gc` is reached through V8's --expose-gc flag set at run time, which V8 supports for this
 * use; where it is not available, nothing is done and memory goes back at the next natural GC.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** a closed connection's query buffer at least this large asks for a collection */
export const RECLAIM_MIN_BYTES = 1024 * 1024;
const MIN_INTERVAL_MS = 1_000;

const gc = ((): (() => void) | null => {
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    return null;
  }
})();

let lastRun = -Infinity;
let scheduled = false;

/** Collect once the current turn is over (the closing socket's last references are gone by then). */
export function reclaimAfterClose(bytes: number): void {
  if (gc === null || bytes < RECLAIM_MIN_BYTES || scheduled) return;
  scheduled = true;
  const wait = Math.max(0, lastRun + MIN_INTERVAL_MS - performance.now());
  setTimeout(() => {
    scheduled = false;
    lastRun = performance.now();
    gc();
  }, wait).unref();
}

/** How often HeapTrim looks at the heap. */
export const TRIM_CHECK_MS = 30_000;
/** garbage allowed on top of the heap's size after the last full collection: at least this ... */
export const TRIM_SLACK_MIN_BYTES = 2 * 1024 * 1024;
/** ... and at least this share of that size, so a large fleet's heap is not collected needlessly */
export const TRIM_SLACK_SHARE = 0.15;

export interface HeapTrimDeps {
  /** bytes of the heap in use, garbage included */
  readonly used: () => number;
  /** a full collection; null where none can be asked for */
  readonly gc: (() => void) | null;
}

/**
 * V8 starts a heap's first full collection only once its old generation holds ~8 MB more than
 * it will keep, and a sentinel's main thread promotes little: its heap took more than 20 minutes
 * to get there in the soak (bench/soak.ts), every byte of garbage resident meanwhile, which read
 * as RSS growing 2-4 MiB per 10 minutes. Looked at every 30 s, a heap that has grown by
 * max(2 MB, 15 %) since the last full collection gets one: a few ms on a heap of ~12 MB, every
 * few minutes under a fault every 2 s (bench/soak.ts --every 2).
 */
export class HeapTrim {
  readonly #deps: HeapTrimDeps;
  #nextCheck: number;
  /** the heap's size after the last full collection asked for here (0: none yet) */
  #floor = 0;

  constructor(now: number, deps: HeapTrimDeps = { used: () => getHeapStatistics().used_heap_size, gc }) {
    this.#deps = deps;
    this.#nextCheck = now + TRIM_CHECK_MS;
  }

  /** Called from the main timer, or a shard's interval (trimHeapPeriodically); true when it collected. */
  tick(now: number): boolean {
    if (this.#deps.gc === null || now < this.#nextCheck) return false;
    this.#nextCheck = now + TRIM_CHECK_MS;
    const slack = Math.max(TRIM_SLACK_MIN_BYTES, this.#floor * TRIM_SLACK_SHARE);
    if (this.#deps.used() - this.#floor < slack) return false;
    this.#deps.gc();
    this.#floor = this.#deps.used();
    return true;
  }
}

/**
 * A HeapTrim for a thread without a timer of its own to drive it (a shard: its coordinators'
 * timing lives in ShardRuntime, which stays free of process-level concerns). The interval only
 * compares two numbers when nothing is due, and is unref'd so it never keeps a thread alive.
 */
export function trimHeapPeriodically(now: () => number = () => performance.now()): void {
  const trim = new HeapTrim(now());
  setInterval(() => trim.tick(now()), 1_000).unref();
}
