import test from 'ava';
import { Worker } from 'node:worker_threads';
import { HeapTrim, TRIM_CHECK_MS } from '../../../src/runtime/reclaim.js';

const MB = 1024 * 1024;

/** A heap that grows by what the test adds and drops to `live` on a full collection. */
function fakeHeap(live: number) {
  const heap = { live, used: live, collections: 0 };
  const deps = {
    used: () => heap.used,
    gc: () => {
      heap.collections++;
      heap.used = heap.live;
    },
  };
  return { heap, deps };
}

test('heap-trim: the first check learns the floor with one collection; garbage under the slack is left alone', (t) => {
  const { heap, deps } = fakeHeap(12 * MB);
  const trim = new HeapTrim(0, deps);
  t.false(trim.tick(TRIM_CHECK_MS - 1), 'nothing before the first period');
  t.true(trim.tick(TRIM_CHECK_MS));
  t.is(heap.collections, 1);
  heap.used += 1.5 * MB;
  t.false(trim.tick(2 * TRIM_CHECK_MS), '1.5 MB of garbage on 12 MB is under max(2 MB, 15 %)');
  heap.used += 0.5 * MB;
  t.false(trim.tick(2 * TRIM_CHECK_MS + 1), 'one look per period');
  t.true(trim.tick(3 * TRIM_CHECK_MS), '2 MB is');
  t.is(heap.collections, 2);
  t.is(heap.used, 12 * MB);
});

test('heap-trim: a large heap gets 15 % of slack, and a heap V8 collected by itself is not collected again', (t) => {
  const { heap, deps } = fakeHeap(100 * MB);
  const trim = new HeapTrim(0, deps);
  t.true(trim.tick(TRIM_CHECK_MS));
  heap.used += 14 * MB;
  t.false(trim.tick(2 * TRIM_CHECK_MS), '14 MB on 100 MB is under 15 %');
  heap.used = heap.live; // V8's own full collection
  t.false(trim.tick(3 * TRIM_CHECK_MS));
  heap.used += 15 * MB;
  t.true(trim.tick(4 * TRIM_CHECK_MS));
  t.is(heap.collections, 2);
});

test('heap-trim: without a gc function it never collects', (t) => {
  const trim = new HeapTrim(0, { used: () => 500 * MB, gc: null });
  t.false(trim.tick(10 * TRIM_CHECK_MS));
});

/** Whether a worker's dropped object is collected within `ms` (test/helpers/heap-trim-worker.ts). */
async function collectedWithin(trim: boolean, ms: number): Promise<boolean> {
  const worker = new Worker(new URL('../../helpers/heap-trim-worker.js', import.meta.url), { workerData: { trim } });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => resolve(false), ms);
      worker.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

test('heap-trim: a worker thread (a shard) trims its own heap; left idle without it, its garbage stays', async (t) => {
  t.true(await collectedWithin(true, 5_000), 'collected by the trim within 5 s');
  t.false(await collectedWithin(false, 2_500), 'an idle thread keeps its garbage');
});
