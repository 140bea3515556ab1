/**
 * The sizing and tuning bench: how long from a fault to `+sdown`, `+odown` and `+switch-master`,
 * for a fleet shaped like yours, at your timings, with S sentinels per monitor — Argus and Debian's
 * redis-sentinel side by side in the same run (redis-sentinel left out, with a note, when it is
 * not installed) — and what it costs in CPU and RSS per sentinel process. The engine and its
 * phases are described in lib/sentinel-groups.ts; each monitor has its own fleet.
 *
 *   npm run bench -- latency [--masters N=10] [--replicas R=1] [--sentinels S=3] [--quorum Q]
 *     [--down-after MS=1000] [--failover-timeout MS=5000] [--kinds hang,kill,drop,stall]
 *     [--faults K=6] [--parallel P=1] [--simultaneous K] [--stall MS] [--argus-ping-period MS]
 *     [--hz H=10] [--quiet S=5] [--bound MS] [--deadline S] [--only argus|redis] [--seed N]
 *     [--json PATH] [--chart PATH] [--chart-scale log|linear] [--logs DIR]
 *
 * --faults K is per kind and per monitor. Quorum defaults to a majority of the sentinels. With
 * one sentinel the quorum is 1: that sentinel reaches ODOWN on its own SDOWN, elects itself and
 * fails over, as a single-sentinel deployment does; `+switch-master` is measured like any other.
 * With --replicas 0 there is nothing to promote: hang and kill close on every sentinel's `+odown`
 * and the switch column is left out. For detection only, one shared fleet and up to 1000 masters,
 * see `detection`.
 *
 * The JSON (every raw time and the summary) and the SVG chart (the CDFs of both monitors, one
 * panel per event; by default ms past down-after on a log axis, `--chart-scale linear` for ms
 * from the fault) go to bench/results/ unless --json / --chart name a path; both paths are
 * printed at the end.
 */
import { join } from 'node:path';
import { ROOT } from '../test/helpers/processes.js';
import { LATENCY_KINDS, type LatencyKind } from './lib/faults.js';
import { intFlag, stringFlags } from './lib/flags.js';
import { report } from './lib/latency-report.js';
import { availableImpls, type Impl } from './lib/monitors.js';
import { nofileLimits } from './lib/procstat.js';
import { runGroups, type GroupsOptions } from './lib/sentinel-groups.js';

const USAGE =
  'latency [--masters N=10] [--replicas R=1] [--sentinels S=3] [--quorum Q=majority] [--down-after MS=1000] [--failover-timeout MS=5000]\n' +
  '        [--kinds hang,kill,drop,stall] [--faults K=6 per kind] [--parallel P=1] [--simultaneous K] [--stall MS=down-after−300]\n' +
  '        [--argus-ping-period MS] [--hz H=10] [--quiet S=5] [--bound MS] [--deadline S] [--only argus|redis] [--seed N]\n' +
  '        [--json PATH] [--chart PATH] [--chart-scale log|linear] [--logs DIR]';

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

interface Options extends GroupsOptions {
  json: string;
  chart: string;
  chartScale: 'log' | 'linear';
}

function parseOptions(args: string[]): Options {
  const values = stringFlags(args, ['masters', 'replicas', 'sentinels', 'quorum', 'down-after', 'failover-timeout', 'kinds', 'faults', 'parallel', 'simultaneous', 'stall', 'argus-ping-period', 'hz', 'quiet', 'bound', 'deadline', 'only', 'seed', 'json', 'chart', 'chart-scale', 'logs'], USAGE);
  const int = intFlag(USAGE);
  const masters = int('masters', values.masters, 10, 1, 2000);
  const sentinels = int('sentinels', values.sentinels, 3, 1, 7);
  const downAfter = int('down-after', values['down-after'], 1000, 100, 60_000);
  const failoverTimeout = int('failover-timeout', values['failover-timeout'], 5000, 1000, 600_000);
  const kinds = [...new Set((values.kinds ?? LATENCY_KINDS.join(',')).split(',').map((k) => k.trim()).filter(Boolean))];
  for (const k of kinds) if (!LATENCY_KINDS.includes(k as LatencyKind)) throw new Error(`--kinds takes ${LATENCY_KINDS.join(',')} (got '${k}')\n${USAGE}`);
  if (kinds.length === 0) throw new Error(`--kinds names no fault\n${USAGE}`);
  const perKind = int('faults', values.faults, 6, 1, 10_000);
  const simultaneous = int('simultaneous', values.simultaneous, 0, 0, masters);
  const parallel = int('parallel', values.parallel, 1, 1, masters);
  const only = values.only;
  if (only !== undefined && only !== 'argus' && only !== 'redis') throw new Error(`--only must be argus or redis\n${USAGE}`);
  const count = perKind * kinds.length;
  const chartScale = values['chart-scale'] ?? 'log';
  if (chartScale !== 'log' && chartScale !== 'linear') throw new Error(`--chart-scale must be log or linear\n${USAGE}`);
  const stallMs = int('stall', values.stall, Math.round(Math.max(downAfter / 2, downAfter - 300)), 10, downAfter);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // a fault takes about down-after + 2.5 s to close (redis-sentinel's switch), more under load;
  // the estimate only sets the bound, a run ends as soon as its faults are done
  const perFaultS = 2 * (downAfter / 1000) + 6 + (masters < 4 ? 15 : 0);
  const faultsInTurn = simultaneous > 0 ? Math.max(kinds.length, Math.ceil(count / simultaneous)) * 4 : Math.ceil(count / parallel);
  return {
    masters,
    replicas: int('replicas', values.replicas, 1, 0, 4),
    sentinels,
    quorum: int('quorum', values.quorum, Math.floor(sentinels / 2) + 1, 1, sentinels),
    downAfter,
    failoverTimeout,
    argusPingPeriod: values['argus-ping-period'] === undefined ? null : int('argus-ping-period', values['argus-ping-period'], 0, 1, 60_000),
    kinds: kinds as LatencyKind[],
    count,
    simultaneous,
    parallel,
    stallMs,
    // one failed election plus its retry, 2 × failover-timeout after the first start, fits
    boundMs: int('bound', values.bound, downAfter + 2 * failoverTimeout + 5_000, 1_000, 3_600_000),
    deadlineS: int('deadline', values.deadline, Math.ceil(90 + (masters * sentinels) / 10 + faultsInTurn * perFaultS), 10, 86_400),
    quietS: int('quiet', values.quiet, 5, 1, 3600),
    hz: int('hz', values.hz, 10, 1, 500),
    impls: only ? [only] : ['argus', 'redis'],
    seed: int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    json: values.json ?? join(RESULTS_DIR, `latency-${stamp}.json`),
    chart: values.chart ?? join(RESULTS_DIR, `latency-${stamp}.svg`),
    chartScale,
    logs: values.logs ?? null,
  };
}

export async function run(args: string[] = []): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(args);
    const avail = availableImpls(o.impls);
    if (avail.note) process.stdout.write(`note: ${avail.note}\n`);
    if (avail.impls.length === 0) throw new Error('no monitor left to measure');
    o.impls = avail.impls as Impl[];
    // this process holds a listener per fleet port while allocating them, and a few sockets per group
    const need = o.masters * (1 + o.replicas) + 4 * o.masters * o.impls.length + 256;
    const { soft } = nofileLimits();
    if (need > soft) throw new Error(`ulimit -n is ${soft}; ${o.masters} masters need about ${need} open files here. Run 'ulimit -n ${need}' first.`);
  } catch (e) {
    process.stderr.write(`latency: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `masters ${o.masters} per monitor (+ ${o.replicas} replica${o.replicas === 1 ? '' : 's'} each), ${o.sentinels} sentinel${o.sentinels > 1 ? 's' : ''} per monitor, ` +
      `quorum ${o.quorum}, down-after-milliseconds ${o.downAfter}, failover-timeout ${o.failoverTimeout}, argus-ping-period ${o.argusPingPeriod ?? 'default'}, redis-server hz ${o.hz}`,
  );
  out(
    `faults ${o.count / o.kinds.length} of each of ${o.kinds.join(',')} per monitor` +
      (o.simultaneous > 0 ? `, ${o.simultaneous} groups at once per round` : `, ${o.parallel} at a time`) +
      (o.kinds.includes('stall') ? `, stall ${o.stallMs} ms` : '') +
      `; failed after ${o.boundMs} ms; deadline ${o.deadlineS} s; monitors ${o.impls.join(' + ')}; seed ${o.seed}`,
  );
  if (o.replicas === 0) out('no replicas: nothing to promote, so hang and kill are closed on every sentinel\'s +odown and no +switch-master is measured');
  try {
    const result = await runGroups(o, 'latency');
    report(result, { bench: 'latency', json: o.json, chart: o.chart, chartScale: o.chartScale });
  } catch (e) {
    process.stderr.write(`latency: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
