import test from 'ava';
import { roleOf, startCluster, type SentinelNode } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The compatibility proof: Argus in one quorum with Debian's redis-sentinel, as leader and as
 * follower. Who leads is steered with each sentinel's own quorum: the others get a quorum above
 * the number of sentinels, so they never reach ODOWN themselves and never start a failover, but
 * they still answer, vote for the candidate and follow its hellos.
 */
async function mixed(t: import('ava').ExecutionContext, argus: number, redis: number, leader: 'argus' | 'redis') {
  const c = await startCluster({ argus, redis });
  t.teardown(() => c.stop());
  await c.settled(30_000);
  const candidate = c.sentinels.find((x) => x.impl === leader)!;
  for (const s of c.sentinels.filter((x) => x !== candidate)) {
    t.is((await s.client.call('SENTINEL', 'SET', c.name, 'quorum', String(c.sentinels.length + 1))).value, 'OK');
  }
  const oldPort = c.master.port;
  c.master.child.kill('SIGKILL');
  const switches = await Promise.all(
    c.sentinels.map((s) => s.events.wait('+switch-master', new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${oldPort} `), { timeout: 40_000 })),
  );
  const newPort = switches[0]!.text.split(' ')[4]!;
  t.true(switches.every((s) => s.text.split(' ')[4] === newPort), 'everyone switched to the same replica');
  const leaders: SentinelNode[] = c.sentinels.filter((s) => s.events.count('+elected-leader') > 0);
  t.is(leaders.length, 1, 'exactly one leader');
  t.is(leaders[0], candidate, `the ${leader} sentinel led the failover`);
  await waitFor(async () => (await roleOf(Number(newPort))) === 'master', { what: 'promoted replica is master' });
  await waitFor(async () => (await c.addrs()).every((a) => a === `127.0.0.1:${newPort}`), { timeout: 20_000, what: 'all agree' });
}

test.serial('mixed quorum: 2 redis-sentinel + 1 Argus, Argus leads', (t) => mixed(t, 1, 2, 'argus'));
test.serial('mixed quorum: 2 redis-sentinel + 1 Argus, redis-sentinel leads', (t) => mixed(t, 1, 2, 'redis'));
test.serial('mixed quorum: 1 redis-sentinel + 2 Argus, Argus leads', (t) => mixed(t, 2, 1, 'argus'));
test.serial('mixed quorum: 1 redis-sentinel + 2 Argus, redis-sentinel leads', (t) => mixed(t, 2, 1, 'redis'));
