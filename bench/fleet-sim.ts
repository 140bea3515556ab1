/**
 * Where does one Argus process break down as its fleet grows? A simulator (bench/sim/: one Node
 * process per few thousand instances, each instance a listening socket on its own 127.x.y.z
 * address answering what Sentinel sends) stands in for thousands of Redis servers, which real
 * redis-server processes cannot do on one box; one Argus watches it at Sentinel's default
 * periods (PING 1 s, INFO 10 s, hello 2 s), quorum 2 so it never fails anything over.
 *
 *   npm run bench -- fleet-sim [--steps 0x0,1000x0,2000x0,5000x0,9000x0,1000x1,3000x1]
 *     [--down-after MS=5000] [--quiet S=30] [--settle S=5] [--fault-pct P=1] [--masters-calls N=3]
 *     [--discovery-timeout S] [--per-process N] [--port P=6379] [--octet O=64] [--shards N]
 *     [--fleet N=100000] [--sentinels-per-master S=3] [--cpu-budget PCT=50] [--nofile N]
 *     [--max-load L] [--seed N] [--json PATH] [--logs DIR] [--report SAVED.json]
 *
 * A step `MxR` is M masters with R replicas each. Per step (bench/sim/step.ts): discovery time,
 * config saves, steady CPU (all threads) and RSS of Argus, its descriptors, PING round trips to
 * its port (event-loop lag of its main thread, measured from outside), `SENTINEL MASTERS`
 * latency and size, TILT, false +sdown, and `--fault-pct` % of the masters killed at once. Then
 * straight-line fits of CPU, RSS and descriptors over the replica-less steps, the value at
 * 10,000 masters (an extrapolation: this box's 20000 descriptors stop one process near 9,500),
 * and the processes and boxes a fleet of `--fleet` masters needs (bench/sim/sizing.ts).
 *
 * Two cores shared with anything else make every figure worse; `--max-load L` waits (up to
 * 10 min) before each step until the 1-minute load average is at most L, and each step reports
 * the load at the end of its quiet window. `--report SAVED.json` prints the tables, fits and
 * sizing of an earlier `--json` run again (with this run's --fleet, --sentinels-per-master,
 * --cpu-budget, --nofile) without measuring anything.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { intFlag } from './lib/flags.js';
import { Progress } from './lib/progress.js';
import { reapAll } from './lib/reaper.js';
import { table } from './lib/stats.js';
import { sleep } from './lib/fleet.js';
import { nofileSoftLimit } from './sim/fleet.js';
import { at, linearFit, sizeFleet, type Fit } from './sim/sizing.js';
import { runStep, type Dist, type StepResult } from './sim/step.js';

const USAGE =
  'fleet-sim [--steps 0x0,1000x0,2000x0,5000x0,9000x0,1000x1,3000x1] [--down-after MS=5000] [--quiet S=30] [--settle S=5]\n' +
  '          [--fault-pct P=1] [--masters-calls N=3] [--discovery-timeout S] [--per-process N] [--port P=6379] [--octet O=64]\n' +
  '          [--shards N] [--fleet N=100000] [--sentinels-per-master S=3] [--cpu-budget PCT=50] [--nofile N] [--max-load L]\n' +
  '          [--seed N] [--json PATH] [--logs DIR] [--report SAVED.json]';

const DEFAULT_STEPS = '0x0,1000x0,2000x0,5000x0,9000x0,1000x1,3000x1';

interface Options {
  steps: { masters: number; replicas: number }[];
  downAfter: number;
  quietS: number;
  settleS: number;
  faultPct: number;
  mastersCalls: number;
  discoveryTimeoutS: number | null;
  perProcess: number | undefined;
  port: number;
  octet: number;
  shards: number | null;
  fleet: number;
  sentinelsPerMaster: number;
  cpuBudgetPct: number;
  nofile: number;
  maxLoad: number | null;
  /** re-print the report (fits, sizing) of a saved --json run instead of measuring */
  report: string | null;
  seed: number;
  json: string | null;
  logs: string | null;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: Object.fromEntries(
      ['steps', 'down-after', 'quiet', 'settle', 'fault-pct', 'masters-calls', 'discovery-timeout', 'per-process', 'port', 'octet',
        'shards', 'fleet', 'sentinels-per-master', 'cpu-budget', 'nofile', 'max-load', 'report', 'seed', 'json', 'logs'].map((k) => [k, { type: 'string' as const }]),
    ),
  });
  const int = intFlag(USAGE);
  const v = values as Record<string, string | undefined>;
  const steps = (v.steps ?? DEFAULT_STEPS).split(',').map((s) => {
    const m = /^(\d+)x(\d)$/.exec(s.trim());
    if (!m) throw new Error(`--steps takes MxR items such as 1000x0 (got '${s}')\n${USAGE}`);
    return { masters: Number(m[1]), replicas: Number(m[2]) };
  });
  for (const s of steps) if (s.masters > 100_000) throw new Error(`--steps: at most 100000 masters a step\n${USAGE}`);
  const soft = nofileSoftLimit();
  return {
    steps,
    downAfter: int('down-after', v['down-after'], 5000, 100, 600_000),
    quietS: int('quiet', v.quiet, 30, 1, 3600),
    settleS: int('settle', v.settle, 5, 0, 600),
    faultPct: int('fault-pct', v['fault-pct'], 1, 0, 100),
    mastersCalls: int('masters-calls', v['masters-calls'], 3, 0, 100),
    discoveryTimeoutS: v['discovery-timeout'] === undefined ? null : int('discovery-timeout', v['discovery-timeout'], 0, 5, 3600),
    perProcess: v['per-process'] === undefined ? undefined : int('per-process', v['per-process'], 0, 1, 100_000),
    port: int('port', v.port, 6379, 1, 65535),
    octet: int('octet', v.octet, 64, 1, 250),
    shards: v.shards === undefined ? null : int('shards', v.shards, 0, 0, 64),
    fleet: int('fleet', v.fleet, 100_000, 1, 10_000_000),
    sentinelsPerMaster: int('sentinels-per-master', v['sentinels-per-master'], 3, 1, 9),
    cpuBudgetPct: int('cpu-budget', v['cpu-budget'], 50, 1, 100),
    nofile: int('nofile', v.nofile, soft, 256, 1 << 24),
    maxLoad: v['max-load'] === undefined ? null : int('max-load', v['max-load'], 0, 1, 1000),
    report: v.report ?? null,
    seed: int('seed', v.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    json: v.json ?? null,
    logs: v.logs ?? null,
  };
}

const f0 = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(0));
const f1 = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const s1 = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '–' : (ms / 1000).toFixed(1));
const d3 = (d: Dist | undefined, fmt = f1): string => (d && d.n ? `${fmt(d.p50)} / ${fmt(d.p99)} / ${fmt(d.max)}` : '–');
const label = (r: StepResult): string => `${r.masters}×${r.replicas}`;

function report(o: Options, results: StepResult[]): Record<string, unknown> {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out();
  out('Discovery (from Argus spawn): every instance answered INFO, linked (INFO + hello subscriber + hello), INFO sentinel all ok');
  table(
    ['step', 'instances', 'sim procs', 'all INFO s', 'discovered s', 'Argus CPU s', 'config saves', 'saves/s', 'peak saves/s', 'PING p50/p99/max ms'],
    results.map((r) => [
      label(r), String(r.instances), String(r.simProcesses), s1(r.discovery.infoAllMs),
      r.discovery.complete ? s1(r.discovery.ms) : `no (${r.discovery.linked} linked)`, f1(r.discovery.cpuS), String(r.discovery.saves),
      f1(r.discovery.savesPerS), String(r.discovery.peakSavesPerS), d3(r.discovery.ping),
    ]),
  );
  out();
  out(`Steady state (${o.quietS} s quiet window): CPU % of one core, all threads; µs = CPU µs per master per second`);
  table(
    ['step', 'Argus CPU %', 'µs/master/s', 'sims CPU %', 'RSS MiB', 'peak RSS MiB', 'KiB/master', 'fds', 'PING p50/p99/max ms', 'saves', 'false +sdown', 'TILT', 'load'],
    results.map((r) => {
      const q = r.quiet;
      return [
        label(r), f1(q?.cpuPct), f0(q?.usPerMasterPerS), f1(q?.simCpuPct), f0(q?.rssMiB), f0(q?.hwmMiB), f0(q?.kibPerMaster), String(q?.fds ?? '–'),
        d3(q?.ping), String(q?.saves ?? '–'), String(q?.falseSdown ?? '–'), String(r.tilt.total ?? r.tilt.events), f1(q?.loadavg),
      ];
    }),
  );
  if (results.some((r) => r.mastersCmd)) {
    out();
    out('SENTINEL MASTERS: time to the last byte, size, and PINGs sent while it ran');
    table(
      ['step', 'latency ms (each call)', 'reply MiB', 'PING during p50/p99/max ms'],
      results.filter((r) => r.mastersCmd).map((r) => [
        label(r), r.mastersCmd!.calls.map((c) => c.ms.toFixed(0)).join(' '),
        ((r.mastersCmd!.calls[0]?.bytes ?? 0) / 1048576).toFixed(2), d3(r.mastersCmd!.pingDuring),
      ]),
    );
  }
  if (results.some((r) => r.fault)) {
    out();
    out(`Mass fault: ${o.faultPct} % of the masters killed at once; overshoot = +sdown − kill − down-after (${o.downAfter} ms)`);
    table(
      ['step', 'killed', '+sdown seen', 'overshoot p50/p99/max ms', 'last +sdown after kill ms', 'false +sdown'],
      results.filter((r) => r.fault).map((r) => {
        const f = r.fault!;
        return [label(r), String(f.killed), String(f.detected), d3(f.overshoot, f0), f0(f.lastMs), String(f.falseSdown)];
      }),
    );
  }
  for (const r of results) if (r.logProblems.length) out(`${label(r)}: log lines to look at: ${r.logProblems.slice(0, 3).join(' | ')}`);

  // One fit per replica count, over its steps that completed discovery and the empty step: a
  // step that never finished discovering is not a steady state.
  const fits: Record<string, { cpu: Fit | null; rss: Fit | null; fds: Fit | null; steps: string[] }> = {};
  for (const reps of [...new Set(results.map((r) => r.replicas))]) {
    const used = results.filter((r) => (r.replicas === reps || r.masters === 0) && r.discovery.complete && r.quiet);
    const xs = used.map((r) => r.masters);
    fits[String(reps)] = {
      cpu: linearFit(xs, used.map((r) => r.quiet!.cpuPct)),
      rss: linearFit(xs, used.map((r) => r.quiet!.rssMiB)),
      fds: linearFit(xs, used.map((r) => r.quiet!.fds)),
      steps: used.map(label),
    };
  }
  const sizing: Record<string, unknown> = {};
  out();
  for (const [reps, fit] of Object.entries(fits)) {
    if (!fit.cpu || !fit.rss || !fit.fds) continue;
    const { cpu, rss, fds } = fit;
    out(
      `fit, ${reps} replica(s)/master over ${fit.steps.join(', ')}: CPU % = ${cpu.a.toFixed(1)} + ${(cpu.b * 1000).toFixed(2)}/1000 masters; ` +
        `RSS MiB = ${rss.a.toFixed(0)} + ${(rss.b * 1024).toFixed(0)} KiB × masters; fds = ${fds.a.toFixed(0)} + ${fds.b.toFixed(2)} × masters`,
    );
    if (reps === '0') {
      out(
        `extrapolated to 10,000 masters (not measured: ${Math.ceil(at(fds, 10_000))} descriptors > this box's ${o.nofile}): ` +
          `CPU ${at(cpu, 10_000).toFixed(0)} % of a core, RSS ${at(rss, 10_000).toFixed(0)} MiB`,
      );
    }
    const measured = Math.max(...results.filter((r) => r.replicas === Number(reps) && r.discovery.complete).map((r) => r.masters));
    const boxes: [string, number, number][] = [[`this ${availableParallelism()}-core box`, availableParallelism(), o.nofile], ['an 8-core box, LimitNOFILE 65536', 8, 65_536]];
    sizing[reps] = boxes.map(([name, cores, nofile]) => {
      const s = sizeFleet({
        fleet: o.fleet, sentinelsPerMaster: o.sentinelsPerMaster, replicas: Number(reps), cores, cpuBudgetPct: o.cpuBudgetPct, nofile,
        maxPerProcess: measured, cpu, rss, fds,
      });
      out(
        `sizing, ${reps} replica(s)/master, ${name}: ${o.fleet} masters × ${o.sentinelsPerMaster} sentinels; a process holds ≤ ` +
          `${s.mastersPerProcessByFds} by LimitNOFILE, ≤ ${measured} as measured; the box ≤ ${s.mastersPerBoxByCpu} at ${o.cpuBudgetPct} % CPU → ` +
          `${s.groups} groups of ${o.sentinelsPerMaster} × ${s.mastersPerProcess} masters = ${s.processes} Argus processes, ` +
          `${s.processesPerBox}/box on ${s.boxes} boxes (each ~${s.cpuPctPerProcess.toFixed(0)} % of a core, ~${s.rssPerProcessMiB.toFixed(0)} MiB)`,
      );
      return { box: name, cores, nofile, ...s };
    });
  }
  return { fits, sizing };
}

export async function run(args: string[] = []): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(args);
  } catch (e) {
    process.stderr.write(`fleet-sim: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (o.report) {
    const saved = JSON.parse(readFileSync(o.report, 'utf8')) as { options: Options; steps: StepResult[] };
    out(`from ${o.report}: steps ${saved.steps.map(label).join(', ')}, seed ${saved.options.seed}`);
    report({ ...o, quietS: saved.options.quietS, faultPct: saved.options.faultPct, downAfter: saved.options.downAfter }, saved.steps);
    return;
  }
  out(
    `steps ${o.steps.map((s) => `${s.masters}×${s.replicas}`).join(', ')}; down-after ${o.downAfter} ms, Sentinel's default periods, quorum 2 ` +
      `(one Argus: no failover); quiet ${o.quietS} s; fault ${o.faultPct} %; simulated instances on 127.${o.octet}.x.y:${o.port}; ` +
      `ulimit -n ${nofileSoftLimit()}; seed ${o.seed}`,
  );
  if (o.logs) mkdirSync(o.logs, { recursive: true });
  let status = 'starting';
  const progress = new Progress(() => status).start();
  const results: StepResult[] = [];
  try {
    for (const [i, step] of o.steps.entries()) {
      const instances = step.masters * (1 + step.replicas);
      const need = 2 * instances + 100;
      if (need > o.nofile) {
        progress.note(`${step.masters}×${step.replicas}: skipped — Argus would need ~${need} descriptors, LimitNOFILE here is ${o.nofile}`);
        continue;
      }
      if (o.maxLoad !== null) {
        const until = performance.now() + 600_000;
        while (loadavg()[0]! > o.maxLoad && performance.now() < until) {
          status = `[${i + 1}/${o.steps.length}] waiting for the load average (${loadavg()[0]!.toFixed(1)}) to fall to ${o.maxLoad}`;
          await sleep(1000);
        }
      }
      try {
        results.push(
          await runStep({
            ...step,
            downAfter: o.downAfter, quietS: o.quietS, settleS: o.settleS, faultPct: o.faultPct, mastersCalls: o.mastersCalls,
            discoveryTimeoutS: o.discoveryTimeoutS ?? Math.ceil(60 + instances / 100),
            perProcess: o.perProcess, port: o.port, octet: o.octet, shards: o.shards, seed: o.seed + i * 7919, logs: o.logs,
            note: (t) => progress.note(t),
            status: (t) => (status = `[${i + 1}/${o.steps.length}] ${t}`),
          }),
        );
      } catch (e) {
        progress.note(`${step.masters}×${step.replicas}: failed: ${(e as Error).message}`);
      }
    }
  } finally {
    progress.stop();
    await reapAll();
  }
  const derived = report(o, results);
  if (o.json) {
    writeFileSync(o.json, JSON.stringify({ bench: 'fleet-sim', options: o, cores: availableParallelism(), steps: results, ...derived }, null, 1));
    out(`written to ${o.json}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
