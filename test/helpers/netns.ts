/**
 * A virtual LAN of network namespaces, for partition tests.
 *
 * Layout: a "switch" namespace holds a bridge; every host is a namespace with one veth (`eth0`)
 * plugged into that bridge and an address in a private /24; the test itself (the root
 * namespace) is plugged in too, as an observer at .1, so it talks to every process over the
 * bridge. Everything but the observer's end of its veth lives inside the switch or a host
 * namespace, and that end goes away with its peer: deleting the namespaces is the whole teardown.
 *
 * A partition is made with a permanent neighbour entry that gives the far host a MAC address
 * nobody has: frames still leave, the bridge floods them, no one takes them. Packets vanish, a
 * connect() hangs in SYN retries and an established connection stops hearing back, as across a
 * broken switch. A `blackhole` route would drop the packets as well, but it fails a local
 * connect() at once with EINVAL, which a sentinel sees as a refused connection, not a silent one.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { spawnProc, type Placement, type Proc } from './processes.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** Every namespace (and the observer's veth) a LAN creates starts with this, then the pid. */
export const NETNS_PREFIX = 'argus-';
const OBSERVER_LINK = /^ag(\d+)x\d+$/;
const NAMESPACE = /^argus-(\d+)-\d+-/;
/** A MAC address no interface has: frames sent to it are never received. */
const NOWHERE_MAC = '02:00:00:00:00:01';

export class NetnsError extends Error {
  override readonly name = 'NetnsError';
}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await run('ip', args, { encoding: 'utf8' })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new NetnsError(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}

export interface Host extends Placement {
  readonly name: string;
  /** the namespace's name */
  readonly ns: string;
  /** spawns `cmd args` inside the host's namespace (`ip netns exec`, which execs: same pid) */
  exec(cmd: string, args: string[], opts?: { port?: number; cwd?: string }): Proc;
}

export interface Lan {
  readonly hosts: ReadonlyMap<string, Host>;
  /** the test's own address on the LAN */
  readonly observerIp: string;
  host(name: string): Host;
  /** `a` and `b` stop hearing each other, both ways */
  cut(a: string, b: string): Promise<void>;
  heal(a: string, b: string): Promise<void>;
  /** `a` is cut from every other host (the observer still reaches it, to watch) */
  isolate(a: string): Promise<void>;
  rejoin(a: string): Promise<void>;
  /** deletes every namespace and link of this LAN; safe to call twice, and after a failed start */
  teardown(): Promise<void>;
}

let lanCounter = 0;

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function namespaces(): Promise<string[]> {
  return (await ip('netns', 'list'))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

async function rootLinks(): Promise<string[]> {
  return (await ip('-o', 'link', 'show'))
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n !== '');
}

/**
 * Deletes what LANs of processes that no longer run left behind (a test killed before its
 * teardown). LANs of live processes (another test file running now) are left alone.
 */
export async function sweepLeftovers(): Promise<string[]> {
  const swept: string[] = [];
  for (const ns of await namespaces()) {
    const pid = Number(NAMESPACE.exec(ns)?.[1] ?? NaN);
    if (Number.isNaN(pid) || pidAlive(pid)) continue;
    await ip('netns', 'del', ns).catch(() => undefined);
    swept.push(ns);
  }
  for (const link of await rootLinks()) {
    const pid = Number(OBSERVER_LINK.exec(link)?.[1] ?? NaN);
    if (Number.isNaN(pid) || pidAlive(pid)) continue;
    await ip('link', 'del', link).catch(() => undefined);
    swept.push(link);
  }
  return swept;
}

/** The namespaces and observer links this process owns right now (for leak checks). */
export async function ownLeftovers(): Promise<string[]> {
  const mine = (pid: string | undefined) => pid === String(process.pid);
  return [
    ...(await namespaces()).filter((n) => mine(NAMESPACE.exec(n)?.[1])),
    ...(await rootLinks()).filter((l) => mine(OBSERVER_LINK.exec(l)?.[1])),
  ];
}

/** A /24 no LAN on this machine uses yet: 10.x.y.0 from the pid and a counter, then probed. */
async function freeSubnet(number: number): Promise<string> {
  const used = await ip('-4', '-o', 'addr', 'show');
  for (let bump = 0; bump < 25_000; bump += 16) {
    const n = (process.pid * 16 + (number % 16) + bump) % 25_000;
    const subnet = `10.${100 + Math.floor(n / 250)}.${(n % 250) + 1}`;
    if (!used.includes(` ${subnet}.`)) return subnet;
  }
  throw new NetnsError('no free 10.x.y.0/24 left');
}

/**
 * Builds a LAN with one host per name (names: short, [a-z0-9]). Sweeps dead LANs first. On any
 * failure midway, what was built is deleted before the error is thrown.
 */
export async function startLan(names: readonly string[]): Promise<Lan> {
  // taken before the first await: LANs started at the same time must get different numbers
  const number = ++lanCounter;
  await sweepLeftovers();
  const id = `${process.pid}-${number}`;
  const subnet = await freeSubnet(number);
  const switchNs = `${NETNS_PREFIX}${id}-sw`;
  const observerLink = `ag${process.pid}x${number}`;
  const created: string[] = [];
  const hosts = new Map<string, Host>();
  // who cannot hear whom: each cut is stored once per direction, so heal undoes exactly it
  const cuts = new Set<string>();

  const teardown = async (): Promise<void> => {
    for (const ns of created.splice(0).reverse()) await ip('netns', 'del', ns).catch(() => undefined);
    // the kernel removes a deleted namespace's interfaces (and so the observer's veth) a moment later
    await waitFor(async () => !(await rootLinks()).includes(observerLink), { timeout: 10_000, what: `${observerLink} gone` });
  };

  try {
    await ip('netns', 'add', switchNs);
    created.push(switchNs);
    await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', switchNs, 'link', 'set', 'br0', 'up');

    await ip('link', 'add', 'name', observerLink, 'type', 'veth', 'peer', 'name', 'obs', 'netns', switchNs);
    await ip('-n', switchNs, 'link', 'set', 'obs', 'master', 'br0', 'up');
    await ip('addr', 'add', `${subnet}.1/24`, 'dev', observerLink);
    await ip('link', 'set', observerLink, 'up');

    let index = 0;
    for (const name of names) {
      const ns = `${NETNS_PREFIX}${id}-${name}`;
      const hostIp = `${subnet}.${10 + index}`;
      const port = `p${index++}`;
      await ip('netns', 'add', ns);
      created.push(ns);
      await ip('-n', switchNs, 'link', 'add', 'name', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await ip('-n', switchNs, 'link', 'set', port, 'master', 'br0', 'up');
      await ip('-n', ns, 'addr', 'add', `${hostIp}/24`, 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      const prefix = ['ip', 'netns', 'exec', ns] as const;
      hosts.set(name, {
        name,
        ns,
        ip: hostIp,
        prefix,
        exec: (cmd, args, { port: p = 0, cwd } = {}) => spawnProc(cmd, args, p, cwd, { prefix }),
      });
    }
  } catch (e) {
    await teardown().catch(() => undefined);
    throw e;
  }

  const host = (name: string): Host => {
    const h = hosts.get(name);
    if (!h) throw new NetnsError(`no host ${name} on this LAN`);
    return h;
  };
  const deafen = async (from: Host, to: Host): Promise<void> => {
    const key = `${from.name}>${to.name}`;
    if (cuts.has(key)) return;
    await ip('-n', from.ns, 'neigh', 'replace', to.ip, 'lladdr', NOWHERE_MAC, 'dev', 'eth0', 'nud', 'permanent');
    cuts.add(key);
  };
  const restore = async (from: Host, to: Host): Promise<void> => {
    const key = `${from.name}>${to.name}`;
    if (!cuts.has(key)) return;
    // the next packet asks ARP again and finds the real address
    await ip('-n', from.ns, 'neigh', 'del', to.ip, 'dev', 'eth0');
    cuts.delete(key);
  };
  const others = (a: string): Host[] => [...hosts.values()].filter((h) => h.name !== a);

  return {
    hosts,
    observerIp: `${subnet}.1`,
    host,
    async cut(a, b) {
      await deafen(host(a), host(b));
      await deafen(host(b), host(a));
    },
    async heal(a, b) {
      await restore(host(a), host(b));
      await restore(host(b), host(a));
    },
    async isolate(a) {
      for (const o of others(a)) {
        await deafen(host(a), o);
        await deafen(o, host(a));
      }
    },
    async rejoin(a) {
      for (const o of others(a)) {
        await restore(host(a), o);
        await restore(o, host(a));
      }
    },
    teardown,
  };
}
