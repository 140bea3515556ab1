/**
 * A fleet of real redis-server processes on loopback: N masters, each with R replicas started
 * with `--replicaof`. Each server can be hung (SIGSTOP), continued, killed (SIGKILL) and
 * restarted on the same port.
 *
 * Ports are taken below the kernel's ephemeral range (ip_local_port_range), so no outgoing
 * connection — ours, the monitors', another test's `freePort()` — can take a killed master's port
 * before it is restarted. They are probed by binding them all at once, then released.
 *
 * Servers are small: no persistence, diskless replication with no delay, a 16 KB backlog,
 * `--maxclients` 64, `--hz 1`, one dir each (for nothing but the log). At the default hz 10 an
 * idle redis-server costs ~0.9 ms CPU a second here, so 1000 of them would take half of a 2-core
 * box from the monitors being measured; at hz 1 it is ~0.1 ms (replication cron still runs once a
 * second, and PING replies do not depend on hz). Replicas get `replica-priority 0` by default
 * so a sentinel that reaches ODOWN (quorum 1) can never promote one: the fleet's shape stays
 * fixed for the whole run (the failover bench asks for promotable replicas).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { RawClient } from '../../test/helpers/raw-client.js';
import { trackChild, trackedTempDir } from './reaper.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const tryListen = (port: number): Promise<Server | null> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(srv));
  });

/** `n` distinct ports free on 127.0.0.1 now, below the ephemeral range, from a random start. */
export async function allocatePorts(n: number, random: () => number = Math.random): Promise<number[]> {
  const high = ephemeralLow() - 1;
  const low = 10_000;
  const span = high - low + 1;
  if (n > span / 2) throw new Error(`cannot allocate ${n} ports in ${low}..${high}`);
  let port = low + Math.floor(random() * span);
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let tried = 0; ports.length < n; tried++) {
      if (tried > span) throw new Error(`only ${ports.length} of ${n} ports free in ${low}..${high}`);
      port = port >= high ? low : port + 1;
      const srv = await tryListen(port);
      if (srv) {
        held.push(srv);
        ports.push(port);
      }
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
  return ports;
}

/** Resolves true once 127.0.0.1:port accepts a connection, false after `timeoutMs` or if `gone()`. */
export async function waitPort(port: number, timeoutMs: number, gone: () => boolean = () => false): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !gone()) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return true;
    await sleep(15);
  }
  return false;
}

export type Role = 'master' | 'replica';

/** One redis-server: its port, its process, and the faults that can be done to it. */
export class RedisServer {
  readonly port: number;
  readonly role: Role;
  readonly dir: string;
  readonly args: string[];
  child: ChildProcess | null = null;
  /** 'up' | 'hung' (SIGSTOP) | 'dead' (SIGKILLed, not restarted) */
  state: 'up' | 'hung' | 'dead' = 'dead';
  restarts = 0;

  constructor(port: number, role: Role, dir: string, args: string[]) {
    this.port = port;
    this.role = role;
    this.dir = dir;
    this.args = args;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  #alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the server and waits until its port accepts connections. */
  async start(timeoutMs = 10_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const child = spawn(
      REDIS_SERVER,
      [
        '--port', String(this.port), '--bind', '127.0.0.1', '--daemonize', 'no',
        '--save', '', '--appendonly', 'no', '--dir', this.dir, '--logfile', join(this.dir, 'redis.log'),
        ...this.args,
      ],
      { stdio: 'ignore' },
    );
    trackChild(child);
    child.once('error', () => {});
    this.child = child;
    const ok = await waitPort(this.port, timeoutMs, () => child.exitCode !== null || child.signalCode !== null);
    if (!ok) {
      if (this.#alive()) child.kill('SIGKILL');
      let log = '';
      try {
        log = readFileSync(join(this.dir, 'redis.log'), 'latin1').split('\n').slice(-5).join('\n');
      } catch {
        // no log
      }
      throw new Error(`redis-server on port ${this.port} did not start (${log.trim() || 'no log'})`);
    }
    this.state = 'up';
  }

  /** SIGSTOP: the process keeps its sockets open and answers nothing. */
  hang(): void {
    this.child!.kill('SIGSTOP');
    this.state = 'hung';
  }

  /** SIGCONT after `hang`. */
  resume(): void {
    this.child!.kill('SIGCONT');
    this.state = 'up';
  }

  /** SIGKILL; resolves once the process is reaped (its port is then closed). */
  async kill(): Promise<void> {
    const child = this.child!;
    this.state = 'dead';
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Starts the server again on the same port (after `kill`); retries while the port is taken. */
  async restart(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.start();
        this.restarts++;
        return;
      } catch (e) {
        if (attempt >= 4) throw e;
        await sleep(250);
      }
    }
  }

  /** SIGKILL whatever state the process is in (a stopped process dies too). */
  async stop(): Promise<void> {
    if (this.#alive()) await this.kill();
    this.state = 'dead';
  }
}

export interface FleetMaster {
  readonly name: string;
  readonly server: RedisServer;
  readonly replicas: RedisServer[];
}

export interface FleetOptions {
  masters: number;
  replicas: number;
  /** extra redis-server arguments for every server */
  extraArgs?: string[];
  random?: () => number;
  onProgress?: (what: string) => void;
  /** how many servers are spawned at once */
  concurrency?: number;
  /** master names are `<namePrefix><i>` (default `m`) */
  namePrefix?: string;
  /**
   * `replica-priority` of the replicas (default 0: never promoted, for benches that must keep the
   * fleet's shape; a failover bench wants promotable replicas, e.g. Redis's default 100)
   */
  replicaPriority?: number;
}

/** N masters `m0..m<N-1>` (or `<namePrefix>0..`) each with R replicas, all up and replicating. */
export class Fleet {
  readonly dir: string;
  readonly masters: FleetMaster[] = [];
  readonly byName = new Map<string, FleetMaster>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  get servers(): RedisServer[] {
    return this.masters.flatMap((m) => [m.server, ...m.replicas]);
  }

  static async start(opts: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(trackedTempDir('argus-bench-fleet-'));
    const { masters: n, replicas: r, extraArgs = [], random = Math.random, onProgress = () => {}, concurrency = 24 } = opts;
    const { namePrefix = 'm', replicaPriority = 0 } = opts;
    const ports = await allocatePorts(n * (1 + r), random);
    const common = ['--maxclients', '64', '--hz', '1', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0',
      '--repl-diskless-load', 'swapdb', '--repl-backlog-size', '16kb', ...extraArgs];
    for (let i = 0; i < n; i++) {
      const mp = ports[i * (1 + r)]!;
      const server = new RedisServer(mp, 'master', join(fleet.dir, String(mp)), common);
      const replicas: RedisServer[] = [];
      for (let k = 1; k <= r; k++) {
        const rp = ports[i * (1 + r) + k]!;
        replicas.push(
          new RedisServer(rp, 'replica', join(fleet.dir, String(rp)), [
            ...common, '--replicaof', '127.0.0.1', String(mp), '--replica-priority', String(replicaPriority),
          ]),
        );
      }
      const m = { name: `${namePrefix}${i}`, server, replicas };
      fleet.masters.push(m);
      fleet.byName.set(m.name, m);
    }
    let started = 0;
    const total = n * (1 + r);
    const startOne = async (s: RedisServer) => {
      await s.start();
      if (++started % 50 === 0 || started === total) onProgress(`fleet: ${started}/${total} redis-server processes up`);
    };
    await pool(fleet.masters.map((m) => m.server), concurrency, startOne);
    await pool(fleet.masters.flatMap((m) => m.replicas), concurrency, startOne);
    if (r > 0) await fleet.waitReplicating(r, onProgress);
    return fleet;
  }

  /** Waits until every master reports `connected_slaves:<r>` with every replica `state=online`. */
  async waitReplicating(r: number, onProgress: (what: string) => void, timeoutMs = 60_000 + 100 * this.masters.length): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let done = 0;
    await pool(this.masters, 16, async (m) => {
      const c = await RawClient.open(m.server.port);
      try {
        for (;;) {
          const info = String((await c.call('INFO', 'replication')).value);
          const online = info.match(/^slave\d+:.*state=online/gm)?.length ?? 0;
          if (online >= r) break;
          if (performance.now() > deadline) throw new Error(`${m.name} (port ${m.server.port}): ${online}/${r} replicas online after ${timeoutMs} ms`);
          await sleep(50);
        }
      } finally {
        c.close();
      }
      if (++done % 50 === 0 || done === this.masters.length) onProgress(`fleet: ${done}/${this.masters.length} masters have all replicas online`);
    });
  }

  async stop(): Promise<void> {
    await pool(this.servers, 64, (s) => s.stop());
  }
}
