import test from 'ava';
import { Redis } from 'ioredis';
import { startCluster, steeredFailover } from '../helpers/cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The mixed quorum of test/compat/mixed-quorum.test.ts with passwords everywhere, as production
 * runs it: every sentinel (Argus and Debian's redis-sentinel) has `requirepass` and reaches its
 * peers with `sentinel sentinel-pass`; the redis-servers have `requirepass` (replicas
 * `masterauth`) and the sentinels log in with `sentinel auth-pass`. The steered leader can only
 * reach ODOWN and win the election through its peers' passwords, and a client that logs in to
 * the sentinels and to the data nodes ends up on the promoted replica.
 */
const DATA_PASS = 'data-s3cret';
const SENTINEL_PASS = 'sentinel-s3cret';

async function mixedWithAuth(t: import('ava').ExecutionContext, argus: number, redis: number, leader: 'argus' | 'redis') {
  const c = await startCluster({
    argus,
    redis,
    serverArgs: ['--requirepass', DATA_PASS, '--masterauth', DATA_PASS],
    extra: `sentinel auth-pass mymaster ${DATA_PASS}\nrequirepass ${SENTINEL_PASS}\nsentinel sentinel-pass ${SENTINEL_PASS}\n`,
    auth: [SENTINEL_PASS],
  });
  t.teardown(() => c.stop());
  await c.settled(30_000);

  // the passwords are in force on both kinds of sentinel
  for (const s of c.sentinels) {
    const anon = await RawClient.open(s.proc.port);
    t.is((await anon.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', c.name)).raw, '-NOAUTH Authentication required.\r\n', `${s.impl} requires a password`);
    anon.close();
  }

  const sentinels = c.sentinels.map((s) => ({ host: '127.0.0.1', port: s.proc.port }));
  const client = new Redis({ sentinels, name: c.name, sentinelPassword: SENTINEL_PASS, password: DATA_PASS, maxRetriesPerRequest: null, retryStrategy: () => 50 });
  client.on('error', () => {});
  t.teardown(() => client.disconnect());
  t.is(await client.set('k', 'before'), 'OK');
  t.is(client.stream.remotePort, c.master.port, 'the client starts on the master');

  const newPort = await steeredFailover(t, c, leader, [DATA_PASS]);

  // the client asks the sentinels again (with its password) and writes to the promoted replica
  await waitFor(async () => {
    try {
      return (await client.set('k', 'after')) === 'OK' && client.stream.remotePort === newPort;
    } catch {
      return false;
    }
  }, { timeout: 20_000, what: 'the client writing on the new master' });
  const probe = await RawClient.open(newPort);
  t.teardown(() => probe.close());
  t.is((await probe.call('AUTH', DATA_PASS)).value, 'OK');
  t.is((await probe.call('GET', 'k')).value, 'after');
}

test.serial('mixed quorum with passwords: 2 redis-sentinel + 1 Argus, Argus leads', (t) => mixedWithAuth(t, 1, 2, 'argus'));
test.serial('mixed quorum with passwords: 1 redis-sentinel + 2 Argus, redis-sentinel leads', (t) => mixedWithAuth(t, 2, 1, 'redis'));
