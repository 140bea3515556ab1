import test from 'ava';
import { startCluster } from '../helpers/cluster.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A master's runtime state lives in its shard: a quiet fleet sends nothing between threads, and
 * commands read fresh values there. The facts the main thread holds (the current address) are
 * there before the event that announces them.
 */

const M = '127.0.0.1';

/** INFO argus's thread-traffic counters. */
async function traffic(client: RawClient): Promise<{ batches: number; calls: number }> {
  const text = String((await client.call('INFO', 'argus')).value);
  const num = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { batches: num('argus_thread_batches'), calls: num('argus_thread_calls') };
}

test.serial('state reads: a quiet, healthy master sends nothing between threads, and SENTINEL MASTER shows fresh link times', async (t) => {
  const master: Proc = await startRedisServer();
  const replica: Proc = await startRedisServer(['--replicaof', M, String(master.port)]);
  const argus: SentinelProc = await startSentinel(`sentinel monitor mymaster ${M} ${master.port} 1\nsentinel down-after-milliseconds mymaster 1000\n`);
  const client = await RawClient.open(argus.port);
  t.teardown(async () => {
    client.close();
    await argus.cleanup();
    await Promise.all([master.stop(), replica.stop()]);
  });
  const masterMap = async () => fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
  await waitFor(async () => {
    const list = (await client.call('SENTINEL', 'REPLICAS', 'mymaster')).value as string[][];
    return list.length === 1 && fields(list[0]!)['master-link-status'] === 'ok';
  }, { what: 'the replica discovered and its INFO read' });

  // Discovery is over once a second passes without a batch; then 3 s of PINGs, INFOs and hellos.
  const quiet = await waitFor(async () => {
    const a = await traffic(client);
    await new Promise((r) => setTimeout(r, 1_000));
    const b = await traffic(client);
    return a.batches === b.batches ? b : null;
  }, { timeout: 20_000, what: 'a second without a batch' });
  await new Promise((r) => setTimeout(r, 3_000));
  const after = await traffic(client);
  t.is(after.batches - quiet.batches, 0, 'no batch for replies that change nothing');
  t.is(after.calls - quiet.calls, 0, 'INFO argus itself asks no shard');

  // Read where it lives: ages stay under a ping period however long ago the state last crossed.
  const first = await masterMap();
  await new Promise((r) => setTimeout(r, 2_500));
  const second = await masterMap();
  for (const f of [first, second]) {
    t.true(Number(f['last-ok-ping-reply']) < 1_500, `last-ok-ping-reply ${f['last-ok-ping-reply']}`);
    t.true(Number(f['last-ping-reply']) < 1_500, `last-ping-reply ${f['last-ping-reply']}`);
  }
  t.not(first['last-ok-ping-reply'], undefined);
  t.true(Number(second['info-refresh']) < 10_500, 'INFO refresh time is the live one');
});

for (const shards of [1, 3]) {
  test.serial(`state reads: GET-MASTER-ADDR-BY-NAME answers the new address as soon as +switch-master is out (argus-shards ${shards})`, async (t) => {
    // two more masters so that several shards run when there are several
    const others = await Promise.all([startRedisServer(), startRedisServer()]);
    const extra = `argus-shards ${shards}\n` + others.map((o, i) => `sentinel monitor other${i} ${M} ${o.port} 1\n`).join('');
    const c = await startCluster({ argus: 1, replicas: 1, quorum: 1, extra });
    t.teardown(async () => {
      await c.stop();
      await Promise.all(others.map((o) => o.stop()));
    });
    await c.settled();
    const s = c.sentinels[0]!;
    const watcher = await RawClient.open(s.proc.port);
    t.teardown(() => watcher.close());
    await watcher.call('SUBSCRIBE', '+switch-master');
    // until the replica's first INFO says its link is up, it is no good replica yet
    await waitFor(async () => (await s.client.call('SENTINEL', 'FAILOVER', c.name)).value === 'OK', { what: 'the failover started' });
    let text = '';
    while (!text) {
      const msg = (await watcher.read(30_000)).value as string[];
      if (msg[0] === 'message') text = msg[2]!;
    }
    // asked the moment the event arrives
    const addr = (await s.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', c.name)).value as string[];
    const [, , , newIp, newPort] = text.split(' ');
    t.deepEqual(addr, [newIp, newPort]);
    t.is(Number(newPort), c.replicas[0]!.port);
  });
}
