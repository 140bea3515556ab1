import test from 'ava';
import { readFileSync } from 'node:fs';
import { roleOf, startCluster, type Cluster } from '../helpers/cluster.js';
import { fields } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/** One Argus alone (quorum 1, down-after 500 ms) over a master and one replica. */
async function alone(): Promise<Cluster> {
  const c = await startCluster({ argus: 1, replicas: 1, quorum: 1, downAfter: 500 });
  await c.settled();
  return c;
}

const configOf = (c: Cluster): string => readFileSync(c.sentinels[0]!.proc.configPath, 'latin1');

/** The master is killed: +odown and +argus-failover-suppressed, then nothing happens for 3 s. */
async function killedButKept(t: import('ava').ExecutionContext, c: Cluster): Promise<void> {
  const s = c.sentinels[0]!;
  c.master.child.kill('SIGKILL');
  const m = `master ${c.name} 127.0.0.1 ${c.master.port}`;
  await s.events.wait('+odown', new RegExp(`^${m} `), { timeout: 10_000 });
  await s.events.wait('+argus-failover-suppressed', m, { timeout: 10_000 });
  // an absence needs a bound: several down-after periods and the 0-1 s start offset of a failover
  await new Promise((r) => setTimeout(r, 3_000));
  t.is(s.events.count('+try-failover'), 0);
  t.is(s.events.count('+switch-master'), 0);
  t.is(s.events.count('+argus-failover-suppressed'), 1, 'said once for this ODOWN');
  t.deepEqual(await c.addrs(), [`127.0.0.1:${c.master.port}`]);
}

test.serial('maintenance: a killed master in maintenance is not failed over; after OFF it is', async (t) => {
  const c = await alone();
  t.teardown(() => c.stop());
  const s = c.sentinels[0]!;
  t.is((await s.client.call('SENTINEL', 'MAINTENANCE', c.name, 'ON')).value, 'OK');
  await s.events.wait('+argus-maintenance', `master ${c.name} 127.0.0.1 ${c.master.port}`);
  t.regex(configOf(c), new RegExp(`^sentinel argus-maintenance ${c.name} 0$`, 'm'), 'saved before the +OK');
  const shown = (await s.client.call('SENTINEL', 'MASTER', c.name)).value as string[];
  t.deepEqual(shown.slice(-2), ['argus-maintenance', '0'], 'the last field of the instance map');
  t.regex(String((await s.client.call('INFO', 'sentinel')).value), /\r\nargus_maintenance:1\r\n/);

  await killedButKept(t, c);

  t.is((await s.client.call('SENTINEL', 'MAINTENANCE', c.name, 'OFF')).value, 'OK');
  const sw = await s.events.wait('+switch-master', new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${c.master.port} `), { timeout: 30_000 });
  t.is(s.events.count('-argus-maintenance'), 1);
  const newPort = Number(sw.text.split(' ')[4]);
  t.is(newPort, c.replicas[0]!.port);
  await waitFor(async () => (await roleOf(newPort)) === 'master', { what: 'the replica is promoted' });
  t.notRegex(configOf(c), /argus-maintenance/);
  t.false('argus-maintenance' in fields((await s.client.call('SENTINEL', 'MASTER', c.name)).value));
  t.notRegex(String((await s.client.call('INFO', 'sentinel')).value), /argus_maintenance/);
});

test.serial('maintenance: ON with seconds ends by itself; an ODOWN master is then failed over and the line leaves the file', async (t) => {
  const c = await alone();
  t.teardown(() => c.stop());
  const s = c.sentinels[0]!;
  t.is((await s.client.call('SENTINEL', 'MAINTENANCE', c.name, 'ON', '6')).value, 'OK');
  const until = Number((/^sentinel argus-maintenance \S+ (\d+)$/m.exec(configOf(c)) ?? [])[1]);
  t.true(until > Date.now() && until <= Date.now() + 6_000);
  await killedButKept(t, c);
  await s.events.wait('-argus-maintenance', `master ${c.name} 127.0.0.1 ${c.master.port} expired`, { timeout: 10_000 });
  const sw = await s.events.wait('+switch-master', new RegExp(`^${c.name} `), { timeout: 30_000 });
  t.true(sw.at >= until);
  await waitFor(() => !configOf(c).includes('argus-maintenance'), { what: 'the expired line is dropped' });
});
