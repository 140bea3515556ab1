/**
 * Start-up time and idle memory: Argus and Debian's redis-sentinel, same config, same run.
 * Time = spawn until the port accepts a connection and answers PING; RSS read from /proc after
 * the process has been idle for a second.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startSentinel } from '../test/helpers/processes.js';
import { RawClient } from '../test/helpers/raw-client.js';
import { percentile, table } from './lib/stats.js';

const RUNS = 10;
const CONFIG = 'sentinel monitor mymaster 127.0.0.1 1 2\n';

const rssKiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
};

async function measure(impl: 'argus' | 'redis'): Promise<{ startMs: number[]; rss: number }> {
  const startMs: number[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const s = await startSentinel(CONFIG, { impl });
    const c = await RawClient.open(s.port);
    await c.call('PING');
    startMs.push(performance.now() - t0);
    if (i === RUNS - 1) {
      await new Promise((r) => setTimeout(r, 1_000));
      rss = rssKiB(s.child.pid!);
    }
    c.close();
    await s.cleanup();
  }
  return { startMs, rss };
}

export async function run(): Promise<void> {
  const argus = await measure('argus');
  const redis = await measure('redis');
  const p50 = (xs: number[]) => percentile(xs, 50);
  table(
    ['monitor', 'start p50 ms', 'start max ms', 'idle RSS MiB'],
    [
      ['argus', p50(argus.startMs).toFixed(0), Math.max(...argus.startMs).toFixed(0), (argus.rss / 1024).toFixed(1)],
      ['redis-sentinel', p50(redis.startMs).toFixed(0), Math.max(...redis.startMs).toFixed(0), (redis.rss / 1024).toFixed(1)],
      ['ratio argus/redis', (p50(argus.startMs) / p50(redis.startMs)).toFixed(1), '', (argus.rss / redis.rss).toFixed(1)],
    ],
  );
}
