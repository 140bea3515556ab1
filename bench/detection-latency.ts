/**
 * How late after `down-after-milliseconds` does a monitor publish `+sdown` for a master that
 * hangs (SIGSTOP) or dies (SIGKILL)? Argus and Debian's redis-sentinel watch the same fleet of
 * real redis-server processes side by side, in the same run, each with its own config
 * (`sentinel monitor m<i> 127.0.0.1 <port> 1`, same down-after). One raw `PSUBSCRIBE *`
 * connection per monitor timestamps events in this process with performance.now().
 *
 *   npm run bench -- detection [--masters N] [--replicas R] [--down-after MS] [--faults K]
 *     [--argus-ping-period MS] [--duration S] [--parallel P] [--quiet S] [--only argus|redis]
 *     [--seed N] [--json PATH] [--logs DIR]
 *
 * Phases: each monitor alone with no master (idle CPU and RSS) → fleet up (masters, then
 * replicas with --replicaof, until every replica is online) → both monitors started at once,
 * discovery time = spawn until `INFO sentinel` lists every master `status=ok` with all its
 * replicas → the monitors find each other (hellos; bounded wait) → any TILT ends (bounded) → quiet
 * window (no faults): CPU (all threads, from schedstat) and RSS of each monitor → faults: up to P
 * workers each pick a random master nobody is faulting and no monitor holds SDOWN, wait a random
 * 0–1000 ms phase, hang or kill it, wait for `+sdown master m<i>` from each monitor (a miss after
 * 10 × down-after), recover it (SIGCONT, or a restart on the same port), and wait for `-sdown`
 * from each monitor that reported it (a master still SDOWN after 10 × down-after + 5 s is taken
 * out of the draw).
 *
 *   overshoot = (+sdown receive time − fault time) − down-after
 *
 * For kills redis-sentinel counts from its first reconnect attempt (the PING it queues on the
 * new, not yet connected link stamps act_ping_time), so its overshoot stays ≥ 0 there; a monitor
 * that counts a refused link from the last reply (before the fault) shows a negative one.
 *
 * False events: `+sdown` for a replica, a peer sentinel, or a master outside its fault window;
 * any `+tilt`. --faults K stops after K faults (default 20, an even hang/kill mix); --duration S
 * stops starting new faults after S seconds (default 300; with --duration alone, faults go on until
 * then). Everything started is killed and every temp dir removed on exit, Ctrl-C included.
 */
import { intFlag, stringFlags } from './lib/flags.js';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultPlan, FAULT_KINDS, injectFault, recoverFault, rng, type FaultKind } from './lib/faults.js';
import { Fleet, sleep, type FleetMaster } from './lib/fleet.js';
import { availableImpls, EventStream, idleBaseline, IMPL_NAME, parseInfoSentinel, slowCall, startMonitor, waitDiscovery, type Impl, type Monitor, type SentinelEvent } from './lib/monitors.js';
import { CpuWindow, nofileLimits, rssKiB } from './lib/procstat.js';
import { Progress } from './lib/progress.js';
import { reapAll } from './lib/reaper.js';
import { fmt, percentile, ratio, table } from './lib/stats.js';
import { Waiter } from './lib/waiter.js';
import { RawClient } from '../test/helpers/raw-client.js';

interface Options {
  masters: number;
  replicas: number;
  downAfter: number;
  faults: number;
  argusPingPeriod: number | null;
  durationS: number;
  parallel: number;
  quietS: number;
  impls: Impl[];
  seed: number;
  json: string | null;
  logs: string | null;
}

const USAGE =
  'detection [--masters N=10] [--replicas R=1] [--down-after MS=1000] [--faults K=20] [--argus-ping-period MS]\n' +
  '          [--duration S=300] [--parallel P=3] [--quiet S=5] [--only argus|redis] [--seed N] [--json PATH] [--logs DIR]';

function parseOptions(args: string[]): Options {
  const values = stringFlags(args, ['masters', 'replicas', 'down-after', 'faults', 'argus-ping-period', 'duration', 'parallel', 'quiet', 'only', 'seed', 'json', 'logs'], USAGE);
  const int = intFlag(USAGE);
  const masters = int('masters', values.masters, 10, 1, 1000);
  const durationGiven = values.duration !== undefined;
  const faults = int('faults', values.faults, durationGiven ? 1_000_000 : 20, 0, 1_000_000);
  const only = values.only;
  if (only !== undefined && only !== 'argus' && only !== 'redis') throw new Error(`--only must be argus or redis\n${USAGE}`);
  return {
    masters,
    replicas: int('replicas', values.replicas, 1, 0, 5),
    downAfter: int('down-after', values['down-after'], 1000, 50, 600_000),
    faults,
    argusPingPeriod: values['argus-ping-period'] === undefined ? null : int('argus-ping-period', values['argus-ping-period'], 0, 1, 60_000),
    durationS: int('duration', values.duration, 300, 1, 86_400),
    parallel: int('parallel', values.parallel, Math.max(1, Math.min(3, Math.floor(masters / 2))), 1, masters),
    quietS: int('quiet', values.quiet, 5, 1, 3600),
    impls: only ? [only] : ['argus', 'redis'],
    seed: int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    json: values.json ?? null,
    logs: values.logs ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

interface Detection {
  sdownAt?: number;
  /** true when +sdown came after the miss deadline */
  late?: boolean;
  odownAt?: number;
  unSdownAt?: number;
}

interface Fault {
  id: number;
  master: string;
  port: number;
  kind: FaultKind;
  phaseMs: number;
  at: number;
  recoveredAt?: number;
  deadline: number;
  res: Partial<Record<Impl, Detection>>;
  /** monitors that still held SDOWN when the fault was closed */
  stuck: Impl[];
}

interface FalseEvent {
  impl: Impl;
  at: number;
  phase: string;
  channel: string;
  payload: string;
}

interface MonitorRun {
  mon: Monitor;
  stream: EventStream | null;
  idleRssKiB: number;
  idleCpuPct: number;
  discoveryMs: number | null;
  discovered: number;
  peersMs: number | null;
  quiet?: { cpuS: number; wallS: number; pct: number; rssKiB: number };
  faultPhase?: { cpuS: number; wallS: number; pct: number; rssKiB: number };
  counts: Map<string, number>;
  tilts: { at: number; phase: string; payload: string }[];
  /** `+tilt` lines in the monitor's log: a monitor that stalls at start-up enters TILT before it serves our PSUBSCRIBE */
  tiltsInLog: number;
  /** masters this monitor holds SDOWN right now */
  sdown: Set<string>;
}

/** Options and the open-files check; throws with a message meant for the user. */
function prepare(args: string[]): { o: Options; monitorNofile: number; soft: number } {
  const o = parseOptions(args);
  const instances = o.masters * (1 + o.replicas);

  // File descriptors: this process holds one listener per fleet port while allocating them; each
  // monitor holds two links per instance plus peers and clients. Node raises its own soft limit to
  // the hard one at start-up, so in practice only the hard limit can be too low.
  const { soft, hard } = nofileLimits();
  const benchNeed = instances + 256;
  const monitorNeed = 2 * instances + o.masters + 256;
  const what = `${instances} redis-server (${o.masters} masters, ${o.replicas} replicas each)`;
  if (monitorNeed > hard) {
    throw new Error(
      `ulimit -Hn (the hard limit on open files) is ${hard}, but to watch ${what} each monitor needs about ${monitorNeed}. ` +
        `Raise the hard limit (as root: ulimit -Hn ${monitorNeed}, or nofile in /etc/security/limits.conf) or use fewer masters/replicas.`,
    );
  }
  if (benchNeed > soft) {
    throw new Error(`ulimit -n is ${soft}, but for ${what} the bench process needs about ${benchNeed} open files. Run 'ulimit -n ${Math.max(benchNeed, monitorNeed)}' first (hard limit ${hard}).`);
  }
  return { o, monitorNofile: monitorNeed > soft ? monitorNeed : 0, soft };
}

export async function run(args: string[] = []): Promise<void> {
  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare(args);
  } catch (e) {
    process.stderr.write(`detection: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const { o, monitorNofile, soft } = prepared;
  const avail = availableImpls(o.impls);
  if (avail.note) process.stdout.write(`note: ${avail.note}\n`);
  if (avail.impls.length === 0) {
    process.exitCode = 2;
    return;
  }
  o.impls = avail.impls;
  const random = rng(o.seed);
  const instances = o.masters * (1 + o.replicas);
  const both = o.impls.length === 2;

  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `masters ${o.masters}, replicas/master ${o.replicas} (${instances} redis-server), down-after-milliseconds ${o.downAfter}, ` +
      `argus-ping-period ${o.argusPingPeriod ?? 'default (1000)'}, faults ${o.faults >= 1_000_000 ? 'until --duration' : o.faults}, ` +
      `parallel ${o.parallel}, quiet window ${o.quietS} s, monitors ${o.impls.map((i) => IMPL_NAME[i]).join(' + ')}, seed ${o.seed}, ulimit -n ${soft}`,
  );

  let phase = 'setup';
  let fleet: Fleet | null = null;
  const runs = new Map<Impl, MonitorRun>();
  const mons: Monitor[] = [];
  const faults: Fault[] = [];
  const falseEvents: FalseEvent[] = [];
  const excluded = new Set<string>();
  const active = new Map<string, Fault>();
  const waiter = new Waiter();
  const wake = () => waiter.wake();
  const until = (pred: () => boolean, deadline: number) => waiter.until(pred, deadline);

  const onEvent = (impl: Impl) => (e: SentinelEvent) => {
    const r = runs.get(impl);
    if (!r) return;
    r.counts.set(e.channel, (r.counts.get(e.channel) ?? 0) + 1);
    if (e.channel === '+tilt') {
      r.tilts.push({ at: e.at, phase, payload: e.payload });
      falseEvents.push({ impl, at: e.at, phase, channel: e.channel, payload: e.payload });
      progress?.note(`${IMPL_NAME[impl]}: +tilt ${e.payload} (phase ${phase})`);
      return;
    }
    if (!['+sdown', '-sdown', '+odown', '-odown'].includes(e.channel)) return;
    const [type, name] = e.payload.split(' ');
    if (type !== 'master' || !name) {
      if (e.channel === '+sdown') falseEvents.push({ impl, at: e.at, phase, channel: e.channel, payload: e.payload });
      return;
    }
    const f = active.get(name);
    const d = f ? (f.res[impl] ??= {}) : null;
    switch (e.channel) {
      case '+sdown':
        r.sdown.add(name);
        if (d && d.sdownAt === undefined && f && e.at >= f.at) {
          d.sdownAt = e.at;
          d.late = e.at > f.deadline;
        } else falseEvents.push({ impl, at: e.at, phase, channel: e.channel, payload: e.payload });
        break;
      case '-sdown':
        r.sdown.delete(name);
        if (d && d.sdownAt !== undefined) d.unSdownAt = e.at;
        break;
      case '+odown':
        if (d && d.odownAt === undefined) d.odownAt = e.at;
        break;
    }
    wake();
  };

  // progress line
  let faultsStarted = 0;
  let faultsDone = 0;
  let discovering = new Map<Impl, number>();
  const detected = (impl: Impl) => faults.filter((f) => f.res[impl]?.sdownAt !== undefined && !f.res[impl]?.late).length;
  const misses = (impl: Impl) => faults.filter((f) => f.recoveredAt !== undefined && (f.res[impl]?.sdownAt === undefined || f.res[impl]?.late)).length;
  const progress: Progress | null = new Progress(() => {
    if (phase === 'discovery') return `discovery: ${o.impls.map((i) => `${IMPL_NAME[i]} ${discovering.get(i) ?? 0}/${o.masters}`).join(', ')} masters complete`;
    if (phase === 'faults') {
      const per = o.impls.map((i) => `${IMPL_NAME[i]} ${detected(i)} seen/${misses(i)} missed`).join(', ');
      return `faults ${faultsDone}/${o.faults >= 1_000_000 ? '∞' : o.faults} done, ${active.size} in flight; ${per}; false ${falseEvents.length}`;
    }
    return phase;
  }).start();

  try {
    // Idle RSS of each monitor, before anything else runs.
    phase = 'idle RSS and CPU of monitors with no master';
    const idle = new Map(await Promise.all(o.impls.map(async (impl) => [impl, await idleBaseline(impl)] as const)));

    // Fleet
    phase = 'starting fleet';
    const t0 = performance.now();
    fleet = await Fleet.start({ masters: o.masters, replicas: o.replicas, random, onProgress: (w) => (phase = w) });
    const fleetMs = performance.now() - t0;
    progress.note(`fleet up: ${instances} redis-server processes in ${(fleetMs / 1000).toFixed(1)} s`);
    const names = fleet.masters.map((m) => m.name);

    // Monitors, started together.
    phase = 'starting monitors';
    const config = (impl: Impl) =>
      fleet!.masters
        .map((m) =>
          `sentinel monitor ${m.name} 127.0.0.1 ${m.server.port} 1\nsentinel down-after-milliseconds ${m.name} ${o.downAfter}\n` +
          (impl === 'argus' && o.argusPingPeriod !== null ? `sentinel argus-ping-period ${m.name} ${o.argusPingPeriod}\n` : ''),
        )
        .join('');
    const readyTimeoutMs = 30_000 + 20 * o.masters;
    const discoveryTimeout = 20_000 + 20 * instances;
    discovering = new Map(o.impls.map((i) => [i, 0]));
    // Each monitor on its own: spawn, subscribe, poll discovery. A monitor that stalls (redis-
    // sentinel flushing its config once per discovered replica) must not delay the other's figures.
    await Promise.all(
      o.impls.map(async (impl) => {
        const mon = await startMonitor(impl, config(impl), { nofile: monitorNofile, readyTimeoutMs });
        mons.push(mon);
        const r: MonitorRun = {
          mon, stream: null, idleRssKiB: idle.get(impl)!.rssKiB, idleCpuPct: idle.get(impl)!.cpuPct, discoveryMs: null, discovered: 0, peersMs: null,
          counts: new Map(), tilts: [], tiltsInLog: 0, sdown: new Set(),
        };
        runs.set(impl, r);
        r.stream = await EventStream.open(mon.port, onEvent(impl));
        phase = 'discovery';
        const d = await waitDiscovery(mon, names, o.replicas, discoveryTimeout, o.masters > 100 ? 100 : 25, (n) => discovering.set(impl, n));
        r.discoveryMs = d.ms;
        r.discovered = d.found;
        progress.note(
          d.ms === null
            ? `${IMPL_NAME[impl]}: discovery INCOMPLETE after ${discoveryTimeout} ms (${d.found}/${o.masters} masters with all replicas)`
            : `${IMPL_NAME[impl]}: every master and replica discovered ${fmt(d.ms)} ms after spawn`,
        );
      }),
    );

    // With both monitors, wait (bounded) until each lists the other as a sentinel of every master:
    // the hello exchange and the config flushes it triggers are part of start-up, not steady state.
    if (both) {
      phase = 'peer discovery (hellos)';
      await Promise.all(
        [...runs.values()].map(async (r) => {
          const c = await RawClient.open(r.mon.port);
          const deadline = performance.now() + 10_000 + 10 * o.masters;
          try {
            for (;;) {
              const lines = parseInfoSentinel(await slowCall(c, 'INFO', 'sentinel'));
              if (names.every((n) => (lines.get(n)?.sentinels ?? 0) >= 2)) {
                r.peersMs = performance.now() - r.mon.spawnedAt;
                return;
              }
              if (performance.now() > deadline) return;
              await sleep(100);
            }
          } finally {
            c.close();
          }
        }),
      );
    }
    await sleep(1_000);

    // A monitor in TILT freezes SDOWN for 30 s: faults then would only measure the TILT. Wait
    // (bounded) until neither reports sentinel_tilt:1; the +tilt is still counted and reported.
    phase = 'waiting for TILT to end';
    const tiltDeadline = performance.now() + 45_000;
    for (const r of runs.values()) {
      const c = await RawClient.open(r.mon.port);
      try {
        while (/^sentinel_tilt:1\r?$/m.test(await slowCall(c, 'INFO', 'sentinel')) && performance.now() < tiltDeadline) {
          await sleep(250);
        }
      } finally {
        c.close();
      }
    }

    // Quiet window.
    phase = `quiet window (${o.quietS} s, no faults)`;
    const quietMeters = new Map([...runs].map(([impl, r]) => [impl, new CpuWindow(r.mon.pid).start()]));
    await sleep(o.quietS * 1000);
    for (const [impl, r] of runs) {
      const w = quietMeters.get(impl)!;
      r.quiet = { ...w.stop(), rssKiB: rssKiB(w.pids) };
    }

    // Faults.
    phase = 'faults';
    const plan = o.faults >= 1_000_000 ? null : faultPlan(o.faults, random);
    const missAfter = 10 * o.downAfter;
    const phaseMeters = new Map([...runs].map(([impl, r]) => [impl, new CpuWindow(r.mon.pid).start()]));
    const faultDeadline = performance.now() + o.durationS * 1000;
    const eligible = (m: FleetMaster) =>
      !active.has(m.name) && !excluded.has(m.name) && [...runs.values()].every((r) => !r.sdown.has(m.name));
    const worker = async () => {
      for (;;) {
        if (performance.now() > faultDeadline) return;
        if (plan && faultsStarted >= plan.length) return;
        const candidates = fleet!.masters.filter(eligible);
        if (candidates.length === 0) {
          if (excluded.size === fleet!.masters.length) return;
          await sleep(50);
          continue;
        }
        const m = candidates[Math.floor(random() * candidates.length)]!;
        const kind = plan ? plan[faultsStarted]! : FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
        faultsStarted++;
        const phaseMs = Math.floor(random() * 1000);
        // at = +∞ until the fault is done: an +sdown during the phase delay is a false event
        const f: Fault = { id: faults.length, master: m.name, port: m.server.port, kind, phaseMs, at: Infinity, deadline: Infinity, res: {}, stuck: [] };
        active.set(m.name, f);
        faults.push(f);
        await sleep(phaseMs);
        f.at = await injectFault(m.server, kind);
        f.deadline = f.at + missAfter;
        await until(() => o.impls.every((i) => f.res[i]?.sdownAt !== undefined), f.deadline);
        try {
          f.recoveredAt = await recoverFault(m.server, kind);
        } catch (e) {
          progress.note(`${m.name}: could not restart redis-server on port ${m.server.port} (${(e as Error).message}); taken out of the draw`);
          f.recoveredAt = performance.now();
          excluded.add(m.name);
        }
        await until(() => o.impls.every((i) => !runs.get(i)!.sdown.has(m.name)), f.recoveredAt + missAfter + 5_000);
        f.stuck = o.impls.filter((i) => runs.get(i)!.sdown.has(m.name));
        if (f.stuck.length) {
          progress.note(`${m.name}: still SDOWN for ${f.stuck.map((i) => IMPL_NAME[i]).join(', ')} ${fmt(missAfter + 5_000)} ms after recovery; taken out of the draw`);
          excluded.add(m.name);
        }
        active.delete(m.name);
        faultsDone++;
      }
    };
    await Promise.all(Array.from({ length: o.parallel }, worker));
    for (const [impl, r] of runs) {
      const w = phaseMeters.get(impl)!;
      r.faultPhase = { ...w.stop(), rssKiB: rssKiB(w.pids) };
    }
    phase = 'done';
    progress.stop();

    // ----- report -----
    for (const r of runs.values()) r.tiltsInLog = (r.mon.logTail(Number.MAX_SAFE_INTEGER).match(/ \+tilt /g) ?? []).length;
    for (const [impl, r] of runs) if (!r.mon.alive()) out(`WARNING: ${IMPL_NAME[impl]} exited during the run; its log ends:\n${r.mon.logTail()}`);
    for (const [impl, r] of runs) {
      // Replicas have replica-priority 0, so a failover must abort with no good replica; one
      // that goes further changed the fleet under the bench and the later figures are suspect.
      const moved = ['+selected-slave', '+promoted-slave', '+switch-master'].filter((ch) => r.counts.has(ch));
      if (moved.length) out(`WARNING: ${IMPL_NAME[impl]} published ${moved.join(', ')}: it failed over despite replica-priority 0; figures after that are suspect`);
    }
    const impls = o.impls;
    const overs = (kind: FaultKind, impl: Impl) =>
      faults.filter((f) => f.kind === kind && f.res[impl]?.sdownAt !== undefined && !f.res[impl]?.late).map((f) => f.res[impl]!.sdownAt! - f.at - o.downAfter);
    const recov = (kind: FaultKind, impl: Impl) =>
      faults.filter((f) => f.kind === kind && f.res[impl]?.unSdownAt !== undefined && f.recoveredAt !== undefined).map((f) => f.res[impl]!.unSdownAt! - f.recoveredAt!);
    for (const kind of FAULT_KINDS) {
      const n = faults.filter((f) => f.kind === kind).length;
      out('');
      out(`${kind} (${kind === 'hang' ? 'SIGSTOP' : 'SIGKILL + restart'}): ${n} faults; overshoot = (+sdown received − fault) − ${o.downAfter} ms, in ms`);
      const row = (impl: Impl) => {
        const xs = overs(kind, impl);
        const rs = recov(kind, impl);
        return [
          IMPL_NAME[impl], `${xs.length}/${n}`, String(n - xs.length), fmt(Math.min(...xs)), fmt(percentile(xs, 50)), fmt(percentile(xs, 99)),
          fmt(xs.length ? Math.max(...xs) : Number.NaN), fmt(percentile(rs, 50)), fmt(rs.length ? Math.max(...rs) : Number.NaN),
        ];
      };
      const rows = impls.map(row);
      if (both) {
        const a = overs(kind, 'argus');
        const b = overs(kind, 'redis');
        const mx = (xs: number[]) => (xs.length ? Math.max(...xs) : Number.NaN);
        rows.push([
          'ratio argus/redis', '', '', '', ratio(percentile(a, 50), percentile(b, 50)), ratio(percentile(a, 99), percentile(b, 99)), ratio(mx(a), mx(b)),
          ratio(percentile(recov(kind, 'argus'), 50), percentile(recov(kind, 'redis'), 50)), '',
        ]);
      }
      table(['monitor', 'detected', 'missed', 'min', 'p50', 'p99', 'max', '-sdown p50', '-sdown max'], rows);
      const odown = impls.map((impl) => {
        const fs = faults.filter((f) => f.kind === kind && f.res[impl]?.sdownAt !== undefined);
        const lag = fs.filter((f) => f.res[impl]!.odownAt !== undefined).map((f) => f.res[impl]!.odownAt! - f.res[impl]!.sdownAt!);
        return `${IMPL_NAME[impl]} ${lag.length}/${fs.length}` + (lag.length ? ` (+odown − +sdown p50 ${fmt(percentile(lag, 50))} ms, max ${fmt(Math.max(...lag))} ms)` : '');
      });
      out(`+odown before recovery (quorum 1): ${odown.join('; ')}`);
    }
    out('');
    out('-sdown columns: ms from recovery (SIGCONT sent / restarted server accepting connections) to -sdown received.');
    out('A fault is recovered as soon as every monitor has published +sdown (or missed), so a slow +odown may not come at all.');
    out('');
    const mr = (impl: Impl) => runs.get(impl)!;
    const a = both ? mr('argus') : null;
    const b = both ? mr('redis') : null;
    const evRows = impls.map((impl) => {
      const r = mr(impl);
      return [
        IMPL_NAME[impl], r.discoveryMs === null ? `incomplete ${r.discovered}/${o.masters}` : fmt(r.discoveryMs), both ? (r.peersMs === null ? 'no' : fmt(r.peersMs)) : '-',
        r.tiltsInLog > r.tilts.length ? `${r.tiltsInLog} (${r.tilts.length} seen)` : String(r.tilts.length),
        String(falseEvents.filter((e) => e.impl === impl && e.channel === '+sdown').length),
      ];
    });
    if (a && b) evRows.push(['ratio argus/redis', ratio(a.discoveryMs, b.discoveryMs), ratio(a.peersMs, b.peersMs), '', '']);
    table(['monitor', 'discovery ms', 'peers ms', '+tilt', 'false +sdown'], evRows);
    out(`discovery: spawn → INFO sentinel lists every master status=ok with ${o.replicas} slaves (polled every ${o.masters > 100 ? 100 : 25} ms). peers: spawn → every master lists sentinels=2.`);
    out('+tilt: entries in the monitor\'s log ("seen" = published to our subscriber); false +sdown: replicas, peers, or masters outside a fault.');
    out('');
    // marginal cost per master: above the same monitor with no master at all
    const usPerMaster = (r: MonitorRun) => (r.quiet ? (((r.quiet.pct - r.idleCpuPct) / 100) * 1e6) / o.masters : Number.NaN);
    const kbPerMaster = (r: MonitorRun) => (r.quiet ? (r.quiet.rssKiB - r.idleRssKiB) / o.masters : Number.NaN);
    const resRows = impls.map((impl) => {
      const r = mr(impl);
      return [
        IMPL_NAME[impl], fmt(r.quiet?.pct, 2), fmt(r.idleCpuPct, 2), fmt(usPerMaster(r), 1), fmt(r.faultPhase?.pct, 2),
        fmt((r.quiet?.rssKiB ?? NaN) / 1024, 1), fmt(r.idleRssKiB / 1024, 1), fmt(kbPerMaster(r), 1), fmt((r.faultPhase?.rssKiB ?? NaN) / 1024, 1),
      ];
    });
    if (a && b) {
      resRows.push([
        'ratio argus/redis', ratio(a.quiet?.pct, b.quiet?.pct), ratio(a.idleCpuPct, b.idleCpuPct), ratio(usPerMaster(a), usPerMaster(b)), ratio(a.faultPhase?.pct, b.faultPhase?.pct),
        ratio(a.quiet?.rssKiB, b.quiet?.rssKiB), ratio(a.idleRssKiB, b.idleRssKiB), ratio(kbPerMaster(a), kbPerMaster(b)), ratio(a.faultPhase?.rssKiB, b.faultPhase?.rssKiB),
      ]);
    }
    table(['monitor', 'CPU % quiet', 'CPU % idle', 'µs CPU/master/s', 'CPU % faults', 'RSS MiB', 'idle RSS MiB', 'KB/master', 'RSS MiB end'], resRows);
    out(`CPU % of one core (all threads) over the ${o.quietS} s quiet window, the same monitor with no master ("idle"), and the fault phase.`);
    out('µs CPU/master/s = (quiet − idle CPU) / masters; KB/master = (RSS − idle RSS) / masters; RSS end = after the fault phase.');
    for (const impl of impls) {
      const r = mr(impl);
      const ev = [...r.counts].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ');
      out(`${IMPL_NAME[impl]} events: ${ev || 'none'}`);
    }
    for (const e of falseEvents.slice(0, 10)) out(`false event: ${IMPL_NAME[e.impl]} ${e.channel} ${e.payload} (phase ${e.phase})`);
    if (falseEvents.length > 10) out(`... ${falseEvents.length - 10} more false events (all in --json)`);
    if (excluded.size) out(`taken out of the draw: ${[...excluded].join(', ')}`);

    if (o.json) {
      const base = Math.min(...[...runs.values()].map((r) => r.mon.spawnedAt));
      const rel = (t: number | undefined) => (t === undefined ? null : +(t - base).toFixed(3));
      writeFileSync(
        o.json,
        JSON.stringify(
          {
            bench: 'detection-latency',
            options: o,
            note: 'times in ms, relative to the first monitor spawn; overshoot = sdownAt - faultAt - downAfter',
            fleetStartMs: fleetMs,
            monitors: Object.fromEntries(
              [...runs].map(([impl, r]) => [
                impl,
                {
                  name: IMPL_NAME[impl], pid: r.mon.pid, discoveryMs: r.discoveryMs, discovered: r.discovered, peersMs: r.peersMs,
                  idleRssKiB: r.idleRssKiB, idleCpuPct: r.idleCpuPct, quiet: r.quiet, faultPhase: r.faultPhase, events: Object.fromEntries(r.counts),
                  tilts: r.tilts.map((t) => ({ ...t, at: rel(t.at) })), tiltsInLog: r.tiltsInLog,
                },
              ]),
            ),
            faults: faults.map((f) => ({
              id: f.id, master: f.master, port: f.port, kind: f.kind, phaseMs: f.phaseMs, faultAt: rel(f.at), recoveredAt: rel(f.recoveredAt), stuck: f.stuck,
              res: Object.fromEntries(
                Object.entries(f.res).map(([impl, d]) => [
                  impl,
                  {
                    sdownAt: rel(d.sdownAt), late: d.late ?? false, odownAt: rel(d.odownAt), unSdownAt: rel(d.unSdownAt),
                    overshootMs: d.sdownAt === undefined ? null : +(d.sdownAt - f.at - o.downAfter).toFixed(3),
                    recoveryMs: d.unSdownAt === undefined || f.recoveredAt === undefined ? null : +(d.unSdownAt - f.recoveredAt).toFixed(3),
                  },
                ]),
              ),
            })),
            falseEvents: falseEvents.map((e) => ({ ...e, at: rel(e.at) })),
          },
          null,
          1,
        ),
      );
      out(`raw samples written to ${o.json}`);
    }
  } finally {
    progress.stop();
    for (const r of runs.values()) r.stream?.close();
    await Promise.all(mons.map((m) => m.stop()));
    if (o.logs) {
      mkdirSync(o.logs, { recursive: true });
      for (const m of mons) {
        copyFileSync(join(m.dir, 'sentinel.log'), join(o.logs, `${m.impl}.log`));
        copyFileSync(join(m.dir, 'sentinel.conf'), join(o.logs, `${m.impl}.conf`));
      }
      process.stderr.write(`monitor logs and configs copied to ${o.logs}\n`);
    }
    if (fleet) await fleet.stop();
    await reapAll();
  }
}
