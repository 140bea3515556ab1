/**
 * How many config flushes per second, for a 1000-master sentinel.conf (2 replicas and 2 peer
 * sentinels per master)? Argus's full flush (read + rewrite + atomic write with fsyncs) beside
 * redis-sentinel's SENTINEL FLUSHCONFIG on the same file, same count. Bounded: FLUSHES each.
 *
 *   npm run build && node dist/bench/config-flush.js
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigSaver, readConfigText, writeFileAtomic } from '../src/config/flush.js';
import { rewriteConfig } from '../src/config/rewrite.js';
import { ServerOptions } from '../src/config/server-options.js';
import { addKnownReplica, addKnownSentinel, createMaster, newSentinelState } from '../src/sentinel/state.js';

const MASTERS = 1000;
const FLUSHES = 200;

const hex40 = (n: number): string => n.toString(16).padStart(40, '0');

function buildState(port: number) {
  const server = new ServerOptions();
  server.set('port', [String(port)]);
  const state = newSentinelState();
  state.myid = hex40(0xa1);
  state.currentEpoch = 7;
  for (let i = 0; i < MASTERS; i++) {
    const third = Math.floor(i / 200);
    const r = createMaster(state, `master-${i}`, `127.0.${third}.${(i % 200) + 1}`, 6379, 2, 0);
    if (!r.ok) throw new Error(r.error);
    const m = r.value;
    m.downAfterPeriod = 5000;
    m.configEpoch = 3;
    for (let k = 1; k <= 2; k++) addKnownReplica(state, m, `127.1.${third}.${(i % 200) + 1}`, 6379 + k, 0);
    for (let k = 1; k <= 2; k++) addKnownSentinel(state, m, `127.2.0.${k}`, 26379, hex40(k), 0);
  }
  return { server, state };
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

function stats(samples: number[], totalMs: number): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]!, perSecond: (samples.length * 1000) / totalMs };
}

async function benchArgus(dir: string, port: number): Promise<{ full: Stats; writeOnly: Stats; renderOnly: Stats; bytes: number }> {
  const { server, state } = buildState(port);
  const path = join(dir, 'argus.conf');
  const opts = { cwd: dir };
  const saver = new ConfigSaver({
    path,
    render: (old) => rewriteConfig(old, server, state, opts),
    log: () => {},
  });
  await saver.save(); // creates the file; later flushes rewrite it in place, as in production
  const text = readConfigText(path);

  const full: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < FLUSHES; i++) {
    state.currentEpoch++; // a real change each time, as a vote or a discovery would make
    const s = performance.now();
    await saver.save();
    full.push(performance.now() - s);
  }
  const fullStats = stats(full, performance.now() - t0);

  const write: number[] = [];
  t0 = performance.now();
  for (let i = 0; i < FLUSHES; i++) {
    const s = performance.now();
    writeFileAtomic(path, text);
    write.push(performance.now() - s);
  }
  const writeStats = stats(write, performance.now() - t0);

  const render: number[] = [];
  t0 = performance.now();
  for (let i = 0; i < FLUSHES; i++) {
    const s = performance.now();
    rewriteConfig(text, server, state, opts);
    render.push(performance.now() - s);
  }
  return { full: fullStats, writeOnly: writeStats, renderOnly: stats(render, performance.now() - t0), bytes: text.length };
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** SENTINEL FLUSHCONFIG against redis-sentinel, one at a time, timing each round trip. */
async function benchRedis(dir: string, configText: string): Promise<Stats | string> {
  const port = await freePort();
  const path = join(dir, 'redis.conf');
  writeFileSync(path, configText.replace(/^port \d+$/m, `port ${port}`), 'latin1');
  const child = spawn(process.env.REDIS_SENTINEL ?? 'redis-sentinel', [path], { cwd: dir, stdio: 'ignore' });
  const spawned = await new Promise<string | null>((res) => {
    child.once('error', (e) => res(e.message));
    child.once('spawn', () => res(null));
  });
  if (spawned !== null) return `redis-sentinel not run (${spawned})`;
  try {
    const sock = await new Promise<import('node:net').Socket>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const attempt = () => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => (Date.now() > deadline ? reject(new Error('redis-sentinel did not listen')) : setTimeout(attempt, 50)));
      };
      attempt();
    });
    const cmd = '*2\r\n$8\r\nSENTINEL\r\n$11\r\nFLUSHCONFIG\r\n';
    const once = () =>
      new Promise<void>((resolve, reject) => {
        sock.once('data', (d) => (String(d).startsWith('+OK') ? resolve() : reject(new Error(String(d)))));
        sock.write(cmd);
      });
    await once();
    const samples: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < FLUSHES; i++) {
      const s = performance.now();
      await once();
      samples.push(performance.now() - s);
    }
    const result = stats(samples, performance.now() - t0);
    sock.destroy();
    return result;
  } finally {
    child.kill('SIGKILL');
  }
}

const fmt = (s: Stats): string =>
  `${s.p50.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)} ${s.max.toFixed(2).padStart(8)} ${s.perSecond.toFixed(0).padStart(10)}`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'argus-bench-flush-'));
  try {
    const port = await freePort();
    const argus = await benchArgus(dir, port);
    const redis = await benchRedis(dir, readConfigText(join(dir, 'argus.conf')));
    console.log(`config flush: ${MASTERS} masters, ${(argus.bytes / 1024).toFixed(0)} KiB file, ${FLUSHES} flushes each (ms)`);
    console.log(`${''.padEnd(26)}${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'flushes/s'.padStart(10)}`);
    console.log(`${'argus full flush'.padEnd(26)}${fmt(argus.full)}`);
    console.log(`${'argus write+fsync only'.padEnd(26)}${fmt(argus.writeOnly)}`);
    console.log(`${'argus rewrite only (CPU)'.padEnd(26)}${fmt(argus.renderOnly)}`);
    if (typeof redis === 'string') {
      console.log(redis);
    } else {
      console.log(`${'redis-sentinel FLUSHCONFIG'.padEnd(26)}${fmt(redis)}`);
      console.log(`ratio argus/redis flushes/s: ${(argus.full.perSecond / redis.perSecond).toFixed(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
