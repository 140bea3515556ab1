import test from 'ava';
import { roleOf, startCluster, type Cluster } from '../helpers/cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/** One Argus alone (quorum 1) over a master and `replicas` replicas, every replica in sync. */
async function group(replicas: number): Promise<Cluster> {
  const c = await startCluster({ argus: 1, replicas, quorum: 1, downAfter: 1_000, failoverTimeout: 10_000 });
  await c.settled();
  await waitFor(async () => {
    const m = await RawClient.open(c.master.port);
    try {
      const info = String((await m.call('INFO', 'replication')).value);
      return (info.match(/state=online/g) ?? []).length === replicas;
    } finally {
      m.close();
    }
  }, { what: 'every replica online at the master' });
  return c;
}

/**
 * A client that writes RPUSH log <n> with n = 1, 2, 3 ... to whatever the sentinel names as the
 * master, asking it again every 50 ms and after every failed write (as a sentinel-aware client
 * that follows +switch-master would). A write counts as acknowledged when its reply is the
 * list length; errors (READONLY, a killed connection) do not count.
 */
class Writer {
  readonly acked: number[] = [];
  #stop = false;
  readonly #done: Promise<void>;

  constructor(sentinelPort: number, name: string) {
    this.#done = this.#run(sentinelPort, name);
  }

  async #run(sentinelPort: number, name: string): Promise<void> {
    const s = await RawClient.open(sentinelPort);
    let conn: RawClient | null = null;
    let port = 0;
    let askedAt = 0;
    for (let n = 1; !this.#stop; n++) {
      try {
        if (conn === null || Date.now() - askedAt >= 50) {
          askedAt = Date.now();
          const addr = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)).value as string[];
          if (conn === null || Number(addr[1]) !== port) {
            conn?.close();
            port = Number(addr[1]);
            conn = await RawClient.open(port);
          }
        }
        const reply = await conn.call('RPUSH', 'log', String(n));
        if (typeof reply.value === 'number') this.acked.push(n);
        else throw new Error(JSON.stringify(reply.value));
      } catch {
        conn?.close();
        conn = null;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    conn?.close();
    s.close();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#done;
  }
}

/** The acknowledged writes missing from the list on `port`. */
async function lostOn(port: number, acked: readonly number[]): Promise<number> {
  const c = await RawClient.open(port);
  try {
    const have = new Set(((await c.call('LRANGE', 'log', '0', '-1')).value as string[]).map(Number));
    return acked.filter((n) => !have.has(n)).length;
  } finally {
    c.close();
  }
}

/** Fail `c` over with `args` under a continuous writer; the figures of the run. */
async function failoverUnderWrites(
  c: Cluster,
  args: string[],
): Promise<{ acked: number; lost: number; after: number; newPort: number; ms: number }> {
  const s = c.sentinels[0]!;
  const writer = new Writer(s.proc.port, c.name);
  await waitFor(() => writer.acked.length >= 200, { what: 'the writer is writing' });
  const t0 = Date.now();
  const reply = await s.client.call('SENTINEL', 'FAILOVER', c.name, ...args);
  if (reply.value !== 'OK') {
    await writer.stop();
    throw new Error(`SENTINEL FAILOVER replied ${JSON.stringify(reply.value)}`);
  }
  const sw = await s.events.wait('+switch-master', new RegExp(`^${c.name} `), { timeout: 20_000 });
  const newPort = Number(sw.text.split(' ')[4]);
  const ms = sw.at - t0;
  const atSwitch = writer.acked.length;
  await waitFor(() => writer.acked.length >= atSwitch + 200, { what: 'writes acknowledged by the new master' });
  await writer.stop();
  // replication to nowhere cannot bring a write back: read the new master once the writer stopped
  return { acked: writer.acked.length, lost: await lostOn(newPort, writer.acked), after: writer.acked.length - atSwitch, newPort, ms };
}

test.serial('coordinated failover: FAILOVER TO hands over with zero acknowledged writes lost under a continuous writer', async (t) => {
  const c = await group(1);
  t.teardown(() => c.stop());
  const s = c.sentinels[0]!;
  const run = await failoverUnderWrites(c, ['COORDINATED']);
  t.log(`coordinated: ${run.acked} writes acknowledged, ${run.lost} lost; +switch-master ${run.ms} ms after the +OK`);
  t.is(run.newPort, c.replicas[0]!.port);
  t.is(run.lost, 0);
  t.true(run.after > 0);
  // the old master was demoted by FAILOVER itself, not by a later +convert-to-slave
  t.is(await roleOf(c.master.port), 'slave');
  t.is(s.events.count('+convert-to-slave'), 0);
  t.is(s.events.count('+promoted-slave'), 1);
  t.is(s.events.count('-failover-abort-master-refused'), 0);
});

test.serial('coordinated failover: the same measurement with a plain SENTINEL FAILOVER (loss allowed, reported)', async (t) => {
  const c = await group(1);
  t.teardown(() => c.stop());
  const run = await failoverUnderWrites(c, []);
  t.log(`plain: ${run.acked} writes acknowledged, ${run.lost} lost; +switch-master ${run.ms} ms after the +OK`);
  t.is(run.newPort, c.replicas[0]!.port);
  t.true(run.after > 0);
});

test.serial('coordinated failover: SWITCHOVER promotes exactly the named one of two replicas, then the other one back', async (t) => {
  const c = await group(2);
  t.teardown(() => c.stop());
  const s = c.sentinels[0]!;
  // the master's INFO the sentinel holds may predate the second replica's sync: ask until accepted
  for (const target of [c.replicas[1]!, c.replicas[0]!]) {
    const from = s.events.events.length;
    await waitFor(async () => {
      const r = await s.client.call('SENTINEL', 'SWITCHOVER', c.name, '127.0.0.1', String(target.port));
      return r.value === 'OK';
    }, { timeout: 20_000, interval: 500, what: 'SWITCHOVER accepted' });
    const sw = await s.events.wait('+switch-master', new RegExp(`^${c.name} `), { from, timeout: 20_000 });
    t.is(Number(sw.text.split(' ')[4]), target.port);
    t.is(await roleOf(target.port), 'master');
    await waitFor(async () => (await Promise.all([c.master, ...c.replicas].filter((p) => p !== target).map((p) => roleOf(p.port))))
      .every((r) => r === 'slave'), { what: 'everyone else a replica' });
  }
  t.is(s.events.count('+selected-slave'), 2);
  t.is(s.events.count('+convert-to-slave'), 0);
});

test.serial('coordinated failover: SWITCHOVER validation errors in Sentinel style', async (t) => {
  const c = await group(2);
  t.teardown(() => c.stop());
  const s = c.sentinels[0]!;
  const call = async (...a: string[]) => (await s.client.call('SENTINEL', ...a)).value;
  t.deepEqual(await call('SWITCHOVER', 'nope', '127.0.0.1', String(c.replicas[0]!.port)), { error: 'ERR No such master with that name' });
  t.deepEqual(await call('SWITCHOVER', c.name, '127.0.0.1', '1'), { error: 'ERR No such replica with that address' });
  t.deepEqual(await call('SWITCHOVER', c.name, '127.0.0.1', 'port'), { error: 'ERR Invalid port' });
  t.deepEqual(await call('FAILOVER', c.name, 'GENTLY'), { error: 'ERR Unknown failover option specified' });
  // a stopped replica: SDOWN after down-after, then refused
  const stopped = c.replicas[1]!;
  stopped.child.kill('SIGSTOP');
  await s.events.wait('+sdown', new RegExp(`^slave 127\\.0\\.0\\.1:${stopped.port} `), { timeout: 10_000 });
  const refused = await call('SWITCHOVER', c.name, '127.0.0.1', String(stopped.port));
  t.regex(String((refused as { error: string }).error), /^NOGOODSLAVE The replica is not suitable for promotion: it is down/);
  stopped.child.kill('SIGCONT');
  // the one left is fine; a second request while it runs is INPROG
  await waitFor(async () => (await call('SWITCHOVER', c.name, '127.0.0.1', String(c.replicas[0]!.port))) === 'OK', { timeout: 20_000, interval: 500, what: 'accepted' });
  t.deepEqual(await call('SWITCHOVER', c.name, '127.0.0.1', String(c.replicas[0]!.port)), { error: 'INPROG Failover already in progress' });
  t.deepEqual(await call('FAILOVER', c.name, 'SAFE'), { error: 'INPROG Failover already in progress' });
  await s.events.wait('+switch-master', new RegExp(`^${c.name} `), { timeout: 20_000 });
  t.is(s.events.count('+try-failover'), 1, 'refused requests changed nothing');
});
