/**
 * The simulated fleet as data: instances addressed by ip:port, their roles and who replicates
 * from whom. PURE: time comes in as `now` (ms), chance as `random`; sockets live in server.ts.
 *
 * What a sentinel can observe is kept consistent across instances, because Sentinel
 * cross-checks it: a master lists as `slaveN` exactly the live replicas pointing at it, a
 * replica's `master_link_status` is up only while its master is alive and a master, and offsets
 * move together while the link is up (selectSlave prefers the largest).
 */

export type SimRole = 'master' | 'slave';
/** up: answers; hung: SIGSTOP-like (connections stay open, nothing is read); dead: SIGKILL-like */
export type SimState = 'up' | 'hung' | 'dead';

export const addrKey = (ip: string, port: number): string => `${ip}:${port}`;

/** Replication bytes per ms a master's offset grows by (a hello every 2 s is ~150 bytes). */
const OFFSET_RATE = 0.1;

/** One client connection as the simulator sees it; the I/O side supplies `push` and `kill`. */
export interface SimClient {
  readonly id: number;
  /** `ip:port` of the peer, for CLIENT KILL ADDR */
  readonly addr: string;
  name: string;
  readonly subscriptions: Set<string>;
  /** commands queued by MULTI, or null outside a transaction */
  multi: string[][] | null;
  /** a command in the transaction was refused: EXEC aborts (EXECABORT) */
  multiFailed: boolean;
  authed: boolean;
  /** writes an out-of-band frame (a pub/sub message) to this client */
  push(frame: Buffer): void;
  /** closes this client's connection (CLIENT KILL, QUIT) after what was already written */
  kill(): void;
}

export class SimInstance {
  readonly ip: string;
  readonly port: number;
  readonly key: string;
  runId = '';
  replId = '';
  role: SimRole;
  masterHost: string | null = null;
  masterPort = 0;
  priority: number;
  state: SimState = 'up';
  /** SCRIPT-busy fault: PING and INFO answer -BUSY until SCRIPT KILL */
  busy = false;
  bootedAt: number;
  /** a master's offset is `offsetBase + (now - offsetSince) × rate`; a replica's is its master's */
  offsetBase = 0;
  offsetSince: number;
  /** a replica's last offset while its link was up (what it reports once the link drops) */
  lastOffset = 0;
  /** when a replica's link to its master went down, null while up (or never connected) */
  linkDownSince: number | null = null;
  readonly clients = new Set<SimClient>();
  // what sentinels have done to this instance since it booted (server side counters)
  infoServed = 0;
  publishes = 0;
  commands = 0;

  constructor(ip: string, port: number, role: SimRole, priority: number, now: number) {
    this.ip = ip;
    this.port = port;
    this.key = addrKey(ip, port);
    this.role = role;
    this.priority = priority;
    this.bootedAt = now;
    this.offsetSince = now;
  }

  /** How many connections are subscribed to `channel`. */
  subscribers(channel: string): number {
    let n = 0;
    for (const c of this.clients) if (c.subscriptions.has(channel)) n++;
    return n;
  }
}

export interface WorldOptions {
  readonly random?: () => number;
  /** PUBLISH on a master reaches its replicas' subscribers too, as Redis replicates PUBLISH */
  readonly propagatePublish?: boolean;
  /** requirepass: commands other than AUTH are refused with -NOAUTH until it is given */
  readonly password?: string | null;
}

const hex40 = (random: () => number): string => {
  let s = '';
  for (let i = 0; i < 40; i++) s += Math.floor(random() * 16).toString(16);
  return s;
};

export class SimWorld {
  readonly instances = new Map<string, SimInstance>();
  readonly random: () => number;
  readonly propagatePublish: boolean;
  readonly password: string | null;
  /** replicas by the `ip:port` they replicate from (whatever its state or existence) */
  readonly #replicas = new Map<string, Set<SimInstance>>();

  constructor(opts: WorldOptions = {}) {
    this.random = opts.random ?? Math.random;
    this.propagatePublish = opts.propagatePublish ?? true;
    this.password = opts.password ?? null;
  }

  get(ip: string, port: number): SimInstance | undefined {
    return this.instances.get(addrKey(ip, port));
  }

  /** A master, or a replica of `master` (an address in this world) that is in sync from the start. */
  add(ip: string, port: number, now: number, opts: { master?: SimInstance; priority?: number } = {}): SimInstance {
    const key = addrKey(ip, port);
    if (this.instances.has(key)) throw new Error(`duplicate simulated instance ${key}`);
    const inst = new SimInstance(ip, port, opts.master ? 'slave' : 'master', opts.priority ?? 100, now);
    inst.runId = hex40(this.random);
    inst.replId = hex40(this.random);
    this.instances.set(key, inst);
    if (opts.master) this.#attach(inst, opts.master.ip, opts.master.port, now);
    return inst;
  }

  /** Live replicas replicating from `inst`, in the order they attached (INFO's slave0, slave1, …). */
  replicasOf(inst: SimInstance): SimInstance[] {
    const set = this.#replicas.get(inst.key);
    if (!set) return [];
    const out: SimInstance[] = [];
    for (const r of set) if (r.state !== 'dead' && r.role === 'slave') out.push(r);
    return out;
  }

  /** The instance `inst` replicates from, if it is in this world. */
  masterOf(inst: SimInstance): SimInstance | undefined {
    return inst.role === 'slave' && inst.masterHost !== null ? this.get(inst.masterHost, inst.masterPort) : undefined;
  }

  /**
   * A replica's link is up while its master is alive and a master. A hung master keeps it up:
   * a real replica notices only after repl-timeout (60 s), longer than any run here.
   */
  linkUp(inst: SimInstance, now: number): boolean {
    const m = this.masterOf(inst);
    const up = !!m && m.state !== 'dead' && m.role === 'master';
    if (up) {
      inst.linkDownSince = null;
      inst.lastOffset = this.offset(m, now);
    } else inst.linkDownSince ??= now;
    return up;
  }

  offset(inst: SimInstance, now: number, depth = 0): number {
    if (inst.role === 'master') return inst.offsetBase + Math.floor((now - inst.offsetSince) * OFFSET_RATE);
    const m = this.masterOf(inst);
    // depth: a replication loop (A from B from A) must not recurse for ever
    if (depth < 8 && m && m.state !== 'dead') inst.lastOffset = this.offset(m, now, depth + 1);
    return inst.lastOffset;
  }

  /** SLAVEOF NO ONE: the replica becomes a master with a new replication id, keeping its offset. */
  promote(inst: SimInstance, now: number): void {
    if (inst.role === 'master') return;
    const offset = this.offset(inst, now);
    this.#detach(inst);
    inst.role = 'master';
    inst.masterHost = null;
    inst.masterPort = 0;
    inst.linkDownSince = null;
    inst.replId = hex40(this.random);
    inst.offsetBase = offset;
    inst.offsetSince = now;
  }

  /** SLAVEOF host port: replicate from that address from now on (a full sync, done at once). */
  replicate(inst: SimInstance, host: string, port: number, now: number): void {
    const was = inst.role === 'master' ? this.offset(inst, now) : inst.lastOffset;
    this.#detach(inst);
    inst.role = 'slave';
    inst.lastOffset = was;
    this.#attach(inst, host, port, now);
  }

  /** SIGKILL: the process is gone; its replicas lose their link now. */
  kill(inst: SimInstance, now: number): void {
    if (inst.state === 'dead') return;
    const offset = this.offset(inst, now);
    for (const r of this.replicasOf(inst)) {
      r.lastOffset = offset;
      r.linkDownSince ??= now;
    }
    if (inst.role === 'master') inst.offsetBase = offset;
    inst.offsetSince = now;
    inst.state = 'dead';
    inst.busy = false;
  }

  hang(inst: SimInstance): void {
    if (inst.state === 'up') inst.state = 'hung';
  }

  /** SCRIPT-busy: PING and INFO answer -BUSY until SCRIPT KILL. */
  setBusy(inst: SimInstance): void {
    if (inst.state !== 'dead') inst.busy = true;
  }

  /**
   * Undoes a fault. A hung instance carries on where it stopped; a dead one boots again with a
   * new run id, in the role it had (as a redis-server restarted with its config file does).
   */
  recover(inst: SimInstance, now: number): void {
    inst.busy = false;
    if (inst.state === 'hung') inst.state = 'up';
    if (inst.state !== 'dead') return;
    inst.state = 'up';
    inst.runId = hex40(this.random);
    inst.bootedAt = now;
    inst.offsetSince = now;
    inst.infoServed = 0;
    inst.publishes = 0;
    inst.commands = 0;
  }

  #attach(inst: SimInstance, host: string, port: number, now: number): void {
    inst.masterHost = host;
    inst.masterPort = port;
    const key = addrKey(host, port);
    let set = this.#replicas.get(key);
    if (!set) this.#replicas.set(key, (set = new Set()));
    set.add(inst);
    inst.linkDownSince = null;
    this.linkUp(inst, now);
  }

  #detach(inst: SimInstance): void {
    if (inst.masterHost === null) return;
    this.#replicas.get(addrKey(inst.masterHost, inst.masterPort))?.delete(inst);
  }
}
