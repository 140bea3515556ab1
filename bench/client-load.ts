/**
 * Clients at load: how many `SENTINEL GET-MASTER-ADDR-BY-NAME` replies a second a monitor gives,
 * and how late, to many concurrent clients and to a few pipelining ones. One real redis-server is
 * the master; Argus and Debian's redis-sentinel each monitor it with quorum 1 and are loaded in
 * turn by `redis-benchmark`, the cheapest client there is (C, one thread), on the other core.
 *
 *   npm run bench -- client-load [--clients C=1000] [--requests N=100000] [--pipeline P=16]
 *     [--rounds R=3] [--only argus|redis]
 *
 * Two cases per round: `concurrent` (C clients, one request in flight each, N requests) and
 * `pipelined` (50 clients, P requests in flight each, 5 × N requests, as it runs about ten times
 * faster; --pipeline 1 leaves it out). Each monitor gets one unrecorded warm-up run per case
 * first, so Argus is measured JIT-compiled, as a sentinel that has been up for a while is. The
 * order of the monitors alternates from round to round; the tables give the median of the
 * rounds. CPU is the monitor's (all threads) from redis-benchmark's start to its exit, per reply
 * and as % of one core over the load's span (requests ÷ replies/s; accepting the connections is
 * counted in); RSS is the highest VmRSS seen during the run, sampled every 100 ms; client CPU is
 * redis-benchmark's own, the same way: near 100 % the client, not the monitor, sets the pace.
 * Latencies are redis-benchmark's: request written to reply read, per request.
 *
 * Both monitors stay up for the whole bench and see each other through the master's hello
 * channel, as in a mixed deployment; the idle one costs under a few % of a core.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { intFlag, stringFlags } from './lib/flags.js';
import { allocatePorts, RedisServer, sleep } from './lib/fleet.js';
import { availableImpls, IMPL_NAME, onPath, startMonitor, type Impl, type Monitor } from './lib/monitors.js';
import { CpuWindow, nofileLimits, processTree, rssKiB } from './lib/procstat.js';
import { reapAll, trackChild, trackedTempDir } from './lib/reaper.js';
import { fmt, percentile, ratio, table } from './lib/stats.js';
import { RawClient } from '../test/helpers/raw-client.js';

const USAGE = 'client-load [--clients C=1000] [--requests N=100000] [--pipeline P=16] [--rounds R=3] [--only argus|redis]';

const REDIS_BENCHMARK = process.env.REDIS_BENCHMARK ?? 'redis-benchmark';
const MASTER = 'mymaster';
const COMMAND = ['sentinel', 'get-master-addr-by-name', MASTER];
/** clients of the pipelined case: enough to keep a monitor busy, few enough that P decides */
const PIPELINE_CLIENTS = 50;
/** the pipelined case runs about ten times faster; five times the requests keeps it measurable */
const PIPELINE_REQUEST_FACTOR = 5;
/** descriptors a monitor or redis-benchmark needs besides one per client */
const FD_MARGIN = 64;
/** a run slower than this is stuck, not slow */
const RUN_TIMEOUT_MS = 120_000;

interface Options {
  clients: number;
  requests: number;
  pipeline: number;
  rounds: number;
  impls: Impl[];
}

interface Case {
  readonly name: string;
  readonly clients: number;
  readonly pipeline: number;
  readonly requests: number;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  cpuPct: number;
  /** the monitor's CPU per reply, connection set-up included */
  cpuUsPerReply: number;
  rssKiB: number;
  /** redis-benchmark's own CPU: near 100 % it, not the monitor, sets the pace */
  clientCpuPct: number;
}

function parseOptions(args: string[]): Options {
  const values = stringFlags(args, ['clients', 'requests', 'pipeline', 'rounds', 'only'], USAGE);
  const int = intFlag(USAGE);
  const only = values.only;
  if (only !== undefined && only !== 'argus' && only !== 'redis') throw new Error(`--only must be argus or redis\n${USAGE}`);
  return {
    // both monitors default to maxclients 10000, less the descriptors they keep for themselves
    clients: int('clients', values.clients, 1000, 1, 9_000),
    requests: int('requests', values.requests, 100_000, 1_000, 10_000_000),
    pipeline: int('pipeline', values.pipeline, 16, 1, 1_000),
    rounds: int('rounds', values.rounds, 3, 1, 20),
    impls: only ? [only] : ['argus', 'redis'],
  };
}

/** `ulimit -n` for the children when this process's soft limit is too low for them; throws when the hard one is. */
function nofileFor(clients: number): number {
  const need = clients + FD_MARGIN;
  const { soft, hard } = nofileLimits();
  if (need > hard) {
    throw new Error(`ulimit -Hn (the hard limit on open files) is ${hard}; ${clients} clients need about ${need}. Raise it or use fewer --clients.`);
  }
  // node raises its own soft limit to the hard one at start-up, and children inherit it
  return need > soft ? need : 0;
}

/** redis-benchmark's --csv line: "test","rps","avg","min","p50","p95","p99","max". */
function parseCsv(out: string): Omit<Sample, 'cpuPct' | 'cpuUsPerReply' | 'rssKiB' | 'clientCpuPct'> | null {
  const line = out.trim().split('\n').find((l) => l.startsWith('"sentinel'));
  if (!line) return null;
  const f = line.split('","').map((s) => s.replace(/"/g, ''));
  const n = (i: number) => Number(f[i]);
  return { rps: n(1), p50: n(4), p99: n(6), max: n(7) };
}

/** One redis-benchmark run against `mon`, with the monitor's CPU and peak RSS over it. */
async function load(mon: Monitor, c: Case, nofile: number): Promise<Sample> {
  const argv = [REDIS_BENCHMARK, '-h', '127.0.0.1', '-p', String(mon.port), '-c', String(c.clients), '-n', String(c.requests),
    '-P', String(c.pipeline), '--csv', ...COMMAND];
  // through sh: `times` reports the client's CPU once it has exited, when /proc no longer can
  const script = `${nofile > 0 ? `ulimit -n ${nofile} || exit 1; ` : ''}"$@"; s=$?; times >&2; exit $s`;
  const cpu = new CpuWindow(mon.pid);
  let peakRss = rssKiB(cpu.pids);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKiB(cpu.pids))), 100);
  cpu.start();
  const child = trackChild(spawn('sh', ['-c', script, 'sh', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let errOut = '';
  child.stdout!.setEncoding('latin1').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('latin1').on('data', (d: string) => (errOut += d));
  // SIGKILL to sh alone would leave redis-benchmark running
  const timer = setTimeout(() => processTree(child.pid ?? -1).reverse().forEach((pid) => process.kill(pid, 'SIGKILL')), RUN_TIMEOUT_MS);
  const code = await new Promise<number | string>((res) => {
    child.once('error', (e) => res(e.message));
    child.once('exit', (c, s) => res(c ?? s ?? -1));
  });
  clearTimeout(timer);
  const used = cpu.stop();
  clearInterval(sampler);
  const r = parseCsv(out);
  const times = [...errOut.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)];
  const children = times[1];
  const clientCpuS = children ? 60 * Number(children[1]) + Number(children[2]) + 60 * Number(children[3]) + Number(children[4]) : Number.NaN;
  // redis-benchmark warns that it cannot CONFIG GET a sentinel; anything else on stderr is news
  const noise = errOut.split('\n').filter((l) => l.trim() && !l.includes('Could not fetch server CONFIG') && !/^\d+m[\d.]+s /.test(l));
  if (code !== 0 || r === null || !(r.rps > 0) || !mon.alive()) {
    throw new Error(`${IMPL_NAME[mon.impl]} ${c.name}: redis-benchmark exited ${code}${mon.alive() ? '' : ' (the monitor died)'}\n${out}${noise.join('\n')}`);
  }
  // redis-benchmark takes ~0.8 s to start and stop besides the load; its own rate gives the load's span
  const loadS = c.requests / r.rps;
  return { ...r, cpuPct: (100 * used.cpuS) / loadS, cpuUsPerReply: (1e6 * used.cpuS) / c.requests, rssKiB: peakRss, clientCpuPct: (100 * clientCpuS) / loadS };
}

/** Waits until the monitor names the master's address, and checks the exact reply bytes. */
async function waitAnswering(mon: Monitor, masterPort: number): Promise<void> {
  const want = `*2\r\n$9\r\n127.0.0.1\r\n$${String(masterPort).length}\r\n${masterPort}\r\n`;
  const c = await RawClient.open(mon.port);
  try {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const { raw } = await c.call(...COMMAND);
      if (raw === want) return;
      if (performance.now() > deadline) throw new Error(`${IMPL_NAME[mon.impl]} answers ${JSON.stringify(raw)} to ${COMMAND.join(' ')}`);
      await sleep(50);
    }
  } finally {
    c.close();
  }
}

const loadNow = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

export async function run(args: string[] = []): Promise<void> {
  let o: Options;
  let nofile: number;
  try {
    o = parseOptions(args);
    nofile = nofileFor(o.clients);
  } catch (e) {
    process.stderr.write(`client-load: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (!onPath(REDIS_BENCHMARK)) {
    process.stderr.write(`client-load: '${REDIS_BENCHMARK}' is not on PATH (apt install redis-tools, or set REDIS_BENCHMARK)\n`);
    process.exitCode = 2;
    return;
  }
  const avail = availableImpls(o.impls);
  if (avail.note) process.stdout.write(`note: ${avail.note}\n`);
  if (avail.impls.length === 0) {
    process.exitCode = 2;
    return;
  }
  const cases: Case[] = [{ name: 'concurrent', clients: o.clients, pipeline: 1, requests: o.requests }];
  if (o.pipeline > 1) cases.push({ name: 'pipelined', clients: PIPELINE_CLIENTS, pipeline: o.pipeline, requests: o.requests * PIPELINE_REQUEST_FACTOR });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${COMMAND.join(' ')}; ${cases.map((c) => `${c.name}: ${c.clients} clients × ${c.pipeline} in flight, ${c.requests} requests`).join('; ')}; ` +
    `${o.rounds} rounds; ulimit -n ${nofile || nofileLimits().soft}; load average ${loadNow()}`);

  const [masterPort] = await allocatePorts(1);
  const master = new RedisServer(masterPort!, 'master', trackedTempDir('argus-bench-client-load-'), []);
  const samples = new Map<string, Sample[]>();
  const mons = new Map<Impl, Monitor>();
  try {
    await master.start();
    for (const impl of avail.impls) {
      const mon = await startMonitor(impl, `sentinel monitor ${MASTER} 127.0.0.1 ${masterPort} 1\n`, { nofile });
      mons.set(impl, mon);
      await waitAnswering(mon, masterPort!);
    }
    for (const impl of avail.impls) for (const c of cases) await load(mons.get(impl)!, { ...c, requests: Math.ceil(c.requests / 10) }, nofile);
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? avail.impls : [...avail.impls].reverse();
      for (const c of cases) {
        for (const impl of order) {
          const s = await load(mons.get(impl)!, c, nofile);
          const key = `${c.name}/${impl}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          process.stderr.write(`round ${round + 1}/${o.rounds} ${c.name} ${IMPL_NAME[impl]}: ${fmt(s.rps)} replies/s, p99 ${s.p99} ms (load ${loadNow()})\n`);
        }
      }
    }
  } finally {
    for (const mon of mons.values()) await mon.stop();
    await master.stop();
    await reapAll();
  }

  const med = (impl: Impl, c: Case, f: keyof Sample) => percentile((samples.get(`${c.name}/${impl}`) ?? []).map((s) => s[f]), 50);
  for (const c of cases) {
    out(`\n${c.name}: ${c.clients} clients, ${c.pipeline} request${c.pipeline > 1 ? 's' : ''} in flight each, ${c.requests} requests a run, median of ${o.rounds}`);
    const rows = avail.impls.map((impl) => [
      IMPL_NAME[impl], fmt(med(impl, c, 'rps')), fmt(med(impl, c, 'p50'), 2), fmt(med(impl, c, 'p99'), 2), fmt(med(impl, c, 'max'), 2),
      fmt(med(impl, c, 'cpuPct')), fmt(med(impl, c, 'cpuUsPerReply'), 1), fmt(med(impl, c, 'rssKiB') / 1024, 1), fmt(med(impl, c, 'clientCpuPct')),
    ]);
    if (avail.impls.length === 2) {
      const r = (f: keyof Sample) => ratio(med('argus', c, f), med('redis', c, f));
      rows.push(['ratio argus/redis', r('rps'), r('p50'), r('p99'), r('max'), r('cpuPct'), r('cpuUsPerReply'), r('rssKiB'), '']);
    }
    table(['monitor', 'replies/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU %', 'CPU µs/reply', 'peak RSS MiB', 'client CPU %'], rows);
  }
  out(`\nload average at the end: ${loadNow()}`);
}
