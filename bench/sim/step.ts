/**
 * One step of the fleet-sim bench: a simulated fleet of M masters with R replicas each, one
 * Argus process watching it, and the phases that measure it:
 *
 *   discovery  Argus spawned → every simulated instance has answered its INFO, has a hello
 *              subscriber and got a hello (simulator counters), and `INFO sentinel` lists every
 *              master status=ok with all its replicas. Config saves are counted from outside
 *              (inotify on Argus's directory: each atomic rewrite renames onto sentinel.conf).
 *   settle     a few seconds for the last hellos and saves.
 *   quiet      no faults, no big commands: Argus's CPU (all threads), the simulators' CPU, RSS,
 *              descriptors, PING round trips (event-loop lag), saves, false +sdown.
 *   masters    `SENTINEL MASTERS` a few times: its latency and size, and the PINGs behind it.
 *   fault      `faultPct` % of the masters killed at once: +sdown overshoot on each.
 *
 * Every wait has a deadline; the caller reaps whatever is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ARGUS_BIN } from '../../test/helpers/processes.js';
import { freePort } from '../../test/helpers/ports.js';
import { RawClient } from '../../test/helpers/raw-client.js';
import { rng, shuffle } from '../lib/faults.js';
import { sleep, waitPort } from '../lib/fleet.js';
import { EventStream, parseInfoSentinel, slowCall, type SentinelEvent } from '../lib/monitors.js';
import { CpuWindow, rssKiB } from '../lib/procstat.js';
import { trackChild, trackedTempDir } from '../lib/reaper.js';
import { percentile } from '../lib/stats.js';
import { addrOf, SimFleet } from './fleet.js';
import { Pinger, TimedClient } from './probe.js';

export interface StepOptions {
  readonly masters: number;
  readonly replicas: number;
  readonly downAfter: number;
  readonly quietS: number;
  readonly settleS: number;
  readonly faultPct: number;
  readonly mastersCalls: number;
  readonly discoveryTimeoutS: number;
  readonly perProcess: number | undefined;
  readonly port: number;
  readonly octet: number;
  readonly shards: number | null;
  readonly seed: number;
  readonly logs: string | null;
  /** a permanent progress line */
  readonly note: (text: string) => void;
  /** the live progress line */
  readonly status: (text: string) => void;
}

export interface Dist {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface StepResult {
  readonly masters: number;
  readonly replicas: number;
  readonly instances: number;
  readonly simProcesses: number;
  readonly fleetStartMs: number;
  readonly argusStartMs: number | null;
  readonly discovery: {
    readonly complete: boolean;
    /** spawn → everything discovered */
    readonly ms: number | null;
    /** spawn → every instance has answered an INFO */
    readonly infoAllMs: number | null;
    readonly linked: number;
    readonly cpuS: number;
    readonly saves: number;
    readonly savesPerS: number;
    readonly peakSavesPerS: number;
    readonly ping: Dist;
  };
  readonly quiet: {
    readonly seconds: number;
    readonly cpuPct: number;
    readonly usPerMasterPerS: number;
    readonly simCpuPct: number;
    readonly rssMiB: number;
    readonly hwmMiB: number;
    readonly kibPerMaster: number;
    readonly fds: number;
    readonly ping: Dist;
    readonly saves: number;
    readonly falseSdown: number;
    /** the box's 1-minute load average at the end: other work on the two cores skews every figure */
    readonly loadavg: number;
  } | null;
  readonly mastersCmd: { readonly calls: { ms: number; bytes: number }[]; readonly pingDuring: Dist } | null;
  readonly fault: {
    readonly killed: number;
    readonly detected: number;
    /** +sdown receive time − kill time − down-after, ms */
    readonly overshoot: Dist;
    readonly lastMs: number | null;
    readonly falseSdown: number;
  } | null;
  readonly tilt: { readonly total: number | null; readonly events: number };
  readonly events: Record<string, number>;
  /** log lines that signal trouble (open-file errors, shard restarts, TILT) */
  readonly logProblems: string[];
}

export const dist = (xs: readonly number[]): Dist => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p99: percentile(xs, 99),
  max: xs.length ? Math.max(...xs) : Number.NaN,
});

function vmHwmKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** Largest number of saves inside any 1 s window. */
function peakPerSecond(times: readonly number[]): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const PROBLEM = /EMFILE|Too many open files|tilt mode entered|exited unexpectedly|ENFILE|ERR_|out of memory/i;

export async function runStep(o: StepOptions): Promise<StepResult> {
  const { masters, replicas } = o;
  const instances = masters * (1 + replicas);
  const label = `${masters}×${replicas}`;
  const cleanups: (() => void | Promise<void>)[] = [];
  try {
    // --- the simulated fleet
    o.status(`${label}: starting ${instances} simulated instances`);
    const f0 = performance.now();
    const fleet = await SimFleet.start({
      masters, replicas, port: o.port, octet: o.octet, perProcess: o.perProcess, seed: o.seed,
      onProcess: (c) => void trackChild(c),
    });
    cleanups.push(() => fleet.stop());
    const fleetStartMs = performance.now() - f0;
    if (masters > 0) o.note(`${label}: ${instances} simulated instances in ${fleet.processes} process(es), listening after ${(fleetStartMs / 1000).toFixed(1)} s`);

    // --- Argus, with its directory watched for config rewrites before it starts
    const dir = trackedTempDir('argus-bench-fleet-sim-');
    const port = await freePort();
    const lines = [`port ${port}`, ...(o.shards === null ? [] : [`argus-shards ${o.shards}`])];
    for (const g of fleet.groups) {
      // quorum 2 with one sentinel: never ODOWN, so the fleet keeps its shape (no failover)
      lines.push(`sentinel monitor ${g.name} ${g.master.ip} ${g.master.port} 2`, `sentinel down-after-milliseconds ${g.name} ${o.downAfter}`);
    }
    const configPath = join(dir, 'sentinel.conf');
    writeFileSync(configPath, `${lines.join('\n')}\n`, 'latin1');
    const saves: number[] = [];
    const watcher: FSWatcher = watch(dir, (ev, name) => {
      if (ev === 'rename' && name === 'sentinel.conf') saves.push(performance.now());
    });
    cleanups.push(() => watcher.close());
    const logPath = join(dir, 'sentinel.log');
    const logFd = openSync(logPath, 'a');
    const spawnedAt = performance.now();
    const child: ChildProcess = spawn(process.execPath, [ARGUS_BIN, configPath], { cwd: dir, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    trackChild(child);
    child.once('error', () => {});
    const alive = () => child.exitCode === null && child.signalCode === null;
    // runs after Argus has stopped (cleanups run in reverse), so the copy has its last lines
    cleanups.push(() => {
      if (!o.logs) return;
      const tag = `fleet-sim-${masters}x${replicas}`;
      writeFileSync(join(o.logs, `${tag}.log`), readFileSync(logPath));
      writeFileSync(join(o.logs, `${tag}.conf`), readFileSync(configPath));
    });
    cleanups.push(async () => {
      if (!alive()) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // flushes its config: part of the cost of a large fleet
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
    });
    const cpuAll = new CpuWindow(child.pid!).start();
    if (!(await waitPort(port, 120_000, () => !alive()))) throw new Error(`Argus did not listen on ${port}; its log ends:\n${tail(logPath)}`);
    const argusStartMs = performance.now() - spawnedAt;

    const counts = new Map<string, number>();
    const sdowns: SentinelEvent[] = [];
    let tilts = 0;
    const stream = await EventStream.open(port, (e) => {
      counts.set(e.channel, (counts.get(e.channel) ?? 0) + 1);
      if (e.channel === '+sdown') sdowns.push(e);
      if (e.channel === '+tilt') {
        tilts++;
        o.note(`${label}: +tilt ${e.payload}`);
      }
    });
    cleanups.push(() => stream.close());
    const pinger = await Pinger.start(port, 20);
    cleanups.push(() => pinger.stop());
    const info = await RawClient.open(port);
    cleanups.push(() => info.close());

    // --- discovery
    const discoveryDeadline = spawnedAt + o.discoveryTimeoutS * 1000;
    let infoAllMs: number | null = null;
    let discoveredMs: number | null = null;
    let linked = 0;
    for (;;) {
      const st = masters > 0 ? await fleet.stats() : { linked: 0, infoServed: 0 };
      const now = performance.now();
      linked = st.linked;
      if (infoAllMs === null && st.infoServed === instances) infoAllMs = now - spawnedAt;
      if (linked === instances) {
        const listed = parseInfoSentinel(await slowCall(info, 'INFO', 'sentinel'));
        const ok = fleet.groups.every((g) => {
          const l = listed.get(g.name);
          return !!l && l.status === 'ok' && l.slaves >= replicas;
        });
        if (ok) {
          discoveredMs = performance.now() - spawnedAt;
          break;
        }
      }
      if (now > discoveryDeadline || !alive()) break;
      const stall = pinger.outstanding();
      o.status(
        `${label}: discovery ${linked}/${instances} linked, ${st.infoServed} answered INFO, ${saves.length} config saves, ` +
          `PING lag ${stall.oldestMs.toFixed(0)} ms, ${((now - spawnedAt) / 1000).toFixed(0)}/${o.discoveryTimeoutS} s`,
      );
      await sleep(250);
    }
    const discEnd = performance.now();
    const discCpu = cpuAll.stop();
    const discSaves = saves.filter((t) => t <= discEnd);
    const discovery = {
      complete: discoveredMs !== null,
      ms: discoveredMs,
      infoAllMs,
      linked,
      cpuS: discCpu.cpuS,
      saves: discSaves.length,
      savesPerS: discSaves.length / ((discEnd - spawnedAt) / 1000),
      peakSavesPerS: peakPerSecond(discSaves),
      ping: dist(pinger.between(spawnedAt, discEnd)),
    };
    if (masters > 0) {
      o.note(
        discovery.complete
          ? `${label}: discovered in ${(discoveredMs! / 1000).toFixed(1)} s (${discovery.saves} config saves, PING max ${discovery.ping.max.toFixed(0)} ms)`
          : `${label}: discovery NOT complete after ${o.discoveryTimeoutS} s (${linked}/${instances} linked)`,
      );
    }
    if (!alive()) throw new Error(`Argus exited during discovery; its log ends:\n${tail(logPath)}`);

    // --- settle, then the quiet window
    for (const until = performance.now() + o.settleS * 1000; performance.now() < until; ) {
      o.status(`${label}: settling (${saves.length} saves so far)`);
      await sleep(250);
    }
    const q0 = performance.now();
    const sdown0 = sdowns.length;
    const saves0 = saves.length;
    const cpuQ = new CpuWindow(child.pid!).start();
    const simQ = fleet.pids.map((p) => new CpuWindow(p).start());
    while (performance.now() - q0 < o.quietS * 1000) {
      const worst = Math.max(0, ...pinger.between(q0, performance.now()));
      o.status(`${label}: quiet window ${((performance.now() - q0) / 1000).toFixed(0)}/${o.quietS} s, PING max ${worst.toFixed(1)} ms`);
      await sleep(250);
    }
    const cq = cpuQ.stop();
    const simPct = simQ.reduce((s, w) => s + w.stop().pct, 0);
    const q1 = performance.now();
    const rss = rssKiB([child.pid!]);
    const quiet = {
      seconds: cq.wallS,
      cpuPct: cq.pct,
      usPerMasterPerS: masters ? (cq.cpuS * 1e6) / cq.wallS / masters : Number.NaN,
      simCpuPct: simPct,
      rssMiB: rss / 1024,
      hwmMiB: vmHwmKiB(child.pid!) / 1024,
      kibPerMaster: masters ? rss / masters : Number.NaN,
      fds: fdCount(child.pid!),
      ping: dist(pinger.between(q0, q1)),
      saves: saves.length - saves0,
      falseSdown: sdowns.length - sdown0,
      loadavg: loadavg()[0]!,
    };

    // --- SENTINEL MASTERS
    let mastersCmd: StepResult['mastersCmd'] = null;
    if (o.mastersCalls > 0) {
      const tc = await TimedClient.open(port);
      cleanups.push(() => tc.close());
      const calls: { ms: number; bytes: number }[] = [];
      const windows: [number, number][] = [];
      try {
        for (let i = 0; i < o.mastersCalls; i++) {
          o.status(`${label}: SENTINEL MASTERS ${i + 1}/${o.mastersCalls}`);
          const t = performance.now();
          calls.push(await tc.call(['SENTINEL', 'MASTERS'], 120_000));
          windows.push([t, performance.now()]);
          await sleep(1000);
        }
      } catch (e) {
        o.note(`${label}: SENTINEL MASTERS: ${(e as Error).message}`); // the other phases still count
      }
      await sleep(500); // the PINGs sent during the last call come back
      mastersCmd = { calls, pingDuring: dist(windows.flatMap(([a, b]) => pinger.between(a, b))) };
    }

    // --- mass fault
    let fault: StepResult['fault'] = null;
    if (o.faultPct > 0 && masters > 0) {
      const k = Math.max(1, Math.round((masters * o.faultPct) / 100));
      const victims = shuffle([...fleet.groups], rng(o.seed ^ 0x5eed)).slice(0, k);
      const want = new Map(victims.map((g) => [`master ${g.name} ${g.master.ip} ${g.master.port}`, addrOf(g.master)]));
      const f0 = sdowns.length;
      o.status(`${label}: killing ${k} masters at once`);
      const killedAt = await fleet.fault('kill', [...want.values()]);
      const deadline = performance.now() + o.downAfter + 30_000;
      const seen = new Map<string, number>();
      let falseSdown = 0;
      for (;;) {
        for (const e of sdowns.slice(f0)) {
          const addr = want.get(e.payload);
          if (addr !== undefined && !seen.has(e.payload)) seen.set(e.payload, performance.timeOrigin + e.at - killedAt.get(addr)! - o.downAfter);
        }
        if (seen.size === want.size || performance.now() > deadline) break;
        o.status(`${label}: ${seen.size}/${k} killed masters +sdown`);
        await sleep(100);
      }
      falseSdown = sdowns.slice(f0).filter((e) => !want.has(e.payload)).length;
      const over = [...seen.values()];
      fault = { killed: k, detected: seen.size, overshoot: dist(over), lastMs: over.length ? Math.max(...over) + o.downAfter : null, falseSdown };
    }

    const tiltTotal = /^sentinel_total_tilt:(\d+)/m.exec(await slowCall(info, 'INFO', 'sentinel'))?.[1];
    const logProblems = readFileSync(logPath, 'latin1').split('\n').filter((l) => PROBLEM.test(l));
    return {
      masters, replicas, instances, simProcesses: fleet.processes, fleetStartMs, argusStartMs,
      discovery, quiet, mastersCmd, fault,
      tilt: { total: tiltTotal === undefined ? null : Number(tiltTotal), events: tilts },
      events: Object.fromEntries(counts),
      logProblems: logProblems.slice(0, 20),
    };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // the reaper gets whatever is left
      }
    }
  }
}

function tail(path: string, n = 15): string {
  try {
    return readFileSync(path, 'latin1').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}
