import test from 'ava';
import { AGE_FIELDS, normalize } from '../helpers/compat.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A real master with two replicas watched by redis-sentinel and by Argus at once: once both
 * have discovered the replicas, their instance maps must agree field for field (ages masked).
 */
let master: Proc;
let replicas: Proc[];
let redis: SentinelProc;
let argus: SentinelProc;
let rc: RawClient;
let ac: RawClient;

test.before(async () => {
  master = await startRedisServer();
  replicas = await Promise.all([1, 2].map(() => startRedisServer(['--replicaof', '127.0.0.1', String(master.port)])));
  const config = `sentinel monitor mymaster 127.0.0.1 ${master.port} 2\nsentinel down-after-milliseconds mymaster 5000\n`;
  [redis, argus] = await Promise.all([startSentinel(config, { impl: 'redis' }), startSentinel(config)]);
  [rc, ac] = await Promise.all([RawClient.open(redis.port), RawClient.open(argus.port)]);
});

test.after.always(async () => {
  rc?.close();
  ac?.close();
  await Promise.all([redis?.cleanup(), argus?.cleanup()]);
  await Promise.all([master, ...(replicas ?? [])].map((p) => p?.stop()));
});

/** Both see 2 replicas with their INFO read and the master link up. */
const settled = async (c: RawClient): Promise<boolean> => {
  const list = (await c.call('SENTINEL', 'REPLICAS', 'mymaster')).value as Value[];
  return list.length === 2 && list.every((r) => fields(r)['master-link-status'] === 'ok' && String(fields(r).runid).length === 40);
};

/**
 * Fields that differ between any two sentinels for reasons of timing, not behaviour; and the
 * peer count, because redis-sentinel learns of Argus from Argus's hellos while Argus processes
 * received hellos only from the failover issue on.
 */
const VOLATILE = new Set([...AGE_FIELDS, 'slave-repl-offset', 'link-pending-commands', 'num-other-sentinels']);

test.serial('compat: SENTINEL MASTER agrees with redis-sentinel once discovery settled', async (t) => {
  await waitFor(async () => (await settled(rc)) && (await settled(ac)), { timeout: 20_000, what: 'both sentinels settled' });
  const [r, a] = await Promise.all([rc.call('SENTINEL', 'MASTER', 'mymaster'), ac.call('SENTINEL', 'MASTER', 'mymaster')]);
  t.deepEqual(normalize(a.value, VOLATILE), normalize(r.value, VOLATILE));
});

test.serial('compat: SENTINEL REPLICAS agrees with redis-sentinel (same fields, same order)', async (t) => {
  const byName = (v: Value) =>
    (v as Value[]).map((x) => normalize(x, VOLATILE)).sort((x, y) => String(fields(x).name).localeCompare(String(fields(y).name)));
  const [r, a] = await Promise.all([rc.call('SENTINEL', 'REPLICAS', 'mymaster'), ac.call('SENTINEL', 'REPLICAS', 'mymaster')]);
  t.deepEqual(byName(a.value), byName(r.value));
});

test.serial('compat: INFO sentinel master line agrees with redis-sentinel', async (t) => {
  const line = (s: Value) => /master0:.*\r\n/.exec(String(s))?.[0]?.replace(/sentinels=\d+/, 'sentinels=N');
  const [r, a] = await Promise.all([rc.call('INFO', 'sentinel'), ac.call('INFO', 'sentinel')]);
  t.is(line(a.value), line(r.value));
});
