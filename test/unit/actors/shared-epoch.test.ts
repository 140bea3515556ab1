import test from 'ava';
import { Worker } from 'node:worker_threads';
import { SharedEpoch } from '../../../src/actors/shared-epoch.js';

test('shared epoch: only ever rises, and says when a call raised it', (t) => {
  const e = new SharedEpoch();
  t.is(e.get(), 0);
  t.true(e.raise(5));
  t.false(e.raise(3));
  t.false(e.raise(5));
  t.is(e.get(), 5);
});

test('shared epoch: a raise in another thread is seen at once through the same buffer', async (t) => {
  const e = new SharedEpoch();
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const cell = new BigInt64Array(workerData, 0, 1);
    for (let i = 1; i <= 1000; i++) {
      for (;;) { const cur = Atomics.load(cell, 0); if (BigInt(i) <= cur) break; if (Atomics.compareExchange(cell, 0, cur, BigInt(i)) === cur) break; }
    }
    parentPort.postMessage('done');`;
  const w = new Worker(code, { eval: true, workerData: e.buffer });
  for (let i = 1; i <= 1000; i += 2) e.raise(i);
  await new Promise((res) => w.once('message', res));
  await w.terminate();
  t.is(e.get(), 1000);
});
