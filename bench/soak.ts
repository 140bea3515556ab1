/**
 * Soak: does a sentinel stay flat while its fleet keeps failing? Three Argus and three Debian
 * redis-sentinel processes each watch their own fleet (N masters × R promotable replicas, `a<i>`
 * and `r<i>`: two sentinel families promoting replicas of the same master would fight over it,
 * and each would see the other's failovers as its own faults), and the same seeded plan of
 * faults hits both fleets in step: every few seconds one server of a random group is killed and
 * restarted later, hung (SIGSTOP) and continued later, or killed and restarted at once.
 *
 *   npm run bench -- soak [--minutes M=60] [--masters N=5] [--replicas R=2] [--every S=4]
 *     [--interval S=30] [--down-after MS=2000] [--seed N] [--only argus|redis] [--no-score]
 *
 * Every `interval` seconds, per sentinel: RSS (VmRSS, all threads), open descriptors
 * (/proc/<pid>/fd), PING round trip from here (both kinds: a starved event loop answers late),
 * and for Argus its main thread's event-loop lag, active handles and shard restarts from /metrics
 * (argus-http-port; prom-client resets the lag histogram at each scrape, so it covers the
 * interval). Per fleet: the sentinels' links, counted on every redis-server that is up (CLIENT
 * LIST, connections named `sentinel-*`), per server up, as a server that is down has none.
 * Failovers are the distinct `+switch-master` events seen by the family's sentinels.
 *
 * The summary gives RSS first/last/max and its least-squares slope per 10 minutes over the run
 * after the warm-up (the first quarter, at most 5 minutes: a JIT-compiling node process grows
 * then), descriptors and links first/last, lag percentiles and failovers, and is written as the
 * scorecard row `soak/random-restarts` (unless --no-score), its verdict from RSS and descriptor
 * growth, and any shard thread that died, compared between the two.
 *
 * An hour by default: Argus's RSS keeps settling for longer than the warm-up, as functions that
 * only failovers run get hot and are compiled (heap snapshot diffs: the main heap's growth is
 * JIT code, no object count grows). At 389d87f, 30 minutes measured +1.43 MiB/10 min; the hour
 * measured +0.67, +0.35 over its second half. A leak at a constant rate shows the same slope
 * either way; a process still settling shows a smaller one the longer it runs.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { rng } from './lib/faults.js';
import { intFlag, stringFlags } from './lib/flags.js';
import { Fleet, sleep, type RedisServer } from './lib/fleet.js';
import { availableImpls, EventStream, IMPL_NAME, parseInfoSentinel, startMonitor, type Impl, type Monitor } from './lib/monitors.js';
import { processTree, rssKiB } from './lib/procstat.js';
import { callOnce, Querier } from './lib/querier.js';
import { reapAll } from './lib/reaper.js';
import { fmt, max, percentile, table } from './lib/stats.js';
import { freePort } from '../test/helpers/ports.js';
import { recordScore, type Verdict } from '../test/helpers/scorecard.js';

const USAGE =
  'soak [--minutes M=60] [--masters N=5] [--replicas R=2] [--every S=4] [--interval S=30] [--down-after MS=2000]\n' +
  '     [--seed N] [--only argus|redis] [--no-score]';

const SENTINELS = 3;
const QUORUM = 2;
/** a fault lasts 1..MAX_FAULT_S seconds: shorter and longer than down-after */
const MAX_FAULT_S = 8;
/** a group rests this long after its fault is undone, so faults do not pile up on one group */
const REST_MS = 3_000;
/** RSS growth per 10 minutes below this is noise (GC, allocator) rather than a leak */
const RSS_SLOPE_NOISE_MIB = 1;
/** descriptors that may come and go with in-flight reconnects */
const FD_NOISE = 4;

type FaultKind = 'kill' | 'hang' | 'restart';
const KINDS: readonly FaultKind[] = ['kill', 'hang', 'restart'];

interface Options {
  minutes: number;
  masters: number;
  replicas: number;
  everyS: number;
  intervalS: number;
  downAfter: number;
  seed: number;
  impls: Impl[];
  score: boolean;
}

function parseOptions(args: string[]): Options {
  const noScore = args.includes('--no-score');
  const values = stringFlags(args.filter((a) => a !== '--no-score'), ['minutes', 'masters', 'replicas', 'every', 'interval', 'down-after', 'seed', 'only'], USAGE);
  const int = intFlag(USAGE);
  const only = values.only;
  if (only !== undefined && only !== 'argus' && only !== 'redis') throw new Error(`--only must be argus or redis\n${USAGE}`);
  return {
    minutes: int('minutes', values.minutes, 60, 1, 24 * 60),
    masters: int('masters', values.masters, 5, 1, 100),
    replicas: int('replicas', values.replicas, 2, 1, 4),
    everyS: int('every', values.every, 4, 1, 600),
    intervalS: int('interval', values.interval, 30, 2, 3_600),
    downAfter: int('down-after', values['down-after'], 2_000, 200, 60_000),
    seed: int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    impls: only ? [only] : ['argus', 'redis'],
    score: !noScore,
  };
}

/** One sentinel and what is measured of it between samples. */
interface Sentinel {
  mon: Monitor;
  httpPort: number | null;
  querier: Querier;
  stream: EventStream;
  /** PING round trips (ms) since the last sample */
  pings: number[];
  /** descriptors at the first sample, and whether their growth was already shown */
  fdsFirst: number | null;
  fdsShown: boolean;
  pingErrors: number;
}

interface Sample {
  tS: number;
  /** mean over the family's sentinels */
  rssMiB: number;
  rssMaxMiB: number;
  fds: number;
  links: number;
  serversUp: number;
  pingP50: number;
  pingP99: number;
  /** Argus: worst p50 / p99 of the main thread's event-loop lag over the interval, ms */
  lagP50: number;
  lagP99: number;
  handles: number;
  /** Argus: shard threads restarted since start, summed over the sentinels (a shard died) */
  shardRestarts: number;
  failovers: number;
  tilts: number;
}

interface Family {
  impl: Impl;
  fleet: Fleet;
  sentinels: Sentinel[];
  /** group name → busy until (performance.now()) */
  busyUntil: Map<string, number>;
  switches: Set<string>;
  tilts: number;
  faults: Record<FaultKind, number>;
  samples: Sample[];
  /** exceptions from fault recoveries (a server that would not restart) */
  errors: string[];
}

const prefixOf = (impl: Impl): string => (impl === 'argus' ? 'a' : 'r');

async function startFamily(impl: Impl, o: Options, random: () => number): Promise<Family> {
  const fleet = await Fleet.start({ masters: o.masters, replicas: o.replicas, namePrefix: prefixOf(impl), replicaPriority: 100, random });
  const body = fleet.masters
    .map((m) =>
      `sentinel monitor ${m.name} 127.0.0.1 ${m.server.port} ${QUORUM}\n` +
      `sentinel down-after-milliseconds ${m.name} ${o.downAfter}\n` +
      `sentinel failover-timeout ${m.name} ${o.downAfter * 5}\n`)
    .join('');
  const family: Family = {
    impl, fleet, sentinels: [], busyUntil: new Map(), switches: new Set(), tilts: 0,
    faults: { kill: 0, hang: 0, restart: 0 }, samples: [], errors: [],
  };
  for (let i = 0; i < SENTINELS; i++) {
    const httpPort = impl === 'argus' ? await freePort() : null;
    const mon = await startMonitor(impl, httpPort === null ? body : `${body}argus-http-port ${httpPort}\n`);
    const stream = await EventStream.open(mon.port, (e) => {
      if (e.channel === '+switch-master') family.switches.add(e.payload);
      if (e.channel === '+tilt') family.tilts++;
    });
    family.sentinels.push({ mon, httpPort, querier: new Querier(mon.port), stream, pings: [], pingErrors: 0, fdsFirst: null, fdsShown: false });
  }
  return family;
}

/** Every sentinel lists every master with status ok, R replicas and the other sentinels. */
async function waitSettled(f: Family, o: Options, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let ok = true;
    for (const s of f.sentinels) {
      const lines = parseInfoSentinel(String(await s.querier.call('INFO', 'sentinel')));
      for (const m of f.fleet.masters) {
        const l = lines.get(m.name);
        if (!l || l.status !== 'ok' || l.slaves < o.replicas || l.sentinels < SENTINELS) ok = false;
      }
    }
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`${IMPL_NAME[f.impl]}: the sentinels did not settle in ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** One fault on `server`, undone after `holdMs`; the group is busy until REST_MS after that. */
async function fault(f: Family, group: string, server: RedisServer, kind: FaultKind, holdMs: number): Promise<void> {
  f.faults[kind]++;
  f.busyUntil.set(group, Number.POSITIVE_INFINITY);
  try {
    if (kind === 'hang') {
      server.hang();
      await sleep(holdMs);
      server.resume();
    } else {
      await server.kill();
      if (kind === 'kill') await sleep(holdMs);
      await server.restart();
    }
  } catch (e) {
    f.errors.push(`${group} port ${server.port} ${kind}: ${(e as Error).message}`);
  } finally {
    f.busyUntil.set(group, performance.now() + REST_MS);
  }
}

/** Open descriptors of a process (0 once it is gone). */
function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** What a process's descriptors are, counted by kind (socket, pipe, anon_inode:[eventfd], a file …). */
function fdKinds(pid: number): string {
  const kinds = new Map<string, number>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const kind = target.replace(/:\[\d+\]$/, '');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  } catch {
    return '(gone)';
  }
  return [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ');
}

/**
 * prom-client samples the event loop with a 10 ms timer (its default eventLoopMonitoringPrecision),
 * so an idle loop reads ~10 ms: the lag is what comes on top of it.
 */
const LAG_RESOLUTION_MS = 10;

/** prom-client's figures from an Argus /metrics page: event-loop lag (ms), handles keeping the loop alive. */
async function argusMetrics(httpPort: number): Promise<{ lagP50: number; lagP99: number; handles: number; shardRestarts: number } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const n = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const lag = (q: string) => Math.max(0, 1000 * n(new RegExp(`^nodejs_eventloop_lag_${q}_seconds (\\S+)$`, 'm')) - LAG_RESOLUTION_MS);
    return { lagP50: lag('p50'), lagP99: lag('p99'), handles: n(/^nodejs_active_handles_total (\S+)$/m), shardRestarts: n(/^argus_shard_restarts_total (\S+)$/m) };
  } catch {
    return null;
  }
}

/** Links named `sentinel-*` on every server of the fleet that is up (a hung or dead one has none to count). */
async function countLinks(f: Family): Promise<{ links: number; up: number }> {
  let links = 0;
  let up = 0;
  for (const s of f.fleet.servers) {
    if (s.state !== 'up') continue;
    try {
      const list = String(await callOnce(s.port, 2_000, 'CLIENT', 'LIST'));
      links += list.match(/ name=sentinel-/g)?.length ?? 0;
      up++;
    } catch {
      // restarting right now: not counted either way
    }
  }
  return { links, up };
}

/** The first time a sentinel holds 2 × FD_NOISE descriptors more than at the start (a reconnect storm holds a few): what they are, to find a leak by. */
function noteFdGrowth(f: Family, tS: number): void {
  for (const [i, s] of f.sentinels.entries()) {
    const n = fdCount(s.mon.pid);
    s.fdsFirst ??= n;
    if (s.fdsShown || n - s.fdsFirst <= 2 * FD_NOISE) continue;
    s.fdsShown = true;
    process.stdout.write(`${IMPL_NAME[f.impl]} sentinel ${i} (pid ${s.mon.pid}) at ${tS.toFixed(0)} s: ${s.fdsFirst} → ${n} descriptors: ${fdKinds(s.mon.pid)}\n`);
    // the log lines that may say why (a thread restarted, an error), before the temp dir goes
    const why = s.mon.logTail(5_000).split('\n').filter((l) => /shard|thread|worker|error|exit|restart|leak/i.test(l)).slice(-10);
    for (const l of why) process.stdout.write(`  ${l}\n`);
  }
}

async function sample(f: Family, tS: number): Promise<Sample> {
  noteFdGrowth(f, tS);
  const rss = f.sentinels.map((s) => rssKiB(processTree(s.mon.pid)) / 1024);
  const pings = f.sentinels.flatMap((s) => s.pings.splice(0));
  const metrics = await Promise.all(f.sentinels.map((s) => (s.httpPort === null ? null : argusMetrics(s.httpPort))));
  const got = metrics.filter((m) => m !== null);
  const { links, up } = await countLinks(f);
  const s: Sample = {
    tS,
    rssMiB: rss.reduce((a, b) => a + b, 0) / rss.length,
    rssMaxMiB: max(rss),
    fds: f.sentinels.reduce((a, s) => a + fdCount(s.mon.pid), 0) / f.sentinels.length,
    links,
    serversUp: up,
    pingP50: percentile(pings, 50),
    pingP99: percentile(pings, 99),
    lagP50: got.length ? max(got.map((m) => m.lagP50)) : Number.NaN,
    lagP99: got.length ? max(got.map((m) => m.lagP99)) : Number.NaN,
    handles: got.length ? got.reduce((a, m) => a + m.handles, 0) / got.length : Number.NaN,
    shardRestarts: got.length ? got.reduce((a, m) => a + m.shardRestarts, 0) : Number.NaN,
    failovers: f.switches.size,
    tilts: f.tilts,
  };
  f.samples.push(s);
  return s;
}

/** PINGs each sentinel twice a second until `stop()`, recording round trips. */
function startPinging(families: readonly Family[]): () => void {
  let running = true;
  const loops = families.flatMap((f) =>
    f.sentinels.map(async (s) => {
      while (running) {
        const t0 = performance.now();
        try {
          await s.querier.call('PING');
          s.pings.push(performance.now() - t0);
        } catch {
          s.pingErrors++;
        }
        await sleep(500);
      }
    }),
  );
  return () => {
    running = false;
    void Promise.all(loops);
  };
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

interface Summary {
  impl: Impl;
  rssFirst: number;
  rssLast: number;
  rssMax: number;
  /** MiB per 10 minutes, after the warm-up */
  rssSlope: number;
  fdFirst: number;
  fdLast: number;
  linksFirst: string;
  linksLast: string;
  pingP50: number;
  pingP99: number;
  lagP50: number;
  lagP99: number;
  handlesFirst: number;
  handlesLast: number;
  /** Argus only (NaN for redis-sentinel): the most seen in any sample, as a scrape may fail */
  shardRestarts: number;
  failovers: number;
  tilts: number;
  faults: number;
  pingErrors: number;
}

function summarize(f: Family, warmupS: number): Summary {
  const ss = f.samples;
  const first = ss[0]!;
  const last = ss[ss.length - 1]!;
  const after = ss.filter((s) => s.tS >= warmupS);
  const perUp = (s: Sample) => `${s.links}/${s.serversUp}`;
  return {
    impl: f.impl,
    rssFirst: first.rssMiB,
    rssLast: last.rssMiB,
    rssMax: max(ss.map((s) => s.rssMaxMiB)),
    rssSlope: 600 * slope(after.map((s) => s.tS), after.map((s) => s.rssMiB)),
    fdFirst: first.fds,
    fdLast: last.fds,
    linksFirst: perUp(first),
    linksLast: perUp(last),
    pingP50: percentile(ss.map((s) => s.pingP50).filter(Number.isFinite), 50),
    pingP99: max(ss.map((s) => s.pingP99).filter(Number.isFinite)),
    lagP50: percentile(ss.map((s) => s.lagP50).filter(Number.isFinite), 50),
    lagP99: max(ss.map((s) => s.lagP99).filter(Number.isFinite)),
    handlesFirst: first.handles,
    handlesLast: last.handles,
    shardRestarts: max(ss.map((s) => s.shardRestarts).filter(Number.isFinite)),
    failovers: f.switches.size,
    tilts: f.tilts,
    faults: f.faults.kill + f.faults.hang + f.faults.restart,
    pingErrors: f.sentinels.reduce((a, s) => a + s.pingErrors, 0),
  };
}

/** What counts against a sentinel: RSS slope above noise, descriptors up by more than a few, a shard thread that died. */
function grows(s: Summary): { rss: boolean; fds: boolean; crashed: boolean } {
  return { rss: s.rssSlope > RSS_SLOPE_NOISE_MIB, fds: s.fdLast - s.fdFirst > FD_NOISE, crashed: s.shardRestarts > 0 };
}

function verdictOf(a: Summary, r: Summary): Verdict {
  const ga = grows(a);
  const gr = grows(r);
  const score = (g: ReturnType<typeof grows>) => Number(g.rss) + Number(g.fds) + Number(g.crashed);
  if (score(ga) > score(gr)) return 'worse';
  return score(ga) < score(gr) ? 'better' : 'same';
}

const describe = (s: Summary, minutes: number): string =>
  `${minutes} min, ${s.faults} faults, ${s.failovers} failovers, ${s.tilts} TILT; RSS ${fmt(s.rssFirst, 1)}→${fmt(s.rssLast, 1)} MiB ` +
  `(max ${fmt(s.rssMax, 1)}, ${s.rssSlope >= 0 ? '+' : ''}${fmt(s.rssSlope, 2)} MiB/10 min), fds ${fmt(s.fdFirst)}→${fmt(s.fdLast)}, ` +
  `links ${s.linksFirst}→${s.linksLast} per servers up, PING p50 ${fmt(s.pingP50, 2)} ms / p99 ${fmt(s.pingP99, 1)} ms` +
  (Number.isFinite(s.lagP99) ? `, event-loop lag p50 ${fmt(s.lagP50, 1)} / p99 ${fmt(s.lagP99, 1)} ms` : '') +
  (Number.isFinite(s.shardRestarts) ? `, ${fmt(s.shardRestarts)} shard restarts` : '') + '.';

export async function run(args: string[] = []): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(args);
  } catch (e) {
    process.stderr.write(`soak: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const avail = availableImpls(o.impls);
  if (avail.note) process.stdout.write(`note: ${avail.note}\n`);
  if (avail.impls.length === 0) {
    process.exitCode = 2;
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `${o.minutes} min; per family ${o.masters} masters × ${o.replicas} replicas, ${SENTINELS} sentinels (${avail.impls.map((i) => IMPL_NAME[i]).join(', ')}), ` +
      `quorum ${QUORUM}, down-after ${o.downAfter} ms; a fault every ${o.everyS} s (kill+restart later, hang+continue, restart), ` +
      `1..${MAX_FAULT_S} s each; a sample every ${o.intervalS} s; seed ${o.seed}`,
  );
  const plan = rng(o.seed);
  const families: Family[] = [];
  let stopPinging = () => {};
  const pending: Promise<void>[] = [];
  try {
    for (const impl of avail.impls) families.push(await startFamily(impl, o, rng(o.seed + 1)));
    await Promise.all(families.map((f) => waitSettled(f, o, 120_000)));
    stopPinging = startPinging(families);
    const t0 = performance.now();
    const endAt = t0 + o.minutes * 60_000;
    const elapsedS = () => (performance.now() - t0) / 1000;
    const head = ['t s', 'monitor', 'RSS MiB', 'max', 'fds', 'links/up', 'PING p50', 'p99 ms', 'lag p50', 'p99 ms', 'handles', 'failovers', 'TILT'];
    const row = (f: Family, s: Sample) => [
      fmt(s.tS), IMPL_NAME[f.impl], fmt(s.rssMiB, 1), fmt(s.rssMaxMiB, 1), fmt(s.fds, 1), `${s.links}/${s.serversUp}`,
      fmt(s.pingP50, 2), fmt(s.pingP99, 1), fmt(s.lagP50, 1), fmt(s.lagP99, 1), fmt(s.handles, 0), String(s.failovers), String(s.tilts),
    ];
    const sampleAll = async () => {
      const tS = elapsedS();
      const rows = [];
      for (const f of families) rows.push(row(f, await sample(f, tS)));
      table(head, rows);
    };
    await sampleAll();

    let nextFault = t0 + o.everyS * 1000;
    let nextSample = t0 + o.intervalS * 1000;
    while (performance.now() < endAt) {
      const now = performance.now();
      if (now >= nextFault) {
        nextFault += o.everyS * 1000;
        // one draw for both fleets: the same group, server, kind and length on each
        const g = Math.floor(plan() * o.masters);
        const k = Math.floor(plan() * (1 + o.replicas));
        const kind = KINDS[Math.floor(plan() * KINDS.length)]!;
        const holdMs = 1_000 + Math.floor(plan() * (MAX_FAULT_S - 1) * 1_000);
        for (const f of families) {
          const m = f.fleet.masters[g]!;
          if ((f.busyUntil.get(m.name) ?? 0) > now) continue;
          const server = [m.server, ...m.replicas][k]!;
          pending.push(fault(f, m.name, server, kind, holdMs));
        }
      }
      if (now >= nextSample) {
        nextSample += o.intervalS * 1000;
        await sampleAll();
      }
      await sleep(Math.max(10, Math.min(nextFault, nextSample, endAt) - performance.now()));
    }
    await sampleAll();
    await Promise.all(pending);
    stopPinging();

    for (const f of families) for (const e of f.errors) out(`${IMPL_NAME[f.impl]}: ${e}`);
    const warmupS = Math.min(300, (o.minutes * 60) / 4);
    const sums = families.map((f) => summarize(f, warmupS));
    out(`\nsummary (RSS: mean of the ${SENTINELS} sentinels; slope after the first ${fmt(warmupS)} s; links: sentinel links on the servers up / servers up)`);
    table(
      ['monitor', 'RSS first', 'last', 'max MiB', 'MiB/10 min', 'fds first', 'last', 'links first', 'last', 'PING p50', 'p99 ms', 'lag p50', 'p99 ms',
        'handles first', 'last', 'shard restarts', 'faults', 'failovers', 'TILT', 'PING errors'],
      sums.map((s) => [
        IMPL_NAME[s.impl], fmt(s.rssFirst, 1), fmt(s.rssLast, 1), fmt(s.rssMax, 1), fmt(s.rssSlope, 2), fmt(s.fdFirst, 1), fmt(s.fdLast, 1),
        s.linksFirst, s.linksLast, fmt(s.pingP50, 2), fmt(s.pingP99, 1), fmt(s.lagP50, 1), fmt(s.lagP99, 1), fmt(s.handlesFirst), fmt(s.handlesLast),
        fmt(s.shardRestarts), String(s.faults), String(s.failovers), String(s.tilts), String(s.pingErrors),
      ]),
    );
    const a = sums.find((s) => s.impl === 'argus');
    const r = sums.find((s) => s.impl === 'redis');
    if (o.score && a && r) {
      recordScore({
        id: 'soak/random-restarts',
        group: 'Soak',
        fault:
          `${o.minutes} minute${o.minutes === 1 ? '' : 's'} of random faults (seed ${o.seed}): every ${o.everyS} s a master or replica of ${o.masters} groups × ${o.replicas} replicas ` +
          `is killed and restarted later, hung and continued, or restarted at once`,
        holds: 'RSS, open descriptors and links stay flat (no growth beyond noise), failovers keep completing, no thread dies',
        argus: describe(a, o.minutes),
        sentinel: describe(r, o.minutes),
        verdict: verdictOf(a, r),
        figures: Object.fromEntries(
          sums.flatMap((s) => {
            const p = s.impl === 'argus' ? 'argus' : 'sentinel';
            return [
              [`${p}RssFirstMiB`, +s.rssFirst.toFixed(1)], [`${p}RssLastMiB`, +s.rssLast.toFixed(1)], [`${p}RssMaxMiB`, +s.rssMax.toFixed(1)],
              [`${p}RssMiBPer10Min`, Number.isFinite(s.rssSlope) ? +s.rssSlope.toFixed(2) : null], [`${p}FdsFirst`, s.fdFirst], [`${p}FdsLast`, s.fdLast],
              [`${p}Failovers`, s.failovers], [`${p}Tilts`, s.tilts], [`${p}PingP99Ms`, +s.pingP99.toFixed(1)],
              [`${p}LoopLagP99Ms`, Number.isFinite(s.lagP99) ? +s.lagP99.toFixed(1) : null],
              [`${p}ShardRestarts`, Number.isFinite(s.shardRestarts) ? s.shardRestarts : null],
            ];
          }),
        ),
      });
      out(`\nscorecard row soak/random-restarts written (verdict ${verdictOf(a, r)})`);
    }
  } catch (e) {
    process.stderr.write(`soak: ${(e as Error).stack ?? e}\n`);
    for (const f of families) for (const s of f.sentinels) if (!s.mon.alive()) process.stderr.write(`${IMPL_NAME[f.impl]} exited; its log ends:\n${s.mon.logTail()}\n`);
    process.exitCode = 1;
  } finally {
    stopPinging();
    for (const f of families) {
      for (const s of f.sentinels) {
        s.stream.close();
        s.querier.close();
        await s.mon.stop();
      }
    }
    await reapAll();
  }
}
