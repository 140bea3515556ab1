import test from 'ava';
import { EventRecorder } from '../helpers/events.js';
import { roleOf } from '../helpers/cluster.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

let master: Proc;
let replicas: Proc[] = [];
let sentinel: SentinelProc;
let client: RawClient;
let events: EventRecorder;

test.before(async () => {
  master = await startRedisServer();
  replicas = await Promise.all([
    startRedisServer(['--replicaof', '127.0.0.1', String(master.port), '--replica-priority', '0']),
    startRedisServer(['--replicaof', '127.0.0.1', String(master.port)]),
  ]);
  sentinel = await startSentinel(
    `sentinel monitor mymaster 127.0.0.1 ${master.port} 1\n` +
      'sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n',
  );
  [client, events] = await Promise.all([RawClient.open(sentinel.port), EventRecorder.open(sentinel.port)]);
});

test.after.always(async () => {
  events?.close();
  client?.close();
  await sentinel?.cleanup();
  await Promise.all([master, ...replicas].filter(Boolean).map((p) => p.stop()));
});

const plan = async () => fields((await client.call('SENTINEL', 'FAILOVER-PLAN', 'mymaster')).value);

test.serial('failover-plan: names the replica SENTINEL FAILOVER then promotes, and gives priority 0 as the other one\'s reason', async (t) => {
  const [zero, good] = replicas as [Proc, Proc];
  t.deepEqual((await client.call('SENTINEL', 'FAILOVER-PLAN', 'nope')).value, { error: 'ERR No such master with that name' });
  let p: Record<string, unknown> = {};
  await waitFor(
    async () => {
      p = await plan();
      const reasons = ((p['replicas'] as unknown[] | undefined) ?? []).map((r) => fields(r as never)['reason']);
      return p['selected'] === `127.0.0.1:${good.port}` && reasons[1] === 'priority 0';
    },
    { timeout: 20_000, what: 'both replicas connected and known' },
  );
  t.like(p, { master: 'mymaster', 'failover-state': 'none', 'quorum-reachable': 'yes', 'majority-reachable': 'yes', 'usable-sentinels': '1' });
  const rows = (p['replicas'] as unknown[]).map((r) => fields(r as never));
  t.like(rows[0], { name: `127.0.0.1:${good.port}`, eligible: 'yes', reason: 'selected' });
  t.like(rows[1], { name: `127.0.0.1:${zero.port}`, eligible: 'no', reason: 'priority 0', 'slave-priority': '0' });
  t.is(events.count('+failover-state-select-slave'), 0, 'the plan did not act');

  t.is((await client.call('SENTINEL', 'FAILOVER', 'mymaster')).value, 'OK');
  const sw = await events.wait('+switch-master', /^mymaster /, { timeout: 30_000 });
  t.is(sw.text, `mymaster 127.0.0.1 ${master.port} 127.0.0.1 ${good.port}`, 'the planned replica was promoted');
  await waitFor(async () => (await roleOf(good.port)) === 'master', { what: 'the planned replica reports master' });
});
