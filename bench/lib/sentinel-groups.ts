/**
 * The engine behind `latency` and `failover`: S sentinels of each monitor (Argus, redis-sentinel)
 * watch their own fleet of N data groups (master + R replicas), `a<i>` for Argus and `r<i>` for
 * redis-sentinel (distinct names and servers: two sentinel families promoting replicas of the
 * same master would fight), all with the same quorum, down-after-milliseconds and
 * failover-timeout. One raw `PSUBSCRIBE *` connection per sentinel timestamps every event in
 * this process, so both families are timed by one clock.
 *
 * Phases: each monitor alone with no master (idle CPU and RSS) → both fleets up → every sentinel
 * started at once → settled: every sentinel lists its group's master with S − 1 other sentinels
 * and every replica healthy (SENTINEL MASTER / REPLICAS, ROLE of every server) → any TILT over
 * (bounded) → quiet window
 * (CPU and RSS of each sentinel process, nothing polled) → faults, each family in its own loop
 * (or `simultaneous` groups of each family per round, in step) → the last recoveries.
 *
 * A fault goes to a ready group at a random 0–999 ms phase:
 *   hang, kill  the master goes away; the fault closes when every sentinel has published
 *               `+switch-master` for it (`+odown` with no replica to promote), or after `boundMs`;
 *               then it is recovered (SIGCONT, or a restart on the same port as an empty master,
 *               as an operator's restarted master comes back).
 *   drop, stall the master blips and must not be declared down; the fault closes `downAfter` +
 *               1 s after the blip ends, and any `+sdown` / `+odown` / `+switch-master` of that
 *               master until the group is whole again is a false positive.
 * A group is drawn again only once whole (the servers' ROLE first, the sentinels only once the
 * servers look whole, so the polling stays off the processes being measured).
 *
 * Bounded: nothing starts after the deadline minus the time one fault may take; every wait ends
 * at the deadline; 30 s past it the process exits. Every process is killed and every temp dir
 * removed on exit, on errors and on Ctrl-C (reaper.ts).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dropConnections, injectFault, isOutage, rng, shuffle, stallServer, type LatencyKind } from './faults.js';
import { Fleet, RedisServer, sleep } from './fleet.js';
import { EventStream, idleBaseline, IMPL_NAME, startMonitor, type Impl, type Monitor, type SentinelEvent } from './monitors.js';
import { CpuWindow, rssKiB } from './procstat.js';
import { Progress } from './progress.js';
import { groupCheck } from './group-check.js';
import { Querier } from './querier.js';
import { reapAll } from './reaper.js';
import { fmt, max } from './stats.js';
import { Waiter } from './waiter.js';

export interface GroupsOptions {
  masters: number;
  replicas: number;
  sentinels: number;
  quorum: number;
  downAfter: number;
  failoverTimeout: number;
  argusPingPeriod: number | null;
  kinds: LatencyKind[];
  /** faults per family, kinds in turn (shuffled), or rounds × simultaneous */
  count: number;
  simultaneous: number;
  /** faults in flight at once per family (one-at-a-time mode) */
  parallel: number;
  stallMs: number;
  boundMs: number;
  deadlineS: number;
  quietS: number;
  hz: number;
  impls: Impl[];
  seed: number;
  logs: string | null;
}

/** how long a recovered group may take to be whole again: Sentinel converts a returning old master
 * only after it has been up for 4 × the 2 s publish period (sentinel.c +convert-to-slave) */
const RECOVERY_MS = 30_000;
/** an +sdown withdrawn this soon was a flap, not a detection */
export const FLAP_MS = 250;

/** What one sentinel published about one fault (performance.now() arrival times). */
export interface Seen {
  sdownAt?: number;
  odownAt?: number;
  tryAt?: number;
  electedAt?: number;
  switchAt?: number;
  switchTo?: number;
  switches: number;
  aborts: string[];
}

export interface Fault {
  id: number;
  impl: Impl;
  group: string;
  port: number;
  kind: LatencyKind;
  phaseMs: number;
  /** +∞ until the fault is done */
  at: number;
  /** a blip's end: SIGCONT sent, or the CLIENT KILL written */
  endAt?: number;
  /** drop: sentinel links on the master before, links killed, ms until all were back */
  links?: number;
  killed?: number;
  relinkMs?: number | null;
  seen: Seen[];
  /** every sentinel switched (or saw ODOWN), the bound passed, or the blip's watch ended */
  closedAt?: number;
  failed?: boolean;
  /** +switch-master published after the bound */
  late?: boolean;
  recoveredAt?: number;
  readyAt?: number;
  recovery?: string;
}

interface Group {
  impl: Impl;
  name: string;
  servers: RedisServer[];
  masterPort: number;
  state: 'ready' | 'busy' | 'out';
  fault: Fault | null;
}

export interface Oddity {
  impl: Impl;
  sentinel: number;
  at: number;
  phase: string;
  channel: string;
  payload: string;
}

/** CPU (% of one core, all threads) and RSS of one sentinel process over a window. */
export interface Usage {
  cpuS: number;
  wallS: number;
  pct: number;
  rssKiB: number;
}

export interface Family {
  impl: Impl;
  prefix: string;
  groups: Group[];
  byName: Map<string, Group>;
  mons: Monitor[];
  streams: EventStream[];
  queriers: Querier[];
  counts: Map<string, number>;
  phantoms: Oddity[];
  aborts: Oddity[];
  tilts: Oddity[];
  /** +sdown followed by -sdown of the same instance on the same sentinel within FLAP_MS */
  flaps: Oddity[];
  /** last +sdown per `<sentinel> <payload>`, to see flaps */
  sdownAt: Map<string, number>;
  idle: { rssKiB: number; cpuPct: number } | null;
  quiet: Usage[];
  faultPhase: Usage[];
  /** Argus only: messages between its threads per second (INFO argus), per sentinel */
  quietTraffic: (Traffic | null)[];
  faultTraffic: (Traffic | null)[];
  /** a sentinel that exited during the run: its log's end */
  exited: string[];
}

export interface GroupsRun {
  o: GroupsOptions;
  /** performance.now() at the start: JSON times are relative to it */
  t0: number;
  families: Family[];
  faults: Fault[];
  settleMs: number;
  faultPhaseS: number;
  totalS: number;
  /** a failover is expected for hang and kill (there is a replica to promote) */
  expectFailover: boolean;
}

const newFamily = (impl: Impl): Family => ({
  impl, prefix: impl === 'argus' ? 'a' : 'r', groups: [], byName: new Map(), mons: [], streams: [], queriers: [], counts: new Map(),
  phantoms: [], aborts: [], tilts: [], flaps: [], sdownAt: new Map(), idle: null, quiet: [], faultPhase: [], exited: [],
  quietTraffic: [], faultTraffic: [],
});

/** Batches (shard → main) and control calls (main → shard, each a request and a reply) per second. */
export interface Traffic {
  batchesPerS: number;
  batchBytesPerS: number;
  callsPerS: number;
}

type TrafficCount = { batches: number; bytes: number; calls: number; at: number };

/** INFO argus's counters; null for redis-sentinel (no such section) or a sentinel that does not answer. */
async function trafficCount(q: Querier): Promise<TrafficCount | null> {
  try {
    const text = String(await q.call('INFO', 'argus'));
    const n = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    const c = { batches: n('argus_thread_batches'), bytes: n('argus_thread_batch_bytes'), calls: n('argus_thread_calls'), at: performance.now() };
    return Number.isNaN(c.batches) ? null : c;
  } catch {
    return null;
  }
}

function trafficRate(a: TrafficCount | null, b: TrafficCount | null): Traffic | null {
  if (!a || !b) return null;
  const s = (b.at - a.at) / 1000;
  // the window's closing INFO itself is not a shard call, so nothing to subtract
  return { batchesPerS: (b.batches - a.batches) / s, batchBytesPerS: (b.bytes - a.bytes) / s, callsPerS: (b.calls - a.calls) / s };
}

/** `master <name> <ip> <port> ...` → name and port; null for other instance types or shapes. */
function masterOf(payload: string): { name: string; port: number } | null {
  const w = payload.split(' ');
  if (w[0] !== 'master' || w.length < 4) return null;
  return { name: w[1]!, port: Number(w[3]) };
}

/** The kinds for `count` faults: each kind in turn, shuffled (one at a time) or one kind per round. */
export function planFaults(o: Pick<GroupsOptions, 'kinds' | 'count' | 'simultaneous'>, random: () => number): LatencyKind[] {
  if (o.simultaneous > 0) {
    const rounds = Math.max(o.kinds.length, Math.ceil(o.count / o.simultaneous));
    return Array.from({ length: rounds }, (_, i) => o.kinds[i % o.kinds.length]!);
  }
  return shuffle(Array.from({ length: o.count }, (_, i) => o.kinds[i % o.kinds.length]!), random);
}

const usage = (w: CpuWindow): Usage => ({ ...w.stop(), rssKiB: rssKiB(w.pids) });

export async function runGroups(o: GroupsOptions, benchName: string): Promise<GroupsRun> {
  const random = rng(o.seed);
  const t0 = performance.now();
  const deadline = t0 + o.deadlineS * 1000;
  const expectFailover = o.replicas > 0;
  // A last resort if something hangs past every bounded wait: exit; the reaper's exit hook
  // kills every child and removes every temp dir.
  const watchdog = setTimeout(() => {
    process.stderr.write(`${benchName}: still running 30 s past --deadline ${o.deadlineS} s; exiting\n`);
    process.exit(3);
  }, o.deadlineS * 1000 + 30_000);
  watchdog.unref();

  let phase = 'setup';
  const faults: Fault[] = [];
  const families = o.impls.map(newFamily);
  const recoveries = new Set<Promise<void>>();
  const waiter = new Waiter(deadline);
  const until = (pred: () => boolean, at: number) => waiter.until(pred, at);
  const plan = planFaults(o, random);
  const total = o.simultaneous > 0 ? plan.length * o.simultaneous : plan.length;

  const onEvent = (fam: Family, s: number) => (e: SentinelEvent) => {
    fam.counts.set(e.channel, (fam.counts.get(e.channel) ?? 0) + 1);
    const odd: Oddity = { impl: fam.impl, sentinel: s, at: e.at, phase, channel: e.channel, payload: e.payload };
    if (e.channel === '+tilt') {
      fam.tilts.push(odd);
      progress.note(`${IMPL_NAME[fam.impl]} #${s}: +tilt (phase ${phase})`);
      return;
    }
    if (e.channel === '+switch-master') {
      const [name, , oldPort, , newPort] = e.payload.split(' ');
      const f = fam.byName.get(name ?? '')?.fault;
      if (f && Number(oldPort) === f.port && e.at >= f.at) {
        const seen = f.seen[s]!;
        seen.switches++;
        if (seen.switchAt === undefined) {
          seen.switchAt = e.at;
          seen.switchTo = Number(newPort);
          if (e.at > f.at + o.boundMs) f.late = true;
        }
      } else fam.phantoms.push(odd);
      waiter.wake();
      return;
    }
    if (e.channel === '+sdown') fam.sdownAt.set(`${s} ${e.payload}`, e.at);
    if (e.channel === '-sdown') {
      const since = fam.sdownAt.get(`${s} ${e.payload}`);
      if (since !== undefined && e.at - since <= FLAP_MS) fam.flaps.push({ ...odd, channel: `+sdown/-sdown within ${fmt(e.at - since)} ms:` });
    }
    if (e.channel.startsWith('-failover-abort-')) fam.aborts.push(odd);
    const m = masterOf(e.payload);
    if (!m) return;
    const f = fam.byName.get(m.name)?.fault;
    const seen = f && m.port === f.port && e.at >= f.at ? f.seen[s]! : null;
    const stamp = (key: 'sdownAt' | 'odownAt' | 'tryAt' | 'electedAt') => {
      if (seen) seen[key] ??= e.at;
      else fam.phantoms.push(odd);
    };
    switch (e.channel) {
      case '+sdown': stamp('sdownAt'); break;
      case '+odown': stamp('odownAt'); break;
      case '+try-failover': stamp('tryAt'); break;
      case '+elected-leader': stamp('electedAt'); break;
      default:
        if (seen && e.channel.startsWith('-failover-abort-')) seen.aborts.push(e.channel);
    }
    waiter.wake();
  };

  /** Has the fault reached its closing event on every sentinel? */
  const closedBy = (f: Fault) => f.seen.every((x) => (expectFailover ? x.switchAt !== undefined : x.odownAt !== undefined));
  const progress = new Progress(() => {
    if (phase !== 'faults') return phase;
    return families
      .map((fam) => {
        const fs = faults.filter((f) => f.impl === fam.impl);
        const open = fam.groups.filter((g) => g.fault && g.fault.closedAt === undefined).length;
        const recovering = fam.groups.filter((g) => g.fault && g.fault.closedAt !== undefined).length;
        const falsePos = fs.filter((f) => !isOutage(f.kind) && f.seen.some((x) => x.sdownAt !== undefined)).length;
        return `${IMPL_NAME[fam.impl]} ${fs.filter((f) => f.closedAt !== undefined).length}/${total} ` +
          `(${open} open, ${recovering} recovering, ${fs.filter((f) => f.failed).length} failed, ${falsePos} false +sdown, ${fam.phantoms.length} phantom)`;
      })
      .join('; ');
  }).start();

  /** Polls groupCheck until whole or `untilAt`; sets masterPort. */
  const waitWhole = async (fam: Family, g: Group, untilAt: () => number): Promise<string | null> => {
    for (;;) {
      const r = await groupCheck(fam.queriers, g.name, g.servers, o.sentinels);
      if (r.ok) {
        g.masterPort = r.master;
        return null;
      }
      if (performance.now() > Math.min(untilAt(), deadline)) return r.why;
      await sleep(500);
    }
  };

  /** Undoes what is left of the fault (SIGCONT, or a restart), then waits until the group is whole. */
  const recover = async (fam: Family, g: Group, f: Fault): Promise<void> => {
    const idx = g.servers.findIndex((s) => s.port === f.port);
    const server = g.servers[idx]!;
    try {
      if (f.kind === 'hang') server.resume();
      else if (f.kind === 'kill') {
        // As an operator's restarted master would: its own config, no replicaof (Sentinel's
        // CONFIG REWRITE never reached it), so it comes back an empty master and is converted.
        const argv = [...server.args];
        const at = argv.indexOf('--replicaof');
        if (at >= 0) argv.splice(at, 3);
        const fresh = new RedisServer(server.port, 'master', server.dir, argv);
        g.servers[idx] = fresh;
        await fresh.restart();
      }
      f.recoveredAt = performance.now();
      // a late +switch-master restarts the clock: the old master is converted only after that
      const lastSwitch = () => max(f.seen.filter((x) => x.switchAt !== undefined).map((x) => x.switchAt!));
      const why = await waitWhole(fam, g, () => Math.max(f.recoveredAt! + RECOVERY_MS, (lastSwitch() || 0) + RECOVERY_MS));
      if (why) {
        f.recovery = why;
        g.state = 'out';
        progress.note(`${g.name}: not whole ${RECOVERY_MS} ms after recovering ${f.kind} of ${f.port} or a late switch (${why}); taken out of the draw`);
        return;
      }
      f.readyAt = performance.now();
      g.fault = null;
      g.state = 'ready';
    } catch (e) {
      f.recovery = (e as Error).message;
      g.state = 'out';
      progress.note(`${g.name}: recovery failed (${f.recovery}); taken out of the draw`);
    } finally {
      waiter.wake();
    }
  };

  const newFault = (fam: Family, g: Group, kind: LatencyKind, phaseMs: number): Fault => {
    const f: Fault = {
      id: faults.length, impl: fam.impl, group: g.name, port: g.masterPort, kind, phaseMs, at: Infinity,
      seen: Array.from({ length: o.sentinels }, () => ({ switches: 0, aborts: [] })),
    };
    faults.push(f);
    g.fault = f;
    g.state = 'busy';
    return f;
  };

  /** A blip is watched this long after it ends for a +sdown it must not cause. */
  const blipWatchMs = o.downAfter + 1_000;

  /** Does the fault; a blip's promise ends with the blip (a drop's once the links are back or the watch ends). */
  const inject = async (g: Group, f: Fault): Promise<void> => {
    const server = g.servers.find((s) => s.port === f.port)!;
    try {
      switch (f.kind) {
        case 'hang':
        case 'kill':
          f.at = await injectFault(server, f.kind);
          return;
        case 'stall':
          f.endAt = await stallServer(server, o.stallMs, (at) => (f.at = at));
          return;
        case 'drop': {
          const r = await dropConnections(f.port, blipWatchMs, (at) => (f.at = f.endAt = at));
          f.links = r.links;
          f.killed = r.killed;
          f.relinkMs = r.relinkMs;
        }
      }
    } catch (e) {
      // e.g. the CLIENT KILL connection refused: the group's recovery check decides what is left
      f.recovery = `${f.kind} not done: ${(e as Error).message}`;
      progress.note(`${g.name}: ${f.recovery}`);
    }
  };

  /** Waits for the fault's closing event on every sentinel or the bound; a blip for its watch window. */
  const closeFault = async (g: Group, f: Fault): Promise<void> => {
    if (!Number.isFinite(f.at)) {
      f.closedAt = performance.now();
      return;
    }
    if (isOutage(f.kind)) {
      await until(() => closedBy(f), f.at + o.boundMs);
      f.failed = !closedBy(f) || f.late === true;
      const what = expectFailover ? 'switched' : 'saw +odown';
      if (f.failed) progress.note(`${g.name}: ${f.kind} of ${f.port}: ${f.seen.filter((x) => (expectFailover ? x.switchAt : x.odownAt) !== undefined).length}/${o.sentinels} sentinels ${what} within ${o.boundMs} ms`);
    } else {
      await until(() => false, (f.endAt ?? performance.now()) + blipWatchMs);
      if (f.seen.some((x) => x.sdownAt !== undefined)) progress.note(`${g.name}: ${f.kind} of ${f.port}: false +sdown from ${f.seen.filter((x) => x.sdownAt !== undefined).length} sentinel(s)`);
    }
    f.closedAt = performance.now();
  };

  const startRecovery = (fam: Family, g: Group, f: Fault): void => {
    const p = recover(fam, g, f);
    recoveries.add(p);
    void p.finally(() => recoveries.delete(p));
  };

  const latestStart = () => deadline - Math.max(o.boundMs, o.stallMs + blipWatchMs) - 1_000;
  const readyGroups = (fam: Family) => fam.groups.filter((g) => g.state === 'ready');

  /** `parallel` faults at a time in this family, each on its own group; groups recover in the background. */
  const oneAtATime = async (fam: Family): Promise<void> => {
    let next = 0;
    const worker = async () => {
      for (;;) {
        if (!(await until(() => next >= plan.length || readyGroups(fam).length > 0 || fam.groups.every((g) => g.state === 'out'), latestStart()))) return;
        const ready = readyGroups(fam);
        if (next >= plan.length || ready.length === 0) return;
        const g = ready[Math.floor(random() * ready.length)]!;
        const f = newFault(fam, g, plan[next++]!, Math.floor(random() * 1000));
        await sleep(f.phaseMs);
        await inject(g, f);
        await closeFault(g, f);
        startRecovery(fam, g, f);
      }
    };
    await Promise.all(Array.from({ length: o.parallel }, worker));
  };

  /**
   * K groups of each family at once per round, both families in step (same phase, same kind);
   * recovery starts only once every fault of the round is closed, so that no recovery polling
   * runs while the others fail over; the round ends when every group is whole again.
   */
  const simultaneousRounds = async (): Promise<void> => {
    const k = o.simultaneous;
    for (const kind of plan) {
      const short = families.find((fam) => fam.groups.filter((g) => g.state !== 'out').length < k);
      if (short) {
        progress.note(`${IMPL_NAME[short.impl]}: fewer than ${k} groups left in the draw; rounds stop`);
        return;
      }
      if (!(await until(() => families.every((fam) => readyGroups(fam).length >= k), latestStart()))) {
        progress.note(`fewer than ${k} groups of each family whole in time; rounds stop`);
        return;
      }
      const phaseMs = Math.floor(random() * 1000);
      const round = families.flatMap((fam) => shuffle(readyGroups(fam), random).slice(0, k).map((g) => ({ fam, g, f: newFault(fam, g, kind, phaseMs) })));
      await sleep(phaseMs);
      await Promise.all(round.map((x) => inject(x.g, x.f)));
      await Promise.all(round.map((x) => closeFault(x.g, x.f)));
      for (const x of round) startRecovery(x.fam, x.g, x.f);
      await until(() => round.every((x) => x.g.state !== 'busy'), deadline);
    }
  };

  try {
    phase = 'idle CPU and RSS of each monitor with no master';
    await Promise.all(families.map(async (fam) => (fam.idle = await idleBaseline(fam.impl))));

    // Fleets, one after the other (each probes its ports free before starting on them).
    for (const fam of families) {
      phase = `starting the ${IMPL_NAME[fam.impl]} family's fleet`;
      // hz 10 (Redis's default) by default rather than the fleet's 1: a failover waits on
      // replication events that a busier server cron handles sooner
      const fleet = await Fleet.start({
        masters: o.masters, replicas: o.replicas, random, namePrefix: fam.prefix, replicaPriority: 100, extraArgs: ['--hz', String(o.hz)],
        onProgress: (w) => (phase = `${IMPL_NAME[fam.impl]} ${w}`),
      });
      for (const m of fleet.masters) {
        const g: Group = { impl: fam.impl, name: m.name, servers: [m.server, ...m.replicas], masterPort: m.server.port, state: 'ready', fault: null };
        fam.groups.push(g);
        fam.byName.set(g.name, g);
      }
    }

    phase = `starting ${families.length * o.sentinels} sentinels`;
    const config = (fam: Family) =>
      fam.groups
        .map((g) =>
          `sentinel monitor ${g.name} 127.0.0.1 ${g.masterPort} ${o.quorum}\n` +
          `sentinel down-after-milliseconds ${g.name} ${o.downAfter}\n` +
          `sentinel failover-timeout ${g.name} ${o.failoverTimeout}\n` +
          (fam.impl === 'argus' && o.argusPingPeriod !== null ? `sentinel argus-ping-period ${g.name} ${o.argusPingPeriod}\n` : ''),
        )
        .join('');
    await Promise.all(
      families.flatMap((fam) =>
        Array.from({ length: o.sentinels }, async (_, s) => {
          const mon = await startMonitor(fam.impl, config(fam), { readyTimeoutMs: 30_000 + 20 * o.masters });
          fam.mons[s] = mon;
          fam.queriers[s] = new Querier(mon.port);
          fam.streams[s] = await EventStream.open(mon.port, onEvent(fam, s));
        }),
      ),
    );

    phase = `waiting until every sentinel knows its ${o.sentinels - 1} peers and the replicas`;
    const settleStart = performance.now();
    const settleBound = settleStart + 30_000 + 200 * o.masters;
    const unsettled = (
      await Promise.all(families.flatMap((fam) => fam.groups.map(async (g) => ({ g, why: await waitWhole(fam, g, () => settleBound) }))))
    ).filter((x) => x.why !== null);
    for (const { g, why } of unsettled) {
      g.state = 'out';
      progress.note(`${g.name}: not settled (${why}); left out`);
    }
    if (families.some((fam) => fam.groups.every((g) => g.state === 'out'))) throw new Error('a family has no settled group');
    const settleMs = performance.now() - settleStart;
    progress.note(`sentinels settled ${fmt(settleMs)} ms after start (${fmt(performance.now() - t0)} ms into the run)`);

    // A sentinel in TILT freezes SDOWN and failovers for 30 s: faults then would only measure the
    // TILT (redis-sentinel enters it at start-up past ~100 masters, stalled in config flushes).
    // Wait, bounded, until none reports sentinel_tilt:1; each +tilt is still counted.
    phase = 'waiting for TILT to end';
    const tiltBound = performance.now() + 45_000;
    const inTilt = async (q: Querier) => /^sentinel_tilt:1\r?$/m.test(String(await q.call('INFO', 'sentinel')));
    await Promise.all(
      families.flatMap((fam) =>
        fam.queriers.map(async (q) => {
          try {
            while ((await inTilt(q)) && performance.now() < tiltBound) await sleep(250);
          } catch {
            // a sentinel that does not answer is reported by the faults that follow
          }
        }),
      ),
    );

    phase = `quiet window (${o.quietS} s, no faults, no polling)`;
    const meters = (fam: Family) => fam.mons.map((m) => new CpuWindow(m.pid).start());
    const counts = () => Promise.all(families.map((fam) => Promise.all(fam.queriers.map(trafficCount))));
    const quietCounts = await counts();
    const quiet = families.map(meters);
    await sleep(o.quietS * 1000);
    families.forEach((fam, i) => (fam.quiet = quiet[i]!.map(usage)));
    const quietEnd = await counts();
    families.forEach((fam, i) => (fam.quietTraffic = quietEnd[i]!.map((c, s) => trafficRate(quietCounts[i]![s]!, c))));

    phase = 'faults';
    const faultPhaseStart = performance.now();
    const busy = families.map(meters);
    if (o.simultaneous > 0) await simultaneousRounds();
    else await Promise.all(families.map((fam) => oneAtATime(fam)));
    families.forEach((fam, i) => (fam.faultPhase = busy[i]!.map(usage)));
    const faultEnd = await counts();
    families.forEach((fam, i) => (fam.faultTraffic = faultEnd[i]!.map((c, s) => trafficRate(quietEnd[i]![s]!, c))));
    // Let the last groups recover: it shows the last failovers' phantoms, and each old master
    // coming back as a replica.
    phase = 'last recoveries';
    while (recoveries.size > 0 && performance.now() < deadline) await Promise.race([...recoveries, sleep(1_000)]);
    const faultPhaseS = (performance.now() - faultPhaseStart) / 1000;
    phase = 'done';
    for (const fam of families) for (const [s, m] of fam.mons.entries()) if (!m.alive()) fam.exited.push(`#${s}: ${m.logTail()}`);
    return { o, t0, families, faults, settleMs, faultPhaseS, totalS: (performance.now() - t0) / 1000, expectFailover };
  } finally {
    progress.stop();
    clearTimeout(watchdog);
    for (const fam of families) {
      for (const s of fam.streams) s?.close();
      for (const q of fam.queriers) q?.close();
    }
    const mons = families.flatMap((fam) => fam.mons.filter(Boolean));
    await Promise.all(mons.map((m) => m.stop(1_000)));
    if (o.logs) {
      mkdirSync(o.logs, { recursive: true });
      for (const fam of families) {
        for (const [s, m] of fam.mons.entries()) {
          if (!m) continue;
          copyFileSync(join(m.dir, 'sentinel.log'), join(o.logs, `${fam.impl}-${s}.log`));
          copyFileSync(join(m.dir, 'sentinel.conf'), join(o.logs, `${fam.impl}-${s}.conf`));
        }
      }
      process.stderr.write(`sentinel logs and configs copied to ${o.logs}\n`);
    }
    await reapAll();
  }
}
