import { EventRecorder } from './events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from './processes.js';
import { fields, RawClient } from './raw-client.js';
import { waitFor } from './wait-for.js';

export interface SentinelNode {
  readonly impl: 'argus' | 'redis';
  readonly proc: SentinelProc;
  readonly client: RawClient;
  readonly events: EventRecorder;
}

export interface Cluster {
  master: Proc;
  readonly replicas: Proc[];
  readonly sentinels: SentinelNode[];
  readonly name: string;
  /** every sentinel's current answer to GET-MASTER-ADDR-BY-NAME, as `ip:port` */
  addrs(): Promise<string[]>;
  /** resolves once every sentinel knows every other one and every replica */
  settled(timeout?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A data group (one master, `replicas` replicas) watched by a mix of Argus and redis-sentinel
 * processes with short timings, for failover tests.
 */
export async function startCluster({
  argus = 3,
  redis = 0,
  replicas = 2,
  name = 'mymaster',
  quorum = 2,
  downAfter = 1_000,
  failoverTimeout = 10_000,
  extra = '',
  auth,
  serverArgs = [],
}: {
  argus?: number;
  redis?: number;
  replicas?: number;
  name?: string;
  quorum?: number;
  downAfter?: number;
  failoverTimeout?: number;
  /** appended to every sentinel's config */
  extra?: string;
  /** AUTH's arguments for the test's own clients, when `extra` protects the sentinels */
  auth?: readonly string[];
  /** more redis-server arguments for the master and the replicas (`--requirepass`, `--masterauth`) */
  serverArgs?: readonly string[];
} = {}): Promise<Cluster> {
  const master = await startRedisServer([...serverArgs]);
  const reps = await Promise.all(
    Array.from({ length: replicas }, () => startRedisServer([...serverArgs, '--replicaof', '127.0.0.1', String(master.port)])),
  );
  const config =
    `sentinel monitor ${name} 127.0.0.1 ${master.port} ${quorum}\n` +
    `sentinel down-after-milliseconds ${name} ${downAfter}\n` +
    `sentinel failover-timeout ${name} ${failoverTimeout}\n` +
    extra;
  const impls: ('argus' | 'redis')[] = [...Array(argus).fill('argus'), ...Array(redis).fill('redis')];
  const started = await Promise.allSettled(
    impls.map(async (impl) => {
      const proc = await startSentinel(config, { impl });
      try {
        const [client, events] = await Promise.all([RawClient.open(proc.port), EventRecorder.open(proc.port, auth)]);
        if (auth) await client.call('AUTH', ...auth);
        return { impl, proc, client, events };
      } catch (e) {
        await proc.cleanup();
        throw e;
      }
    }),
  );
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // No cluster to stop for the caller's teardown: leave no process behind (a live child keeps
    // the test worker from exiting).
    await Promise.all(
      started.map(async (r) => {
        if (r.status !== 'fulfilled') return;
        r.value.events.close();
        r.value.client.close();
        await r.value.proc.cleanup();
      }),
    );
    await Promise.all([master, ...reps].map((p) => p.stop()));
    throw failed.reason;
  }
  const sentinels: SentinelNode[] = started.map((r) => (r as PromiseFulfilledResult<SentinelNode>).value);
  const cluster: Cluster = {
    master,
    replicas: reps,
    sentinels,
    name,
    async addrs() {
      return Promise.all(
        sentinels.map(async (s) => {
          const v = (await s.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)).value as string[] | null;
          return v ? `${v[0]}:${v[1]}` : 'null';
        }),
      );
    },
    async settled(timeout = 20_000) {
      await waitFor(
        async () => {
          for (const s of sentinels) {
            const m = fields((await s.client.call('SENTINEL', 'MASTER', name)).value);
            if (m['num-other-sentinels'] !== String(sentinels.length - 1) || m['num-slaves'] !== String(replicas)) return false;
          }
          return true;
        },
        { timeout, what: 'every sentinel knows its peers and the replicas' },
      );
    },
    async stop() {
      for (const s of sentinels) {
        s.events.close();
        s.client.close();
      }
      // a sentinel a test left stopped would sit out SIGTERM's grace period
      for (const s of sentinels) s.proc.child.kill('SIGCONT');
      await Promise.all(sentinels.map((s) => s.proc.cleanup()));
      await Promise.all([cluster.master, ...reps].map((p) => {
        p.child.kill('SIGCONT');
        return p.stop();
      }));
    },
  };
  return cluster;
}

/** The replication role a redis-server reports (ROLE's first element); `auth`: AUTH's arguments. */
export async function roleOf(port: number, auth?: readonly string[]): Promise<string> {
  const c = await RawClient.open(port);
  try {
    if (auth) await c.call('AUTH', ...auth);
    return String(((await c.call('ROLE')).value as string[])[0]);
  } finally {
    c.close();
  }
}

/**
 * The steered failover of the mixed-quorum tests: every sentinel but the `leader` kind gets a
 * quorum above the number of sentinels (it never reaches ODOWN itself, but answers, votes and
 * follows), the master is killed, and every sentinel must name the same replica with exactly
 * one leader, of that kind. Resolves with the promoted replica's port once it is master and
 * every sentinel answers it. `auth` logs in to the data nodes.
 */
export async function steeredFailover(
  t: import('ava').ExecutionContext,
  c: Cluster,
  leader: 'argus' | 'redis',
  auth?: readonly string[],
): Promise<number> {
  const candidate = c.sentinels.find((x) => x.impl === leader)!;
  for (const s of c.sentinels.filter((x) => x !== candidate)) {
    t.is((await s.client.call('SENTINEL', 'SET', c.name, 'quorum', String(c.sentinels.length + 1))).value, 'OK');
  }
  const oldPort = c.master.port;
  c.master.child.kill('SIGKILL');
  const switches = await Promise.all(
    c.sentinels.map((s) => s.events.wait('+switch-master', new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${oldPort} `), { timeout: 40_000 })),
  );
  const newPort = Number(switches[0]!.text.split(' ')[4]);
  t.true(switches.every((s) => Number(s.text.split(' ')[4]) === newPort), 'everyone switched to the same replica');
  const leaders = c.sentinels.filter((s) => s.events.count('+elected-leader') > 0);
  t.is(leaders.length, 1, 'exactly one leader');
  t.is(leaders[0], candidate, `the ${leader} sentinel led the failover`);
  await waitFor(async () => (await roleOf(newPort, auth)) === 'master', { what: 'promoted replica is master' });
  await waitFor(async () => (await c.addrs()).every((a) => a === `127.0.0.1:${newPort}`), { timeout: 20_000, what: 'all agree' });
  return newPort;
}
