/**
 * A worker thread that drops an object held only by a WeakRef and then stays idle, as a shard
 * does between faults. With `trim` in its data it runs trimHeapPeriodically on a clock that
 * jumps a check period ahead once started, so the first look is due at once. It posts
 * 'collected' once the object is gone; an idle thread without the trim never collects it.
 * It holds 3 MB, as a shard holds its masters: a heap under TRIM_SLACK_MIN_BYTES is not trimmed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TRIM_CHECK_MS, trimHeapPeriodically } from '../../src/runtime/reclaim.js';

export const held = 'x'.repeat(3 * 1024 * 1024);
const dropped = new WeakRef({ payload: 'x'.repeat(1024) });
let ahead = 0;
if ((workerData as { trim: boolean }).trim) trimHeapPeriodically(() => performance.now() + ahead);
ahead = TRIM_CHECK_MS;
const watch = setInterval(() => {
  if (dropped.deref() !== undefined) return;
  clearInterval(watch);
  parentPort!.postMessage('collected');
}, 100);
