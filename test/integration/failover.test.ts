import test from 'ava';
import { readFileSync } from 'node:fs';
import { roleOf, startCluster, type Cluster } from '../helpers/cluster.js';
import { startRedisServer } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/** Runs one automatic failover of `c` after `fault` and checks what every sentinel agrees on. */
async function failsOver(t: import('ava').ExecutionContext, c: Cluster, fault: 'SIGKILL' | 'SIGSTOP'): Promise<string> {
  await c.settled();
  const oldPort = c.master.port;
  c.master.child.kill(fault);
  const switches = await Promise.all(
    c.sentinels.map((s) => s.events.wait('+switch-master', new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${oldPort} 127\\.0\\.0\\.1 \\d+$`), { timeout: 30_000 })),
  );
  const newPort = Number(switches[0]!.text.split(' ')[4]);
  t.deepEqual(switches.map((s) => s.text), switches.map(() => switches[0]!.text), 'every sentinel switched to the same replica');
  t.true(c.replicas.some((r) => r.port === newPort), `the new master ${newPort} is one of the replicas`);
  const leaders = c.sentinels.filter((s) => s.events.count('+elected-leader') > 0);
  t.is(leaders.length, 1, 'exactly one leader');
  await waitFor(async () => (await roleOf(newPort)) === 'master', { what: 'promoted replica reports master' });
  for (const r of c.replicas.filter((x) => x.port !== newPort)) {
    await waitFor(async () => (await roleOf(r.port)) === 'slave', { what: 'other replica stays a replica' });
  }
  await waitFor(async () => (await c.addrs()).every((a) => a === `127.0.0.1:${newPort}`), { what: 'all sentinels agree' });
  for (const s of c.sentinels) {
    await waitFor(() => readFileSync(s.proc.configPath, 'latin1').includes(`sentinel monitor ${c.name} 127.0.0.1 ${newPort} `), {
      what: `${s.impl} config file names the new master`,
    });
  }
  return String(newPort);
}

test.serial('failover: three Argus sentinels fail over a killed master, and the old master returns as a replica', async (t) => {
  const c = await startCluster({ argus: 3 });
  t.teardown(() => c.stop());
  const oldPort = c.master.port;
  const newPort = await failsOver(t, c, 'SIGKILL');
  // The freshly promoted master must not be declared down (a carried-over reconnect timer did
  // that to redis-sentinel): give it a few down-after periods.
  await new Promise((r) => setTimeout(r, 3_000));
  for (const s of c.sentinels) t.is(s.events.count('+sdown', new RegExp(`^master ${c.name} 127\\.0\\.0\\.1 ${newPort}$`)), 0);

  c.master = await startRedisServer([], oldPort);
  await waitFor(async () => (await roleOf(oldPort)) === 'slave', { timeout: 30_000, what: 'old master converted to a replica' });
  // The event is published as SLAVEOF is sent; it may reach our subscriber just after the role flips.
  await waitFor(() => c.sentinels.some((s) => s.events.count('+convert-to-slave') > 0), { timeout: 5_000, what: '+convert-to-slave' });
  t.pass();
});

test.serial('failover: a hung master (SIGSTOP) is failed over too', async (t) => {
  const c = await startCluster({ argus: 3 });
  t.teardown(() => c.stop());
  await failsOver(t, c, 'SIGSTOP');
});

test.serial('failover: SENTINEL FAILOVER promotes a replica without the master being down', async (t) => {
  const c = await startCluster({ argus: 3 });
  t.teardown(() => c.stop());
  await c.settled();
  const s = c.sentinels[0]!;
  t.is((await s.client.call('SENTINEL', 'FAILOVER', c.name)).value, 'OK');
  t.deepEqual((await s.client.call('SENTINEL', 'FAILOVER', c.name)).value, { error: 'INPROG Failover already in progress' });
  const sw = await s.events.wait('+switch-master', new RegExp(`^${c.name} `), { timeout: 30_000 });
  const newPort = Number(sw.text.split(' ')[4]);
  await waitFor(async () => (await c.addrs()).every((a) => a === `127.0.0.1:${newPort}`), { what: 'all sentinels agree' });
  t.is(s.events.count('+elected-leader'), 1);
  t.regex(s.events.events.find((e) => e.channel === '+vote-for-leader')?.text ?? '', /^[0-9a-f]{40} \d+$/);
});
