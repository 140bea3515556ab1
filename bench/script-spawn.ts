/**
 * Does starting scripts block the main thread? Starts 16 scripts at once (Sentinel's running
 * limit) with child_process.spawn on the main thread, then through Argus's spawner thread, and
 * reports the time until each child has a pid and the worst event-loop delay seen meanwhile on
 * the main thread and on a second thread standing for a shard. fork() copies the process's page
 * tables, so the cost grows with RSS: each case runs at the bare size and with a heap ballast.
 * (redis-sentinel forks from its single thread too; its RSS is a few MiB.)
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ChildSpawner, type ScriptSpawner } from '../src/scripts/spawner.js';
import { ThreadSpawner } from '../src/scripts/thread-spawner.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, table } from './lib/stats.js';

const SCRIPTS = 16;
const ROUNDS = 5;

/** A thread whose own event-loop delay we read, as a shard's would be. */
const WATCHER = `
const { parentPort } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');
let h = null;
parentPort.on('message', (m) => {
  if (m === 'start') { h = monitorEventLoopDelay({ resolution: 1 }); h.enable(); parentPort.postMessage('ok'); }
  else { h.disable(); parentPort.postMessage(h.max / 1e6); }
});`;

const ask = (w: Worker, m: string): Promise<unknown> =>
  new Promise((res) => {
    w.once('message', res);
    w.postMessage(m);
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function round(spawner: ScriptSpawner, script: string, watcher: Worker): Promise<{ toPid: number[]; main: number; other: number }> {
  await ask(watcher, 'start');
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await sleep(30);
  const toPid: number[] = [];
  await new Promise<void>((done) => {
    let exited = 0;
    for (let i = 0; i < SCRIPTS; i++) {
      const t0 = performance.now();
      spawner.spawn(i, [script, '+sdown', 'master mymaster 127.0.0.1 6379'], {
        spawned: () => toPid.push(performance.now() - t0),
        failed: (_r, errno) => {
          throw new Error(errno);
        },
        exited: () => {
          if (++exited === SCRIPTS) done();
        },
      });
    }
  });
  await sleep(30);
  h.disable();
  const other = (await ask(watcher, 'stop')) as number;
  return { toPid, main: h.max / 1e6, other };
}

export async function run(): Promise<void> {
  const tmp = tempDir('argus-bench-spawn-');
  const script = join(tmp.dir, 'notify.sh');
  writeFileSync(script, '#!/bin/sh\nexit 0\n');
  chmodSync(script, 0o755);
  const watcher = new Worker(WATCHER, { eval: true });
  const rows: string[][] = [];
  const ballast: unknown[] = [];
  for (const extraMiB of [0, 512]) {
    // resident memory, as a large fleet's records would be: fork's cost follows the page tables
    for (let i = 0; i < extraMiB; i++) ballast.push(Buffer.alloc(2 ** 20, 1));
    for (const where of ['main thread', 'spawner thread'] as const) {
      const spawner: ScriptSpawner =
        where === 'main thread' ? new ChildSpawner(() => {}) : new ThreadSpawner({ output: () => {}, crashed: () => {} });
      await round(spawner, script, watcher); // warm-up (thread start, code paths)
      const toPid: number[] = [];
      const main: number[] = [];
      const other: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const x = await round(spawner, script, watcher);
        toPid.push(...x.toPid);
        main.push(x.main);
        other.push(x.other);
      }
      await spawner.close();
      const rss = process.memoryUsage().rss / 2 ** 20;
      rows.push([
        where, rss.toFixed(0),
        percentile(toPid, 50).toFixed(2), Math.max(...toPid).toFixed(2),
        percentile(main, 50).toFixed(1), Math.max(...main).toFixed(1),
        percentile(other, 50).toFixed(1), Math.max(...other).toFixed(1),
      ]);
    }
  }
  ballast.length = 0;
  await watcher.terminate();
  tmp.cleanup();
  table(
    ['spawn from', 'RSS MiB', 'to pid p50 ms', 'to pid max ms', 'main delay p50 ms', 'main delay max ms', 'other thread p50 ms', 'other thread max ms'],
    rows,
  );
  process.stdout.write(`(${SCRIPTS} scripts started at once, ${ROUNDS} rounds per row; delays are the worst per round)\n`);
}
