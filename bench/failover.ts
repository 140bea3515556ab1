/**
 * How soon after a master dies does every sentinel of a group name the new master? Three Argus
 * and three Debian redis-sentinel processes fail over real redis-server groups in the same run:
 * two fleets of N groups (master + R promotable replicas), `a<i>` watched by the three Argus,
 * `r<i>` by the three redis-sentinel (distinct names: the two sentinel groups never meet), all
 * with quorum 2 and the same down-after-milliseconds and failover-timeout. One raw
 * `PSUBSCRIBE *` connection per sentinel timestamps every event in this process.
 *
 *   npm run bench -- failover [--groups N=5] [--replicas R=1] [--down-after MS=1000]
 *     [--failover-timeout MS=5000] [--faults kill,hang] [--simultaneous K] [--count F=16]
 *     [--bound MS] [--deadline S=170] [--seed N] [--json PATH] [--logs DIR]
 *
 * Phases: both fleets up → the six sentinels started together → every sentinel lists its group's
 * master with 2 other sentinels and every replica healthy (SENTINEL MASTER / REPLICAS, ROLE of
 * every server) → faults. Each family runs its own loop: pick a ready group at random, wait a
 * random 0–999 ms phase, SIGKILL or SIGSTOP its current master, wait until every sentinel of the
 * family has published `+switch-master` for it (or `--bound`), then recover the group in the
 * background (restart the killed server on its port as an empty master, or SIGCONT the hung one)
 * and wait, bounded, until every sentinel agrees on the new master, the old one is a connected
 * replica of it and every sentinel sees every replica healthy; only then is the group drawn
 * again (the servers' ROLE is polled first, the sentinels only once the servers look whole, so
 * the polling stays off the processes being measured). `--simultaneous K` fails K groups of each
 * family at once per round instead, both families in step (one random phase, one kind per round),
 * starts recovering only once every fault of the round is closed, and waits for every group to be
 * whole before the next round. Rounds = max(number of kinds, ⌈count / K⌉).
 *
 *   switch    = last sentinel's first +switch-master − fault      (the client-visible end)
 *   overshoot = switch − down-after                                 (the targets of issue 5)
 *
 * Counted per family: failed (some sentinel has no +switch-master within --bound), doubled (a
 * sentinel publishes +switch-master twice for one fault, or two sentinels +elected-leader),
 * phantom (+sdown / +try-failover / +switch-master of a master that is not faulted: e.g. the
 * freshly promoted one), aborted elections (every `-failover-abort-*`), +tilt, and sdown flaps
 * (+sdown of any instance withdrawn within 250 ms by the same sentinel). The election stage table
 * shows where the time goes, the cost of Sentinel's random start desync (or of its absence: split
 * votes) included.
 *
 * Bounded: nothing starts after --deadline minus the time one fault may take; every wait ends at
 * the deadline; 30 s past it the process exits. Every process is killed and every temp dir
 * removed on exit, on errors and on Ctrl-C (bench/lib/reaper.ts).
 */
import { intFlag } from './lib/flags.js';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeCommand, fields, RawClient, type Value } from '../test/helpers/raw-client.js';
import { injectFault, rng, shuffle, FAULT_KINDS, type FaultKind } from './lib/faults.js';
import { Fleet, RedisServer, sleep } from './lib/fleet.js';
import { EventStream, IMPL_NAME, startMonitor, type Impl, type Monitor, type SentinelEvent } from './lib/monitors.js';
import { Progress } from './lib/progress.js';
import { reapAll } from './lib/reaper.js';
import { percentile, table } from './lib/stats.js';

interface Options {
  groups: number;
  replicas: number;
  downAfter: number;
  failoverTimeout: number;
  kinds: FaultKind[];
  simultaneous: number;
  count: number;
  boundMs: number;
  deadlineS: number;
  seed: number;
  json: string | null;
  logs: string | null;
}

const USAGE =
  'failover [--groups N=5] [--replicas R=1] [--down-after MS=1000] [--failover-timeout MS=5000] [--faults kill,hang]\n' +
  '         [--simultaneous K] [--count F=16] [--bound MS] [--deadline S=170] [--seed N] [--json PATH] [--logs DIR]';

/** Sentinels per family, and the quorum they run with. */
const SENTINELS = 3;
const QUORUM = 2;
/** how long a recovered group may take to be whole again: Sentinel converts a returning old master
 * only after it has been up for 4 × the 2 s publish period (sentinel.c +convert-to-slave) */
const RECOVERY_MS = 30_000;
/** Issue 5: Argus's switch overshoot as a fraction of redis-sentinel's. */
const TARGET: Record<FaultKind, number> = { kill: 0.3, hang: 0.6 };
/** an +sdown withdrawn this soon was a flap, not a detection */
const FLAP_MS = 250;

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      groups: { type: 'string' },
      replicas: { type: 'string' },
      'down-after': { type: 'string' },
      'failover-timeout': { type: 'string' },
      faults: { type: 'string' },
      simultaneous: { type: 'string' },
      count: { type: 'string' },
      bound: { type: 'string' },
      deadline: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      logs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = intFlag(USAGE);
  const groups = int('groups', values.groups, 5, 1, 200);
  const downAfter = int('down-after', values['down-after'], 1000, 100, 60_000);
  const failoverTimeout = int('failover-timeout', values['failover-timeout'], 5000, 1000, 600_000);
  const kinds = (values.faults ?? 'kill,hang').split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) if (!FAULT_KINDS.includes(k as FaultKind)) throw new Error(`--faults takes ${FAULT_KINDS.join(',')} (got '${k}')\n${USAGE}`);
  if (kinds.length === 0) throw new Error(`--faults names no fault\n${USAGE}`);
  const simultaneous = int('simultaneous', values.simultaneous, 0, 0, groups);
  return {
    groups,
    replicas: int('replicas', values.replicas, 1, 1, 4),
    downAfter,
    failoverTimeout,
    kinds: [...new Set(kinds)] as FaultKind[],
    simultaneous,
    count: int('count', values.count, 16, 1, 10_000),
    // one failed election plus its retry, 2 × failover-timeout after the first start, fits
    boundMs: int('bound', values.bound, downAfter + 2 * failoverTimeout + 5_000, 1_000, 3_600_000),
    deadlineS: int('deadline', values.deadline, 170, 10, 86_400),
    seed: int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    json: values.json ?? null,
    logs: values.logs ?? null,
  };
}

// ---------------------------------------------------------------------------------------------

/** Serial commands over one kept connection (reopened after an error), with a reply timeout. */
class Querier {
  readonly port: number;
  #client: RawClient | null = null;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(port: number) {
    this.port = port;
  }

  call(...args: string[]): Promise<Value> {
    const p = this.#chain.then(async () => {
      try {
        this.#client ??= await RawClient.open(this.port);
        this.#client.send(encodeCommand(...args));
        return (await this.#client.read(10_000)).value;
      } catch (e) {
        this.#client?.close();
        this.#client = null;
        throw e;
      }
    });
    this.#chain = p.catch(() => {});
    return p;
  }

  close(): void {
    this.#client?.close();
    this.#client = null;
  }
}

/** One command on a fresh connection (to a redis-server that may be down or hung). */
async function callOnce(port: number, timeoutMs: number, ...args: string[]): Promise<Value> {
  const c = await RawClient.open(port);
  try {
    c.send(encodeCommand(...args));
    return (await c.read(timeoutMs)).value;
  } finally {
    c.close();
  }
}

/** What one sentinel published about one fault (performance.now() arrival times). */
interface Seen {
  sdownAt?: number;
  odownAt?: number;
  tryAt?: number;
  electedAt?: number;
  switchAt?: number;
  switchTo?: number;
  switches: number;
  aborts: string[];
}

interface Fault {
  id: number;
  impl: Impl;
  group: string;
  port: number;
  kind: FaultKind;
  phaseMs: number;
  /** +∞ until the signal is sent */
  at: number;
  seen: Seen[];
  /** every sentinel switched, or the bound passed */
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

interface Oddity {
  impl: Impl;
  sentinel: number;
  at: number;
  phase: string;
  channel: string;
  payload: string;
}

interface Family {
  impl: Impl;
  prefix: string;
  fleet: Fleet | null;
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
}

const fmt = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const ratio = (a: number, b: number): string => (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0 || a < 0 ? 'n/a' : (a / b).toFixed(2));
const max = (xs: readonly number[]): number => (xs.length ? Math.max(...xs) : Number.NaN);
const min = (xs: readonly number[]): number => (xs.length ? Math.min(...xs) : Number.NaN);
/** last − first of the defined times; NaN with fewer than two */
const spread = (ts: readonly (number | undefined)[]): number => {
  const xs = ts.filter((t): t is number => t !== undefined);
  return xs.length < 2 ? Number.NaN : max(xs) - min(xs);
};

/** `master <name> <ip> <port> ...` → name and port; null for other instance types or shapes. */
function masterOf(payload: string): { name: string; port: number } | null {
  const w = payload.split(' ');
  if (w[0] !== 'master' || w.length < 4) return null;
  return { name: w[1]!, port: Number(w[3]) };
}

export async function run(args: string[] = []): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(args);
  } catch (e) {
    process.stderr.write(`failover: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const random = rng(o.seed);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const t0 = performance.now();
  const deadline = t0 + o.deadlineS * 1000;
  // A last resort if something hangs past every bounded wait: exit; the reaper's exit hook
  // kills every child and removes every temp dir.
  const watchdog = setTimeout(() => {
    process.stderr.write(`failover: still running 30 s past --deadline ${o.deadlineS} s; exiting\n`);
    process.exit(3);
  }, o.deadlineS * 1000 + 30_000);
  watchdog.unref();

  const rounds = o.simultaneous > 0 ? Math.max(o.kinds.length, Math.ceil(o.count / o.simultaneous)) : 0;
  out(
    `groups ${o.groups} per family (master + ${o.replicas} replica${o.replicas > 1 ? 's' : ''}), ${SENTINELS} argus on a0..a${o.groups - 1}, ` +
      `${SENTINELS} redis-sentinel on r0..r${o.groups - 1}, quorum ${QUORUM}, down-after-milliseconds ${o.downAfter}, failover-timeout ${o.failoverTimeout}`,
  );
  out(
    `faults ${o.kinds.join(',')}, ` +
      (o.simultaneous > 0 ? `${o.simultaneous} groups of each family at once, ${rounds} rounds` : `one group of each family at a time, ${o.count} per family`) +
      `, failed after ${o.boundMs} ms, deadline ${o.deadlineS} s, seed ${o.seed}`,
  );

  let phase = 'setup';
  const faults: Fault[] = [];
  const fams: Record<Impl, Family> = {
    argus: { impl: 'argus', prefix: 'a', fleet: null, groups: [], byName: new Map(), mons: [], streams: [], queriers: [], counts: new Map(), phantoms: [], aborts: [], tilts: [], flaps: [], sdownAt: new Map() },
    redis: { impl: 'redis', prefix: 'r', fleet: null, groups: [], byName: new Map(), mons: [], streams: [], queriers: [], counts: new Map(), phantoms: [], aborts: [], tilts: [], flaps: [], sdownAt: new Map() },
  };
  const families = [fams.argus, fams.redis];
  const recoveries = new Set<Promise<void>>();

  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
    wakers.clear();
  };
  /** Waits until `pred()` or `until` (performance.now() time, capped at the deadline); re-checks on every event. */
  const until = async (pred: () => boolean, untilAt: number): Promise<boolean> => {
    const end = Math.min(untilAt, deadline);
    for (;;) {
      if (pred()) return true;
      const left = end - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 250));
        wakers.add(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  };

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
      const g = fam.byName.get(name ?? '');
      const f = g?.fault;
      if (f && Number(oldPort) === f.port && e.at >= f.at) {
        const seen = f.seen[s]!;
        seen.switches++;
        if (seen.switchAt === undefined) {
          seen.switchAt = e.at;
          seen.switchTo = Number(newPort);
          if (e.at > f.at + o.boundMs) f.late = true;
        }
      } else fam.phantoms.push(odd);
      wake();
      return;
    }
    if (e.channel === '+sdown') fam.sdownAt.set(`${s} ${e.payload}`, e.at);
    if (e.channel === '-sdown') {
      const since = fam.sdownAt.get(`${s} ${e.payload}`);
      if (since !== undefined && e.at - since <= FLAP_MS) fam.flaps.push({ ...odd, channel: `+sdown/-sdown within ${fmt(e.at - since)} ms:` });
    }
    const m = masterOf(e.payload);
    if (e.channel.startsWith('-failover-abort-')) fam.aborts.push(odd);
    if (!m) return;
    const g = fam.byName.get(m.name);
    const f = g?.fault;
    const mine = !!f && m.port === f.port && e.at >= f.at;
    const seen = mine ? f!.seen[s]! : null;
    switch (e.channel) {
      case '+sdown':
        if (seen) seen.sdownAt ??= e.at;
        else fam.phantoms.push(odd);
        break;
      case '+odown':
        if (seen) seen.odownAt ??= e.at;
        else fam.phantoms.push(odd);
        break;
      case '+try-failover':
        if (seen) seen.tryAt ??= e.at;
        else fam.phantoms.push(odd);
        break;
      case '+elected-leader':
        if (seen) seen.electedAt ??= e.at;
        else fam.phantoms.push(odd);
        break;
      default:
        if (seen && e.channel.startsWith('-failover-abort-')) seen.aborts.push(e.channel);
    }
    wake();
  };

  const switchedAll = (f: Fault) => f.seen.every((x) => x.switchAt !== undefined);
  const openFaults = (fam: Family) => fam.groups.filter((g) => g.fault && g.fault.closedAt === undefined).length;
  const recovering = (fam: Family) => fam.groups.filter((g) => g.fault && g.fault.closedAt !== undefined).length;
  const progress = new Progress(() => {
    if (phase !== 'faults') return phase;
    return families
      .map((fam) => {
        const fs = faults.filter((f) => f.impl === fam.impl);
        return `${IMPL_NAME[fam.impl]} ${fs.filter((f) => f.closedAt !== undefined).length}/${o.simultaneous ? rounds * o.simultaneous : o.count} ` +
          `(${openFaults(fam)} failing over, ${recovering(fam)} recovering, ${fs.filter((f) => f.failed).length} failed, ${fam.phantoms.length} phantom)`;
      })
      .join('; ');
  }).start();

  /**
   * Is the group whole? Every sentinel of the family names the same master with flags `master`,
   * knows its 2 peers and lists every other server as a healthy `slave`; that master says ROLE
   * master and every other server is a connected replica of it. Resolves with a reason when not.
   */
  const groupCheck = async (fam: Family, g: Group): Promise<{ ok: true; master: number } | { ok: false; why: string }> => {
    // The servers first: they are cheap to ask, and the polling stays off the sentinels being
    // measured until the servers already look whole.
    const roles = new Map<number, string[]>();
    for (const s of g.servers) {
      try {
        const role = await callOnce(s.port, 2_000, 'ROLE');
        roles.set(s.port, Array.isArray(role) ? role.map(String) : []);
      } catch (e) {
        return { ok: false, why: `ROLE of ${s.port}: ${(e as Error).message}` };
      }
    }
    const masters = [...roles].filter(([, r]) => r[0] === 'master').map(([port]) => port);
    if (masters.length !== 1) return { ok: false, why: `${masters.length} servers say ROLE master (${masters.join(', ')})` };
    const master = masters[0]!;
    for (const [port, r] of roles) {
      if (port !== master && (r[0] !== 'slave' || Number(r[2]) !== master || r[3] !== 'connected')) {
        return { ok: false, why: `ROLE of ${port} is ${r.slice(0, 4).join(' ')}, master is ${master}` };
      }
    }
    let views: { port: number; flags: string; others: number; replicas: Map<number, string> }[];
    try {
      views = await Promise.all(
        fam.queriers.map(async (q) => {
          const m = fields(await q.call('SENTINEL', 'MASTER', g.name));
          const reps = (await q.call('SENTINEL', 'REPLICAS', g.name)) as Value[];
          const replicas = new Map<number, string>();
          for (const r of Array.isArray(reps) ? reps : []) {
            const rf = fields(r);
            replicas.set(Number(rf.port), String(rf.flags));
          }
          return { port: Number(m.port), flags: String(m.flags), others: Number(m['num-other-sentinels']), replicas };
        }),
      );
    } catch (e) {
      return { ok: false, why: `sentinel query failed: ${(e as Error).message}` };
    }
    for (const [i, v] of views.entries()) {
      if (v.port !== master) return { ok: false, why: `sentinels name ${views.map((x) => x.port).join(', ')}, the servers ${master}` };
      if (v.flags !== 'master') return { ok: false, why: `sentinel #${i} flags the master ${v.flags}` };
      if (v.others !== SENTINELS - 1) return { ok: false, why: `sentinel #${i} knows ${v.others} other sentinels` };
      for (const s of g.servers) {
        if (s.port === master) continue;
        const flags = v.replicas.get(s.port);
        if (flags !== 'slave') return { ok: false, why: `sentinel #${i} sees replica ${s.port} as ${flags ?? 'unknown'}` };
      }
    }
    return { ok: true, master };
  };

  /** Polls groupCheck until whole or `untilAt`; sets masterPort and state. */
  const waitWhole = async (fam: Family, g: Group, untilAt: () => number): Promise<string | null> => {
    let why = '';
    for (;;) {
      const r = await groupCheck(fam, g);
      if (r.ok) {
        g.masterPort = r.master;
        return null;
      }
      why = r.why;
      if (performance.now() > Math.min(untilAt(), deadline)) return why;
      await sleep(500);
    }
  };

  /** Restart (kill) or SIGCONT (hang) the faulted server, then wait until the group is whole. */
  const recover = async (fam: Family, g: Group, f: Fault): Promise<void> => {
    const idx = g.servers.findIndex((s) => s.port === f.port);
    const server = g.servers[idx]!;
    try {
      if (f.kind === 'hang') server.resume();
      else {
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
      wake();
    }
  };

  const newFault = (fam: Family, g: Group, kind: FaultKind, phaseMs: number): Fault => {
    const f: Fault = {
      id: faults.length, impl: fam.impl, group: g.name, port: g.masterPort, kind, phaseMs, at: Infinity,
      seen: Array.from({ length: SENTINELS }, () => ({ switches: 0, aborts: [] })),
    };
    faults.push(f);
    g.fault = f;
    g.state = 'busy';
    return f;
  };

  const inject = async (g: Group, f: Fault): Promise<void> => {
    const server = g.servers.find((s) => s.port === f.port)!;
    f.at = await injectFault(server, f.kind);
  };

  /** Waits for every sentinel's +switch-master, or the bound. */
  const closeFault = async (g: Group, f: Fault): Promise<void> => {
    await until(() => switchedAll(f), f.at + o.boundMs);
    f.closedAt = performance.now();
    f.failed = !switchedAll(f) || f.late === true;
    if (f.failed) progress.note(`${g.name}: ${f.kind} of ${f.port}: ${f.seen.filter((x) => x.switchAt !== undefined).length}/${SENTINELS} sentinels switched within ${o.boundMs} ms`);
  };

  const startRecovery = (fam: Family, g: Group, f: Fault): void => {
    const p = recover(fam, g, f);
    recoveries.add(p);
    void p.finally(() => recoveries.delete(p));
  };

  const latestStart = () => deadline - o.boundMs - 1_000;
  const readyGroups = (fam: Family) => fam.groups.filter((g) => g.state === 'ready');

  /** One fault at a time in this family; groups recover in the background. */
  const oneAtATime = async (fam: Family, plan: FaultKind[]): Promise<void> => {
    for (const kind of plan) {
      if (!(await until(() => readyGroups(fam).length > 0 || fam.groups.every((g) => g.state === 'out'), latestStart()))) return;
      const ready = readyGroups(fam);
      if (ready.length === 0) return;
      const g = ready[Math.floor(random() * ready.length)]!;
      const f = newFault(fam, g, kind, Math.floor(random() * 1000));
      await sleep(f.phaseMs);
      await inject(g, f);
      await closeFault(g, f);
      startRecovery(fam, g, f);
    }
  };

  /**
   * K groups of each family at once per round, both families in step (same phase, same kind);
   * recovery starts only once every fault of the round is closed, so that no recovery polling
   * runs while the others fail over; the round ends when every group is whole again.
   */
  const simultaneousRounds = async (plan: FaultKind[]): Promise<void> => {
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
    // Fleets, one after the other (each probes its ports free before starting on them).
    for (const fam of families) {
      phase = `starting the ${IMPL_NAME[fam.impl]} family's fleet`;
      // hz 10 (Redis's default) rather than the fleet's 1: a small fleet, and a failover waits on
      // replication events that a busier server cron handles sooner
      fam.fleet = await Fleet.start({
        masters: o.groups, replicas: o.replicas, random, namePrefix: fam.prefix, replicaPriority: 100, extraArgs: ['--hz', '10'],
      });
      for (const m of fam.fleet.masters) {
        const g: Group = { impl: fam.impl, name: m.name, servers: [m.server, ...m.replicas], masterPort: m.server.port, state: 'ready', fault: null };
        fam.groups.push(g);
        fam.byName.set(g.name, g);
      }
    }

    phase = 'starting 6 sentinels';
    const config = (fam: Family) =>
      fam.groups
        .map((g) =>
          `sentinel monitor ${g.name} 127.0.0.1 ${g.masterPort} ${QUORUM}\n` +
          `sentinel down-after-milliseconds ${g.name} ${o.downAfter}\n` +
          `sentinel failover-timeout ${g.name} ${o.failoverTimeout}\n`,
        )
        .join('');
    await Promise.all(
      families.flatMap((fam) =>
        Array.from({ length: SENTINELS }, async (_, s) => {
          const mon = await startMonitor(fam.impl, config(fam));
          fam.mons[s] = mon;
          fam.queriers[s] = new Querier(mon.port);
          fam.streams[s] = await EventStream.open(mon.port, onEvent(fam, s));
        }),
      ),
    );

    phase = 'waiting until every sentinel knows its 2 peers and the replicas';
    const settleStart = performance.now();
    const settleBound = settleStart + 30_000 + 200 * o.groups;
    const unsettled = (
      await Promise.all(families.flatMap((fam) => fam.groups.map(async (g) => ({ g, why: await waitWhole(fam, g, () => settleBound) }))))
    ).filter((x) => x.why !== null);
    for (const { g, why } of unsettled) {
      g.state = 'out';
      progress.note(`${g.name}: not settled (${why}); left out`);
    }
    if (families.some((fam) => fam.groups.every((g) => g.state === 'out'))) throw new Error('a family has no settled group');
    progress.note(`sentinels settled ${fmt(performance.now() - settleStart)} ms after start (${fmt(performance.now() - t0)} ms into the run)`);

    phase = 'faults';
    const faultPhaseStart = performance.now();
    const plan = o.simultaneous > 0
      ? Array.from({ length: rounds }, (_, i) => o.kinds[i % o.kinds.length]!)
      : shuffle(Array.from({ length: o.count }, (_, i) => o.kinds[i % o.kinds.length]!), random);
    if (o.simultaneous > 0) await simultaneousRounds(plan);
    else await Promise.all(families.map((fam) => oneAtATime(fam, plan)));
    // Let the last groups recover: it shows the last failovers' phantoms, and each old master
    // coming back as a replica.
    phase = 'last recoveries';
    while (recoveries.size > 0 && performance.now() < deadline) await Promise.race([...recoveries, sleep(1_000)]);
    const faultPhaseS = (performance.now() - faultPhaseStart) / 1000;
    phase = 'done';
    progress.stop();

    // ----- report -----
    const impls: Impl[] = ['argus', 'redis'];
    for (const fam of families) {
      for (const [s, m] of fam.mons.entries()) if (!m.alive()) out(`WARNING: ${IMPL_NAME[fam.impl]} #${s} exited during the run; its log ends:\n${m.logTail()}`);
    }
    const injected = faults.filter((f) => Number.isFinite(f.at));
    const done = (f: Fault) => !f.failed && switchedAll(f);
    const switchMs = (f: Fault) => max(f.seen.map((x) => x.switchAt!)) - f.at;
    const odownMs = (f: Fault) => min(f.seen.filter((x) => x.odownAt !== undefined).map((x) => x.odownAt!)) - f.at;
    const leader = (f: Fault) => f.seen.find((x) => x.electedAt !== undefined);
    out('');
    out(`fault phase ${fmt(faultPhaseS, 1)} s, whole run ${fmt((performance.now() - t0) / 1000, 1)} s`);
    for (const kind of o.kinds) {
      const of = (impl: Impl) => injected.filter((f) => f.kind === kind && f.impl === impl);
      out('');
      out(
        `${kind} (${kind === 'kill' ? 'SIGKILL; restarted empty after the switch' : 'SIGSTOP; SIGCONT after the switch'}): ms from the fault; ` +
          `switch = +switch-master on every sentinel (the last one); overshoot = switch − ${o.downAfter}`,
      );
      const stat = (impl: Impl, metric: (f: Fault) => number) => of(impl).filter(done).map(metric).filter(Number.isFinite);
      const cells = (xs: number[]) => [fmt(percentile(xs, 50)), fmt(percentile(xs, 99)), fmt(max(xs))];
      const rows = impls.map((impl) => {
        const fs = of(impl);
        const sw = stat(impl, switchMs);
        return [
          IMPL_NAME[impl], `${fs.filter(done).length}/${fs.length}`, String(fs.filter((f) => f.failed).length),
          ...cells(stat(impl, odownMs)), ...cells(sw), ...cells(sw.map((x) => x - o.downAfter)),
        ];
      });
      const rat = (metric: (f: Fault) => number, shift = 0) => {
        const a = stat('argus', metric).map((x) => x - shift);
        const b = stat('redis', metric).map((x) => x - shift);
        return [ratio(percentile(a, 50), percentile(b, 50)), ratio(percentile(a, 99), percentile(b, 99)), ratio(max(a), max(b))];
      };
      rows.push(['ratio argus/redis', '', '', ...rat(odownMs), ...rat(switchMs), ...rat(switchMs, o.downAfter)]);
      table(['monitor', 'done', 'failed', '+odown p50', 'p99', 'max', 'switch p50', 'p99', 'max', 'overshoot p50', 'p99', 'max'], rows);
      const a = stat('argus', switchMs).map((x) => x - o.downAfter);
      const b = stat('redis', switchMs).map((x) => x - o.downAfter);
      const verdict = (p: number) => {
        const x = percentile(a, p);
        const y = percentile(b, p);
        if (!Number.isFinite(x) || !Number.isFinite(y) || y <= 0) return `p${p} n/a`;
        return `p${p} ${fmt((100 * x) / y)} % (${fmt(x)} vs ${fmt(y)} ms) ${x <= TARGET[kind] * y ? 'met' : 'NOT met'}`;
      };
      out(`target (issue 5): argus overshoot ≤ ${TARGET[kind] * 100} % of redis-sentinel's: ${verdict(50)}; ${verdict(99)}`);
    }

    // Counts.
    out('');
    const countRows = impls.map((impl) => {
      const fam = fams[impl];
      const fs = injected.filter((f) => f.impl === impl);
      const doubledSwitch = fs.filter((f) => f.seen.some((x) => x.switches > 1)).length;
      const twoLeaders = fs.filter((f) => f.seen.filter((x) => x.electedAt !== undefined).length > 1).length;
      const ph = (ch: string) => {
        const xs = fam.phantoms.filter((p) => p.channel === ch);
        const early = xs.filter((p) => p.phase !== 'faults' && p.phase !== 'last recoveries').length;
        return early ? `${xs.length} (${early} at start-up)` : String(xs.length);
      };
      const abortKinds = new Map<string, number>();
      for (const a of fam.aborts) abortKinds.set(a.channel, (abortKinds.get(a.channel) ?? 0) + 1);
      return [
        IMPL_NAME[impl], String(fs.length), String(fs.filter((f) => f.failed).length), String(doubledSwitch), String(twoLeaders),
        ph('+sdown'), ph('+odown'), ph('+try-failover'), ph('+elected-leader'), ph('+switch-master'),
        fam.aborts.length ? `${fam.aborts.length} (${[...abortKinds].map(([k, v]) => `${k} ${v}`).join(', ')})` : '0',
        String(fam.tilts.length), String(fam.flaps.length), String(fs.filter((f) => f.recovery !== undefined).length),
      ];
    });
    table(
      ['monitor', 'faults', 'failed', 'doubled switch', 'two leaders', 'phantom +sdown', '+odown', '+try-failover', '+elected-leader', '+switch-master', 'aborted', '+tilt', 'sdown flaps', 'not recovered'],
      countRows,
    );
    out('failed: a sentinel without +switch-master within the bound; doubled switch: a sentinel switched twice for one fault;');
    out('phantom: the event about a master that was not faulted (the phantom columns count events, over all sentinels); aborted: every -failover-abort-*;');
    out(`sdown flaps: +sdown of any instance withdrawn (-sdown) by the same sentinel within ${FLAP_MS} ms.`);
    out('target (issue 5): zero failed, doubled or phantom failovers; with --simultaneous 50, all completed and no aborted election.');

    // Where the time goes, and what Sentinel's random desync costs.
    out('');
    out('election stages of completed failovers, ms (leader = the sentinel that published +elected-leader)');
    const stageRows: string[][] = [];
    const stages: [string, (f: Fault) => number][] = [
      ['fault → first +sdown', (f) => min(f.seen.filter((x) => x.sdownAt !== undefined).map((x) => x.sdownAt!)) - f.at],
      ['first +sdown → first +odown', (f) => min(f.seen.filter((x) => x.odownAt !== undefined).map((x) => x.odownAt!)) - min(f.seen.filter((x) => x.sdownAt !== undefined).map((x) => x.sdownAt!))],
      ['first +odown → leader\'s +odown', (f) => (leader(f)?.odownAt ?? NaN) - odownMs(f) - f.at],
      ['leader: +odown → +try-failover', (f) => (leader(f)?.tryAt ?? NaN) - (leader(f)?.odownAt ?? NaN)],
      ['leader: +try-failover → +elected-leader', (f) => (leader(f)?.electedAt ?? NaN) - (leader(f)?.tryAt ?? NaN)],
      ['leader: +odown → +elected-leader', (f) => (leader(f)?.electedAt ?? NaN) - (leader(f)?.odownAt ?? NaN)],
      ['+elected-leader → leader\'s +switch-master', (f) => (leader(f)?.switchAt ?? NaN) - (leader(f)?.electedAt ?? NaN)],
      ['leader\'s → last +switch-master', (f) => max(f.seen.map((x) => x.switchAt!)) - (leader(f)?.switchAt ?? NaN)],
      // how far apart the sentinels act: Sentinel's only guard against split votes
      ['+sdown spread (last − first, ≥ 2 seen)', (f) => spread(f.seen.map((x) => x.sdownAt))],
      ['+try-failover spread (≥ 2 candidates)', (f) => spread(f.seen.map((x) => x.tryAt))],
    ];
    for (const [label, metric] of stages) {
      for (const impl of impls) {
        const xs = injected.filter((f) => f.impl === impl && done(f)).map(metric).filter(Number.isFinite);
        stageRows.push([label, IMPL_NAME[impl], String(xs.length), fmt(min(xs)), fmt(percentile(xs, 50)), fmt(percentile(xs, 99)), fmt(max(xs))]);
      }
    }
    table(['stage', 'monitor', 'n', 'min', 'p50', 'p99', 'max'], stageRows);
    for (const impl of impls) {
      const fs = injected.filter((f) => f.impl === impl && done(f));
      const cand = fs.map((f) => f.seen.filter((x) => x.tryAt !== undefined).length);
      const hist = [1, 2, 3].map((n) => `${n}: ${cand.filter((c) => c === n).length}`).join(', ');
      out(`${IMPL_NAME[impl]}: sentinels that published +try-failover per fault (${hist}); no leader seen in ${fs.filter((f) => !leader(f)).length}`);
      // A first election that ends with every candidate aborting costs 2 × failover-timeout:
      // the retry waits that long after the first start (plus Sentinel's random 0–999 ms).
      const lost = fs.filter((f) => f.seen.some((x) => x.aborts.length > 0));
      const sw = (xs: Fault[]) => xs.map(switchMs);
      out(
        `${IMPL_NAME[impl]}: failovers with an aborted election ${lost.length}/${fs.length}` +
          (lost.length ? ` (their switch p50 ${fmt(percentile(sw(lost), 50))} ms, the others' ${fmt(percentile(sw(fs.filter((f) => !lost.includes(f))), 50))} ms)` : ''),
      );
    }

    for (const fam of families) {
      const ev = [...fam.counts].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ');
      out(`${IMPL_NAME[fam.impl]} events: ${ev || 'none'}`);
    }
    const line = (e: Oddity) => `${IMPL_NAME[e.impl]} #${e.sentinel} ${e.channel} ${e.payload} (${fmt((e.at - t0) / 1000, 2)} s, phase ${e.phase})`;
    const oddities = families.flatMap((fam) => [...fam.phantoms, ...fam.aborts, ...fam.tilts]).sort((x, y) => x.at - y.at);
    for (const e of oddities.slice(0, 20)) out(`odd: ${line(e)}`);
    if (oddities.length > 20) out(`... ${oddities.length - 20} more (all in --json)`);
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

    if (o.json) {
      const rel = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? null : +(t - t0).toFixed(3));
      writeFileSync(
        o.json,
        JSON.stringify(
          {
            bench: 'failover',
            options: o,
            note: 'times in ms since the bench started (performance.now()); seen[i] = sentinel #i of the family',
            faults: faults.map((f) => ({
              ...f, at: rel(f.at), closedAt: rel(f.closedAt), recoveredAt: rel(f.recoveredAt), readyAt: rel(f.readyAt),
              seen: f.seen.map((x) => ({ ...x, sdownAt: rel(x.sdownAt), odownAt: rel(x.odownAt), tryAt: rel(x.tryAt), electedAt: rel(x.electedAt), switchAt: rel(x.switchAt) })),
            })),
            oddities: oddities.map((e) => ({ ...e, at: rel(e.at) })),
            flaps: families.flatMap((fam) => fam.flaps).map((e) => ({ ...e, at: rel(e.at) })),
            events: Object.fromEntries(families.map((fam) => [fam.impl, Object.fromEntries(fam.counts)])),
          },
          null,
          1,
        ),
      );
      out(`raw samples written to ${o.json}`);
    }
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
