/**
 * Does the HTTP endpoint stay cheap at fleet size? One Argus watches `--masters` simulated masters
 * (bench/sim/, quorum 2 so nothing fails over) with `argus-http-port` on; once every master is
 * linked, `/metrics` is scraped `--scrapes` times (one a second) and `/masters` once, each
 * timed to its last byte, while a pipelined PING every 20 ms on the RESP port measures whether
 * the scrapes delay it (PING round trips in a quiet window before vs during the scrapes).
 *
 *   npm run bench -- http-scrape [--masters N=1000] [--scrapes N=5] [--discovery-timeout S=120]
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARGUS_BIN } from '../test/helpers/processes.js';
import { freePort } from '../test/helpers/ports.js';
import { intFlag } from './lib/flags.js';
import { sleep, waitPort } from './lib/fleet.js';
import { reapAll, trackChild, trackedTempDir } from './lib/reaper.js';
import { percentile } from './lib/stats.js';
import { SimFleet } from './sim/fleet.js';
import { Pinger } from './sim/probe.js';

const USAGE = 'http-scrape [--masters N=1000] [--scrapes N=5] [--discovery-timeout S=120]';

async function timedGet(port: number, path: string): Promise<{ ms: number; bytes: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await res.text();
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(body), body };
}

const dist = (xs: number[]): string =>
  xs.length ? `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 99).toFixed(1)} / ${Math.max(...xs).toFixed(1)}` : '–';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, strict: true, options: { masters: { type: 'string' }, scrapes: { type: 'string' }, 'discovery-timeout': { type: 'string' } } });
  const int = intFlag(USAGE);
  const masters = int('masters', values.masters, 1000, 1, 20_000);
  const scrapes = int('scrapes', values.scrapes, 5, 1, 100);
  const discoveryS = int('discovery-timeout', values['discovery-timeout'], 120, 5, 3600);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const fleet = await SimFleet.start({ masters, replicas: 0, onProcess: (c) => void trackChild(c) });
    const dir = trackedTempDir('argus-bench-http-');
    const [port, httpPort] = [await freePort(), await freePort()];
    const lines = [`port ${port}`, `argus-http-port ${httpPort}`];
    for (const g of fleet.groups) lines.push(`sentinel monitor ${g.name} ${g.master.ip} ${g.master.port} 2`);
    writeFileSync(join(dir, 'sentinel.conf'), `${lines.join('\n')}\n`, 'latin1');
    const logFd = openSync(join(dir, 'sentinel.log'), 'a');
    const child = trackChild(spawn(process.execPath, [ARGUS_BIN, join(dir, 'sentinel.conf')], { cwd: dir, stdio: ['ignore', logFd, logFd] }));
    closeSync(logFd);
    if (!(await waitPort(port, 60_000, () => child.exitCode !== null))) throw new Error('Argus did not listen');
    await waitPort(httpPort, 10_000);

    // every master linked: its runid known
    const deadline = performance.now() + discoveryS * 1000;
    for (;;) {
      const all = JSON.parse((await timedGet(httpPort, '/masters')).body) as { runid: string }[];
      const linked = all.filter((m) => m.runid !== '').length;
      if (linked === masters) break;
      if (performance.now() > deadline) throw new Error(`only ${linked}/${masters} masters linked after ${discoveryS} s`);
      await sleep(1000);
    }
    await sleep(2000);

    const pinger = await Pinger.start(port, 20);
    const quietFrom = performance.now();
    await sleep(3000);
    const scrapeFrom = performance.now();
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < scrapes; i++) {
      const r = await timedGet(httpPort, '/metrics');
      times.push(r.ms);
      bytes = r.bytes;
      if (!r.body.includes(`argus_masters ${masters}`)) throw new Error('scrape is missing masters');
      await sleep(Math.max(0, 1000 - r.ms));
    }
    const mastersGet = await timedGet(httpPort, '/masters');
    const scrapeTo = performance.now();
    await sleep(200);
    pinger.stop();
    out(`${masters} simulated masters, ${fleet.processes} simulator process(es), load average ${loadavg()[0]!.toFixed(1)}`);
    out(`GET /metrics ×${scrapes}: p50 / p99 / max ${dist(times)} ms, ${(bytes / 1024).toFixed(0)} KiB`);
    out(`GET /masters ×1: ${mastersGet.ms.toFixed(1)} ms, ${(mastersGet.bytes / 1024).toFixed(0)} KiB`);
    out(`PING rtt p50 / p99 / max, quiet 3 s: ${dist(pinger.between(quietFrom, scrapeFrom))} ms`);
    out(`PING rtt p50 / p99 / max, during the scrapes: ${dist(pinger.between(scrapeFrom, scrapeTo))} ms`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await fleet.stop();
  } finally {
    await reapAll();
  }
}
