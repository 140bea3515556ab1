/**
 * Gives memory back soon after a connection that held a large query buffer closes.
 *
 * A Buffer's bytes are freed only when the garbage collector finds it unreachable, and a
 * process that is mostly idle may not collect for minutes: a client that announced a 512 MB
 * bulk, sent a few MB and vanished left that much resident (8 such clients a round put Argus's
 * RSS 17 MB above its baseline after 13 rounds; redis-sentinel frees at once and stayed flat).
 * One full collection, at most once a second, after such a close makes Argus flat too.
 *
 * `gc` is reached through V8's --expose-gc flag set at run time, which V8 supports for this
 * use; where it is not available, nothing is done and memory goes back at the next natural GC.
 */
import { setFlagsFromString } from 'node:v8';
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
