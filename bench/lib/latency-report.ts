/**
 * What a sentinel-groups run prints and writes: latency tables per fault kind (p50/p90/p99/max
 * of fault → `+sdown`, `+odown`, `+switch-master`), false positives of the blips, counts of
 * everything odd, where an election's time goes, CPU and RSS of every sentinel process, the
 * Argus/redis-sentinel ratios; a JSON file with every raw time; an SVG chart of the CDFs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { cdfSvg, type CdfPanel } from './chart.js';
import { isOutage, type FaultKind, type LatencyKind } from './faults.js';
import { IMPL_NAME, type Impl } from './monitors.js';
import { FLAP_MS, type Family, type Fault, type GroupsRun, type Oddity, type Traffic, type Usage } from './sentinel-groups.js';
import { fmt, max, min, percentile, ratio, spread, table } from './stats.js';

export interface ReportOptions {
  bench: string;
  json: string | null;
  chart: string | null;
  /** issue 5's targets: Argus's switch overshoot as a fraction of redis-sentinel's, per kind */
  targets?: Partial<Record<FaultKind, number>>;
  /** 'log' (default): ms past down-after on a log axis; 'linear': ms from the fault */
  chartScale?: 'log' | 'linear';
}

const KIND_TEXT: Record<LatencyKind, string> = {
  hang: 'SIGSTOP; SIGCONT once closed',
  kill: 'SIGKILL; restarted empty once closed',
  drop: 'CLIENT KILL TYPE normal + pubsub on the master: every sentinel link reset',
  stall: 'SIGSTOP, then SIGCONT before down-after',
};
const COLOR: Record<Impl, string> = { argus: '#1f77b4', redis: '#d62728' };
const DASH: Record<FaultKind, string | undefined> = { hang: undefined, kill: '7 4' };

type Stage = 'sdown' | 'odown' | 'switch';
const STAGE_LABEL: Record<Stage, string> = {
  sdown: '+sdown (each sentinel)',
  odown: '+odown (first sentinel)',
  switch: '+switch-master (last sentinel)',
};

const quantiles = (xs: readonly number[]) => ({
  n: xs.length, min: min(xs), p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: max(xs),
});

/** Every figure of a run that the tables, the JSON summary and the chart share. */
function figures(run: GroupsRun) {
  const injected = run.faults.filter((f) => Number.isFinite(f.at));
  const of = (impl: Impl, kind: LatencyKind) => injected.filter((f) => f.impl === impl && f.kind === kind);
  const switchedAll = (f: Fault) => f.seen.every((x) => x.switchAt !== undefined);
  const done = (f: Fault) => !f.failed && switchedAll(f);
  const firstOdown = (f: Fault) => min(f.seen.filter((x) => x.odownAt !== undefined).map((x) => x.odownAt!));
  const samples = (impl: Impl, kind: LatencyKind, stage: Stage): number[] => {
    const fs = of(impl, kind);
    switch (stage) {
      case 'sdown': return fs.flatMap((f) => f.seen.filter((x) => x.sdownAt !== undefined).map((x) => x.sdownAt! - f.at));
      case 'odown': return fs.map((f) => firstOdown(f) - f.at).filter(Number.isFinite);
      case 'switch': return fs.filter(done).map((f) => max(f.seen.map((x) => x.switchAt!)) - f.at);
    }
  };
  /** how many samples a stage would have if nothing were missed */
  const expected = (impl: Impl, kind: LatencyKind, stage: Stage) => of(impl, kind).length * (stage === 'sdown' ? run.o.sentinels : 1);
  const stages: Stage[] = run.expectFailover ? ['sdown', 'odown', 'switch'] : ['sdown', 'odown'];
  return { injected, of, done, samples, expected, stages, firstOdown };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
/** marginal CPU per master: above the same monitor with no master at all */
const usPerMaster = (u: Usage | undefined, fam: Family, masters: number) => (u && fam.idle ? (((u.pct - fam.idle.cpuPct) / 100) * 1e6) / masters : Number.NaN);
const kbPerMaster = (u: Usage | undefined, fam: Family, masters: number) => (u && fam.idle ? (u.rssKiB - fam.idle.rssKiB) / masters : Number.NaN);

export function describe(run: GroupsRun): string[] {
  const { o } = run;
  const r = `${o.replicas} replica${o.replicas === 1 ? '' : 's'}`;
  return [
    `${o.masters} masters × ${r} per monitor, ${o.sentinels} sentinel${o.sentinels > 1 ? 's' : ''} each (quorum ${o.quorum}), ` +
      `down-after ${o.downAfter} ms, failover-timeout ${o.failoverTimeout} ms` + (o.argusPingPeriod !== null ? `, argus-ping-period ${o.argusPingPeriod} ms` : ''),
    `${Math.round(run.faults.length / Math.max(1, run.families.length))} faults per monitor (${o.kinds.join(', ')}), ${o.simultaneous > 0 ? `${o.simultaneous} groups at once per round` : `${o.parallel} at a time per monitor`}, ` +
      `random 0–999 ms phase, seed ${o.seed}; ${availableParallelism()} cores, node ${process.version}`,
  ];
}

export function report(run: GroupsRun, ro: ReportOptions): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const { o, families } = run;
  const impls = families.map((f) => f.impl);
  const both = impls.length === 2;
  const fig = figures(run);
  const { injected, of, samples, expected } = fig;

  for (const fam of families) for (const e of fam.exited) out(`WARNING: ${IMPL_NAME[fam.impl]} ${e.split('\n')[0]} exited during the run; its log ends:\n${e}`);
  out('');
  out(`fault phase ${fmt(run.faultPhaseS, 1)} s, whole run ${fmt(run.totalS, 1)} s; sentinels settled in ${fmt(run.settleMs)} ms`);

  // Latency per outage kind: one row per stage and monitor, ratios on the overshoot.
  for (const kind of o.kinds.filter(isOutage)) {
    out('');
    out(`${kind} (${KIND_TEXT[kind]}): ms from the fault to the event` + (both ? `; ratio = argus/redis-sentinel of the time past down-after (${o.downAfter} ms)` : ''));
    const rows: string[][] = [];
    for (const stage of fig.stages) {
      for (const impl of impls) {
        const q = quantiles(samples(impl, kind, stage));
        rows.push([STAGE_LABEL[stage], IMPL_NAME[impl], `${q.n}/${expected(impl, kind, stage)}`, fmt(q.min), fmt(q.p50), fmt(q.p90), fmt(q.p99), fmt(q.max)]);
      }
      if (both) {
        const a = quantiles(samples('argus', kind, stage).map((x) => x - o.downAfter));
        const b = quantiles(samples('redis', kind, stage).map((x) => x - o.downAfter));
        rows.push(['', 'ratio', '', ratio(a.min, b.min), ratio(a.p50, b.p50), ratio(a.p90, b.p90), ratio(a.p99, b.p99), ratio(a.max, b.max)]);
      }
    }
    table(['stage', 'monitor', 'n', 'min', 'p50', 'p90', 'p99', 'max'], rows);
    const failed = impls.map((impl) => `${IMPL_NAME[impl]} ${of(impl, kind).filter((f) => f.failed).length}/${of(impl, kind).length}`);
    out(`failed (${run.expectFailover ? '+switch-master' : '+odown'} missing on a sentinel within ${o.boundMs} ms): ${failed.join(', ')}`);
    const target = ro.targets?.[kind];
    if (target !== undefined && both) {
      const a = samples('argus', kind, 'switch').map((x) => x - o.downAfter);
      const b = samples('redis', kind, 'switch').map((x) => x - o.downAfter);
      const verdict = (p: number) => {
        const x = percentile(a, p);
        const y = percentile(b, p);
        if (!Number.isFinite(x) || !Number.isFinite(y) || y <= 0) return `p${p} n/a`;
        return `p${p} ${fmt((100 * x) / y)} % (${fmt(x)} vs ${fmt(y)} ms) ${x <= target * y ? 'met' : 'NOT met'}`;
      };
      out(`target (issue 5): argus switch overshoot ≤ ${target * 100} % of redis-sentinel's: ${verdict(50)}; ${verdict(99)}`);
    }
  }

  // Blips: what must not happen.
  const blips = o.kinds.filter((k) => !isOutage(k));
  if (blips.length) {
    out('');
    out(`blips (${blips.map((k) => `${k}: ${k === 'stall' ? `SIGSTOP for ${o.stallMs} ms` : 'CLIENT KILL of every sentinel link'}`).join('; ')}), ` +
      `watched until down-after + 1 s after the blip and until the group is whole: every +sdown / +odown / +switch-master of the master is a false positive`);
    const rows: string[][] = [];
    const drops = blips.includes('drop');
    for (const kind of blips) {
      for (const impl of impls) {
        const fs = of(impl, kind);
        const any = (key: 'sdownAt' | 'odownAt' | 'switchAt') => fs.filter((f) => f.seen.some((x) => x[key] !== undefined)).length;
        const relink = fs.map((f) => f.relinkMs).filter((x): x is number => typeof x === 'number');
        const noRelink = fs.filter((f) => f.relinkMs === null).length;
        const row = [
          kind, IMPL_NAME[impl], String(fs.length), `${any('sdownAt')}/${fs.length}`, String(fs.reduce((n, f) => n + f.seen.filter((x) => x.sdownAt !== undefined).length, 0)),
          String(any('odownAt')), String(any('switchAt')),
        ];
        if (drops) row.push(...(kind === 'drop' ? [fmt(percentile(relink, 50)), fmt(percentile(relink, 99)), fmt(max(relink)), String(noRelink)] : []));
        rows.push(row);
      }
    }
    table(['kind', 'monitor', 'faults', 'false +sdown', 'sentinels', '+odown', '+switch', ...(drops ? ['relink p50', 'p99', 'max', 'not relinked'] : [])], rows);
    out('false +sdown: faults where some sentinel declared the master down (sentinels: how many +sdown in all)' + (drops
      ? `; relink: ms from the CLIENT KILL until every sentinel link is back (CLIENT LIST, polled every 10 ms; "not relinked" within ${o.downAfter + 1000} ms).`
      : '.'));
  }

  // Counts.
  out('');
  const countRows = impls.map((impl) => {
    const fam = families.find((f) => f.impl === impl)!;
    const fs = injected.filter((f) => f.impl === impl);
    const ph = (ch: string) => {
      const xs = fam.phantoms.filter((p) => p.channel === ch);
      const early = xs.filter((p) => p.phase !== 'faults' && p.phase !== 'last recoveries').length;
      return early ? `${xs.length} (${early} at start-up)` : String(xs.length);
    };
    const abortKinds = new Map<string, number>();
    for (const a of fam.aborts) abortKinds.set(a.channel, (abortKinds.get(a.channel) ?? 0) + 1);
    return [
      IMPL_NAME[impl], String(fs.length), String(fs.filter((f) => f.failed).length),
      String(fs.filter((f) => f.seen.some((x) => x.switches > 1)).length), String(fs.filter((f) => f.seen.filter((x) => x.electedAt !== undefined).length > 1).length),
      ph('+sdown'), ph('+odown'), ph('+try-failover'), ph('+elected-leader'), ph('+switch-master'),
      fam.aborts.length ? `${fam.aborts.length} (${[...abortKinds].map(([k, v]) => `${k} ${v}`).join(', ')})` : '0',
      String(fam.tilts.length), String(fam.flaps.length), String(fs.filter((f) => f.recovery !== undefined).length),
    ];
  });
  table(
    ['monitor', 'faults', 'failed', 'doubled switch', 'two leaders', 'phantom +sdown', '+odown', '+try-failover', '+elected-leader', '+switch-master', 'aborted', '+tilt', 'sdown flaps', 'not recovered'],
    countRows,
  );
  out('doubled switch: a sentinel switched twice for one fault; phantom: the event about a master that was not faulted (counted over all sentinels);');
  out(`aborted: every -failover-abort-*; sdown flaps: +sdown of any instance withdrawn by the same sentinel within ${FLAP_MS} ms.`);

  if (run.expectFailover && injected.some((f) => isOutage(f.kind))) electionStages(run, fig, impls);

  // CPU and RSS of every sentinel process.
  out('');
  const resRows: string[][] = [];
  const famMean = (fam: Family, pick: (u: Usage) => number, which: 'quiet' | 'faultPhase') => mean(fam[which].map(pick));
  for (const fam of families) {
    fam.quiet.forEach((q, s) => {
      const f = fam.faultPhase[s];
      resRows.push([
        `${IMPL_NAME[fam.impl]} #${s}`, fmt(q.pct, 2), fmt(f?.pct, 2), fmt(q.rssKiB / 1024, 1), fmt((f?.rssKiB ?? NaN) / 1024, 1),
        fmt(usPerMaster(q, fam, o.masters), 1), fmt(kbPerMaster(q, fam, o.masters), 1),
      ]);
    });
  }
  const avg = (fam: Family) => ({
    q: famMean(fam, (u) => u.pct, 'quiet'), f: famMean(fam, (u) => u.pct, 'faultPhase'), rq: famMean(fam, (u) => u.rssKiB, 'quiet'), rf: famMean(fam, (u) => u.rssKiB, 'faultPhase'),
    us: mean(fam.quiet.map((u) => usPerMaster(u, fam, o.masters))), kb: mean(fam.quiet.map((u) => kbPerMaster(u, fam, o.masters))),
  });
  if (both) {
    const [a, b] = [avg(families.find((f) => f.impl === 'argus')!), avg(families.find((f) => f.impl === 'redis')!)];
    resRows.push(['ratio argus/redis (means)', ratio(a.q, b.q), ratio(a.f, b.f), ratio(a.rq, b.rq), ratio(a.rf, b.rf), ratio(a.us, b.us), ratio(a.kb, b.kb)]);
  }
  table(['process', 'CPU % quiet', 'CPU % faults', 'RSS MiB quiet', 'RSS MiB end', 'µs CPU/master/s', 'KB/master'], resRows);
  const idle = families.map((f) => `${IMPL_NAME[f.impl]} ${fmt(f.idle?.cpuPct, 2)} % CPU, ${fmt((f.idle?.rssKiB ?? NaN) / 1024, 1)} MiB`).join('; ');
  out(`CPU % of one core (all threads) over the ${o.quietS} s quiet window and the fault phase; with no master at all: ${idle}.`);
  out('µs CPU/master/s = (quiet − no-master CPU) / masters; KB/master = (quiet − no-master RSS) / masters; RSS end = after the fault phase.');
  for (const fam of families) {
    const rate = (list: (Traffic | null)[]) => {
      const known = list.filter((x): x is Traffic => x !== null);
      if (known.length === 0) return null;
      const m = (pick: (t: Traffic) => number) => fmt(mean(known.map(pick)), 1);
      return `${m((t) => t.batchesPerS)} batches/s (${m((t) => t.batchBytesPerS)} B/s), ${m((t) => t.callsPerS)} calls/s`;
    };
    const q = rate(fam.quietTraffic);
    if (q) out(`${IMPL_NAME[fam.impl]} messages between threads, mean per process: quiet ${q}; fault phase ${rate(fam.faultTraffic) ?? '–'}.`);
  }

  for (const fam of families) {
    const ev = [...fam.counts].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    out(`${IMPL_NAME[fam.impl]} events: ${ev || 'none'}`);
  }
  const line = (e: Oddity) => `${IMPL_NAME[e.impl]} #${e.sentinel} ${e.channel} ${e.payload} (${fmt((e.at - run.t0) / 1000, 2)} s, phase ${e.phase})`;
  const oddities = families.flatMap((fam) => [...fam.phantoms, ...fam.aborts, ...fam.tilts]).sort((x, y) => x.at - y.at);
  for (const e of oddities.slice(0, 20)) out(`odd: ${line(e)}`);
  if (oddities.length > 20) out(`... ${oddities.length - 20} more (all in the JSON)`);
  for (const fam of families) {
    if (!fam.flaps.length) continue;
    const kinds = new Map<string, number>();
    for (const e of fam.flaps) {
      const k = `${e.payload.split(' ')[0]} ${e.phase === 'faults' || e.phase === 'last recoveries' ? 'during faults' : 'at start-up'}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    out(`${IMPL_NAME[fam.impl]} sdown flaps: ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}; e.g. ${line(fam.flaps[0]!)}`);
  }
  for (const f of injected.filter((x) => x.recovery !== undefined)) out(`not recovered: ${f.group} after ${f.kind} of ${f.port}: ${f.recovery}`);

  if (ro.json) {
    writeFile(ro.json, JSON.stringify(jsonOf(run, ro, fig, oddities), null, 1));
    out(`raw samples and summary written to ${ro.json}`);
  }
  if (ro.chart) {
    writeFile(ro.chart, chartOf(run, fig, ro.chartScale ?? 'log'));
    out(`chart written to ${ro.chart}`);
  }
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Where the time of a completed failover goes, and what Sentinel's random desync costs. */
function electionStages(run: GroupsRun, fig: ReturnType<typeof figures>, impls: Impl[]): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const leader = (f: Fault) => f.seen.find((x) => x.electedAt !== undefined);
  const firstSdown = (f: Fault) => min(f.seen.filter((x) => x.sdownAt !== undefined).map((x) => x.sdownAt!));
  const switchMs = (f: Fault) => max(f.seen.map((x) => x.switchAt!)) - f.at;
  out('');
  out('election stages of completed failovers, ms (leader = the sentinel that published +elected-leader)');
  const stages: [string, (f: Fault) => number][] = [
    ['fault → first +sdown', (f) => firstSdown(f) - f.at],
    ['first +sdown → first +odown', (f) => fig.firstOdown(f) - firstSdown(f)],
    ['first +odown → leader\'s +odown', (f) => (leader(f)?.odownAt ?? NaN) - fig.firstOdown(f)],
    ['leader: +odown → +try-failover', (f) => (leader(f)?.tryAt ?? NaN) - (leader(f)?.odownAt ?? NaN)],
    ['leader: +try-failover → +elected-leader', (f) => (leader(f)?.electedAt ?? NaN) - (leader(f)?.tryAt ?? NaN)],
    ['+elected-leader → leader\'s +switch-master', (f) => (leader(f)?.switchAt ?? NaN) - (leader(f)?.electedAt ?? NaN)],
    ['leader\'s → last +switch-master', (f) => max(f.seen.map((x) => x.switchAt!)) - (leader(f)?.switchAt ?? NaN)],
    // how far apart the sentinels act: Sentinel's only guard against split votes
    ['+sdown spread (last − first, ≥ 2 seen)', (f) => spread(f.seen.map((x) => x.sdownAt))],
    ['+try-failover spread (≥ 2 candidates)', (f) => spread(f.seen.map((x) => x.tryAt))],
  ];
  const completed = (impl: Impl) => fig.injected.filter((f) => f.impl === impl && isOutage(f.kind) && fig.done(f));
  const rows: string[][] = [];
  for (const [label, metric] of stages) {
    for (const impl of impls) {
      const xs = completed(impl).map(metric).filter(Number.isFinite);
      rows.push([label, IMPL_NAME[impl], String(xs.length), fmt(min(xs)), fmt(percentile(xs, 50)), fmt(percentile(xs, 99)), fmt(max(xs))]);
    }
  }
  table(['stage', 'monitor', 'n', 'min', 'p50', 'p99', 'max'], rows);
  for (const impl of impls) {
    const fs = completed(impl);
    const cand = fs.map((f) => f.seen.filter((x) => x.tryAt !== undefined).length);
    const hist = Array.from({ length: run.o.sentinels }, (_, i) => `${i + 1}: ${cand.filter((c) => c === i + 1).length}`).join(', ');
    out(`${IMPL_NAME[impl]}: sentinels that published +try-failover per fault (${hist}); no leader seen in ${fs.filter((f) => !leader(f)).length}`);
    // A first election that ends with every candidate aborting costs 2 × failover-timeout:
    // the retry waits that long after the first start (plus Sentinel's random 0–999 ms).
    const lost = fs.filter((f) => f.seen.some((x) => x.aborts.length > 0));
    out(
      `${IMPL_NAME[impl]}: failovers with an aborted election ${lost.length}/${fs.length}` +
        (lost.length ? ` (their switch p50 ${fmt(percentile(lost.map(switchMs), 50))} ms, the others' ${fmt(percentile(fs.filter((f) => !lost.includes(f)).map(switchMs), 50))} ms)` : ''),
    );
  }
}

function jsonOf(run: GroupsRun, ro: ReportOptions, fig: ReturnType<typeof figures>, oddities: Oddity[]) {
  const { o, families } = run;
  const rel = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? null : +(t - run.t0).toFixed(3));
  const summary = Object.fromEntries(
    families.map((fam) => [
      fam.impl,
      Object.fromEntries(
        o.kinds.map((kind) => {
          const fs = fig.of(fam.impl, kind);
          if (!isOutage(kind)) {
            return [kind, {
              faults: fs.length, falseSdown: fs.filter((f) => f.seen.some((x) => x.sdownAt !== undefined)).length,
              falseOdown: fs.filter((f) => f.seen.some((x) => x.odownAt !== undefined)).length,
              falseSwitch: fs.filter((f) => f.seen.some((x) => x.switchAt !== undefined)).length,
              relinkMs: kind === 'drop' ? quantiles(fs.map((f) => f.relinkMs).filter((x): x is number => typeof x === 'number')) : null,
            }];
          }
          return [kind, {
            faults: fs.length, failed: fs.filter((f) => f.failed).length,
            ...Object.fromEntries(fig.stages.map((st) => [st, { ...quantiles(fig.samples(fam.impl, kind, st)), expected: fig.expected(fam.impl, kind, st) }])),
          }];
        }),
      ),
    ]),
  );
  const perMaster = (fam: Family) => fam.quiet.map((u) => ({ usCpuPerMasterS: usPerMaster(u, fam, o.masters), kbPerMaster: kbPerMaster(u, fam, o.masters) }));
  return {
    bench: ro.bench,
    options: o,
    describe: describe(run),
    note: 'times in ms since the bench started (performance.now()); summary stages: sdown = fault → each sentinel\'s +sdown, odown = → first +odown, switch = → last +switch-master',
    settleMs: run.settleMs, faultPhaseS: run.faultPhaseS, totalS: run.totalS,
    summary,
    processes: Object.fromEntries(
      families.map((fam) => [fam.impl, {
        idle: fam.idle, quiet: fam.quiet, faultPhase: fam.faultPhase, perMaster: perMaster(fam), pids: fam.mons.map((m) => m.pid),
        quietTraffic: fam.quietTraffic, faultTraffic: fam.faultTraffic,
      }]),
    ),
    events: Object.fromEntries(families.map((fam) => [fam.impl, Object.fromEntries(fam.counts)])),
    faults: run.faults.map((f) => ({
      ...f, at: rel(f.at), endAt: rel(f.endAt), closedAt: rel(f.closedAt), recoveredAt: rel(f.recoveredAt), readyAt: rel(f.readyAt),
      seen: f.seen.map((x) => ({ ...x, sdownAt: rel(x.sdownAt), odownAt: rel(x.odownAt), tryAt: rel(x.tryAt), electedAt: rel(x.electedAt), switchAt: rel(x.switchAt) })),
    })),
    oddities: oddities.map((e) => ({ ...e, at: rel(e.at) })),
    flaps: families.flatMap((fam) => fam.flaps).map((e) => ({ ...e, at: rel(e.at) })),
  };
}

function chartOf(run: GroupsRun, fig: ReturnType<typeof figures>, scale: 'log' | 'linear'): string {
  const { o, families } = run;
  const outages = o.kinds.filter(isOutage);
  // on a log axis the time past down-after: a 5 ms and a 100 ms overshoot are far apart there,
  // while 1005 and 1100 ms from the fault would sit side by side
  const shift = scale === 'log' ? o.downAfter : 0;
  const panels: CdfPanel[] = fig.stages.map((stage) => ({
    title: `fault → ${STAGE_LABEL[stage]}`,
    series: families.flatMap((fam) =>
      outages.map((kind) => ({
        label: `${IMPL_NAME[fam.impl]} ${kind}`, values: fig.samples(fam.impl, kind, stage).map((x) => x - shift), color: COLOR[fam.impl], dash: DASH[kind],
      })),
    ),
  }));
  const notes = o.kinds.filter((k) => !isOutage(k)).map((kind) =>
    `${kind === 'stall' ? `stall (SIGSTOP ${o.stallMs} ms)` : 'drop (CLIENT KILL of the sentinel links)'}: false +sdown in ` +
      families.map((fam) => {
        const fs = fig.of(fam.impl, kind);
        return `${IMPL_NAME[fam.impl]} ${fs.filter((f) => f.seen.some((x) => x.sdownAt !== undefined)).length}/${fs.length} faults`;
      }).join(', ') +
      (kind === 'drop'
        ? `; every link back after p50 / max ${families.map((fam) => {
          const ms = fig.of(fam.impl, kind).map((f) => f.relinkMs).filter((x): x is number => typeof x === 'number');
          return `${fmt(percentile(ms, 50))} / ${fmt(max(ms))} ms (${IMPL_NAME[fam.impl]})`;
        }).join(', ')}`
        : ''),
  );
  return cdfSvg({
    title: `Fault → event latency: ${families.map((f) => (f.impl === 'argus' ? 'Argus' : IMPL_NAME[f.impl])).join(' vs ')}`,
    subtitle: describe(run),
    xLabel: scale === 'log' ? `ms past down-after (fault + ${o.downAfter} ms), log scale; ≤ 1 ms drawn at 1` : `ms from the fault (down-after ${o.downAfter} ms)`,
    xScale: scale,
    panels,
    notes: [...notes, 'Solid: hang (SIGSTOP); dashed: kill (SIGKILL). Each curve: share of samples at or below x ms.'],
  });
}
