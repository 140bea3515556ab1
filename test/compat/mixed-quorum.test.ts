import test from 'ava';
import { startCluster, steeredFailover } from '../helpers/cluster.js';

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
  await steeredFailover(t, c, leader);
}

test.serial('mixed quorum: 2 redis-sentinel + 1 Argus, Argus leads', (t) => mixed(t, 1, 2, 'argus'));
test.serial('mixed quorum: 2 redis-sentinel + 1 Argus, redis-sentinel leads', (t) => mixed(t, 1, 2, 'redis'));
test.serial('mixed quorum: 1 redis-sentinel + 2 Argus, Argus leads', (t) => mixed(t, 2, 1, 'argus'));
test.serial('mixed quorum: 1 redis-sentinel + 2 Argus, redis-sentinel leads', (t) => mixed(t, 2, 1, 'redis'));
