/**
 * The bench side of the simulator: lays out N masters with R replicas each on loopback
 * addresses, spreads them over as many simulator processes as file descriptors require (a
 * master and its replicas always in one process, so INFO, PUBLISH and SLAVEOF stay consistent),
 * and drives faults and stats over IPC.
 *
 * Descriptors: an instance costs its simulator one listening socket plus one accepted socket
 * per sentinel connection (2 per sentinel: command + pub/sub). `ulimit -n` caps every process,
 * so the default share per process is what fits under this process's soft limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FromSim, SimAddr, SimGroupSpec, SimOptions, ToSim } from './protocol.js';
import { simIp } from './protocol.js';
import type { FaultAction, SimStats } from './server.js';

export interface SimFleetOptions {
  readonly masters: number;
  readonly replicas: number;
  /** the port every instance listens on (default 6379) */
  readonly port?: number;
  /** second octet of the first address: 127.<octet>.0.1 (default 64) */
  readonly octet?: number;
  /** how many sentinels will connect to every instance, for the descriptor budget (default 1) */
  readonly sentinels?: number;
  /** instances per simulator process (default: what the descriptor limit allows, at most 3000) */
  readonly perProcess?: number;
  readonly replicaPriority?: number;
  readonly propagatePublish?: boolean;
  readonly password?: string | null;
  readonly seed?: number;
  /** master names are `<namePrefix><i>` (default `m`) */
  readonly namePrefix?: string;
  /** called with every process started (a bench registers them with its reaper) */
  readonly onProcess?: (child: ChildProcess) => void;
  readonly startTimeoutMs?: number;
}

export interface SimGroup extends SimGroupSpec {
  readonly name: string;
  /** index of the simulator process that hosts it */
  readonly proc: number;
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
/** descriptors a simulator process keeps for itself (stdio, IPC, epoll, libuv, V8) */
const FD_RESERVE = 200;

/** Soft RLIMIT_NOFILE of this process (inherited by the simulator processes). */
export function nofileSoftLimit(): number {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return m?.[1] === 'unlimited' ? 1 << 20 : Number(m?.[1] ?? 1024);
  } catch {
    return 1024;
  }
}

export const addrOf = (a: SimAddr): string => `${a.ip}:${a.port}`;

class Proc {
  readonly child: ChildProcess;
  readonly #waiters = new Map<number, (m: FromSim) => void>();
  #nextId = 1;
  exited = false;

  constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (m: FromSim) => {
      if ('id' in m) {
        this.#waiters.get(m.id)?.(m);
        this.#waiters.delete(m.id);
      }
    });
    child.once('exit', () => {
      this.exited = true;
      for (const w of this.#waiters.values()) w({ type: 'failed', message: 'simulator process exited' });
      this.#waiters.clear();
    });
  }

  request(make: (id: number) => ToSim, timeoutMs = 30_000): Promise<FromSim> {
    if (this.exited) return Promise.reject(new Error('simulator process has exited'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiters.delete(id);
        reject(new Error(`simulator process ${this.child.pid} did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(id, (m) => {
        clearTimeout(t);
        if (m.type === 'failed') reject(new Error(m.message));
        else resolve(m);
      });
      this.child.send(make(id));
    });
  }
}

export class SimFleet {
  readonly groups: readonly SimGroup[];
  readonly byName: ReadonlyMap<string, SimGroup>;
  readonly #procs: Proc[];

  private constructor(groups: SimGroup[], procs: Proc[]) {
    this.groups = groups;
    this.byName = new Map(groups.map((g) => [g.name, g]));
    this.#procs = procs;
  }

  get pids(): number[] {
    return this.#procs.map((p) => p.child.pid!);
  }

  get processes(): number {
    return this.#procs.length;
  }

  /** Lays out the fleet, starts the simulator processes, resolves once every instance listens. */
  static async start(opts: SimFleetOptions): Promise<SimFleet> {
    const { masters, replicas, port = 6379, octet = 64, sentinels = 1, namePrefix = 'm', startTimeoutMs = 60_000 } = opts;
    const perGroup = 1 + replicas;
    const fit = Math.floor((nofileSoftLimit() - FD_RESERVE) / (1 + 2 * sentinels));
    const perProcess = Math.max(perGroup, opts.perProcess ?? Math.min(3000, fit));
    const groupsPerProc = Math.max(1, Math.floor(perProcess / perGroup));
    const groups: SimGroup[] = [];
    let next = 0;
    for (let i = 0; i < masters; i++) {
      const master = { ip: simIp(next++, octet), port };
      const reps = Array.from({ length: replicas }, () => ({ ip: simIp(next++, octet), port }));
      groups.push({ name: `${namePrefix}${i}`, master, replicas: reps, proc: Math.floor(i / groupsPerProc) });
    }
    const nProcs = Math.ceil(masters / groupsPerProc);
    const options: SimOptions = {
      replicaPriority: opts.replicaPriority ?? 100,
      propagatePublish: opts.propagatePublish ?? true,
      password: opts.password ?? null,
      seed: opts.seed ?? 1,
    };
    const procs: Proc[] = [];
    const fleet = new SimFleet(groups, procs);
    try {
      for (let p = 0; p < nProcs; p++) {
        const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
        opts.onProcess?.(child);
        procs.push(new Proc(child));
      }
      await Promise.all(
        procs.map(
          (proc, p) =>
            new Promise<void>((resolve, reject) => {
              const t = setTimeout(() => reject(new Error(`simulator process ${p} not ready in ${startTimeoutMs} ms`)), startTimeoutMs);
              const done = (e?: Error) => {
                clearTimeout(t);
                proc.child.off('message', onMsg);
                if (e) reject(e);
                else resolve();
              };
              const onMsg = (m: FromSim) => {
                if (m.type === 'ready') done();
                else if (m.type === 'failed') done(new Error(`simulator process ${p}: ${m.message}`));
              };
              proc.child.on('message', onMsg);
              proc.child.once('exit', (code, sig) => done(new Error(`simulator process ${p} exited (${code ?? sig}) before it was ready`)));
              proc.child.send({
                type: 'start',
                groups: groups.filter((g) => g.proc === p).map(({ master, replicas: r }) => ({ master, replicas: r })),
                options: { ...options, seed: options.seed + p },
              } satisfies ToSim);
            }),
        ),
      );
    } catch (e) {
      await fleet.stop();
      throw e;
    }
    return fleet;
  }

  /**
   * Does `action` to the instances at `addrs` (`ip:port`), in parallel over their processes.
   * Resolves with each address's fault time (epoch ms, taken in its simulator process).
   */
  async fault(action: FaultAction, addrs: readonly string[]): Promise<Map<string, number>> {
    const byProc = new Map<number, string[]>();
    const procOf = new Map<string, number>();
    for (const g of this.groups) for (const a of [g.master, ...g.replicas]) procOf.set(addrOf(a), g.proc);
    for (const a of addrs) {
      const p = procOf.get(a);
      if (p === undefined) throw new Error(`no simulated instance at ${a}`);
      const list = byProc.get(p) ?? [];
      list.push(a);
      byProc.set(p, list);
    }
    const at = new Map<string, number>();
    await Promise.all(
      [...byProc].map(async ([p, list]) => {
        const m = await this.#procs[p]!.request((id) => ({ type: 'fault', id, action, addrs: list }));
        if (m.type === 'done') for (const a of list) at.set(a, m.at);
      }),
    );
    return at;
  }

  /** Counters summed over every simulator process. */
  async stats(timeoutMs = 30_000): Promise<SimStats> {
    const all = await Promise.all(this.#procs.map((p) => p.request((id) => ({ type: 'stats', id }), timeoutMs)));
    const sum = { instances: 0, up: 0, linked: 0, infoServed: 0, connections: 0, commands: 0 };
    for (const m of all) {
      if (m.type !== 'stats') continue;
      for (const k of Object.keys(sum) as (keyof SimStats)[]) sum[k] += m.stats[k];
    }
    return sum;
  }

  /** Stops every simulator process (SIGKILL after 3 s). */
  async stop(): Promise<void> {
    await Promise.all(
      this.#procs.map(async (p) => {
        if (p.exited) return;
        const gone = new Promise((r) => p.child.once('exit', r));
        try {
          p.child.send({ type: 'stop' } satisfies ToSim);
        } catch {
          // channel already closed
        }
        const t = setTimeout(() => p.child.kill('SIGKILL'), 3_000);
        await gone;
        clearTimeout(t);
      }),
    );
  }
}
