import test from 'ava';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * One master with two replicas, watched by one Argus with short timings so that every rule
 * fires within seconds: discovery, SDOWN of a hung replica, reboot, fix-slave-config.
 */
let master: Proc;
let replicas: Proc[];
let other: Proc;
let argus: SentinelProc;
let events: EventRecorder;
let client: RawClient;

const M = '127.0.0.1';

test.before(async () => {
  master = await startRedisServer();
  replicas = await Promise.all([1, 2].map(() => startRedisServer(['--replicaof', M, String(master.port)])));
  other = await startRedisServer();
  argus = await startSentinel(
    `sentinel monitor mymaster ${M} ${master.port} 1\n` +
      'sentinel down-after-milliseconds mymaster 1000\n' +
      'sentinel failover-timeout mymaster 3000\n',
  );
  events = await EventRecorder.open(argus.port);
  client = await RawClient.open(argus.port);
});

test.after.always(async () => {
  events?.close();
  client?.close();
  for (const r of replicas ?? []) r.child.kill('SIGCONT');
  await argus?.cleanup();
  await Promise.all([master, other, ...(replicas ?? [])].map((p) => p?.stop()));
});

const replicaName = (p: Proc) => `${M}:${p.port}`;
const replicaDesc = (p: Proc) => `slave ${replicaName(p)} ${M} ${p.port} @ mymaster ${M} ${master.port}`;

async function replicaMap(p: Proc): Promise<Record<string, unknown>> {
  const list = (await client.call('SENTINEL', 'REPLICAS', 'mymaster')).value as string[][];
  return fields(list.find((r) => fields(r).name === replicaName(p)) ?? []);
}

test.serial('monitoring: the master is connected and both replicas are discovered from INFO', async (t) => {
  await events.wait('+slave', replicaDesc(replicas[0]!));
  await events.wait('+slave', replicaDesc(replicas[1]!));
  const m = await waitFor(async () => {
    const f = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
    return f.flags === 'master' && f['num-slaves'] === '2' && String(f.runid).length === 40 ? f : null;
  }, { what: 'master connected with 2 replicas' });
  t.is(m['role-reported'], 'master');
  const r = await waitFor(async () => {
    const f = await replicaMap(replicas[0]!);
    return f['master-link-status'] === 'ok' ? f : null;
  }, { what: 'replica INFO' });
  t.is(r.flags, 'slave');
  t.is(r['master-host'], M);
  t.is(r['master-port'], String(master.port));
  t.is(r['slave-priority'], '100');
  t.regex(String(r.runid), /^[0-9a-f]{40}$/);
});

test.serial('monitoring: discovered replicas are persisted as known-replica lines', async (t) => {
  const { readFileSync } = await import('node:fs');
  await waitFor(() => {
    const text = readFileSync(argus.configPath, 'latin1');
    return replicas.every((r) => text.includes(`sentinel known-replica mymaster ${M} ${r.port}`));
  }, { what: 'known-replica lines' });
  t.pass();
});

test.serial('monitoring: a hung replica (SIGSTOP) goes +sdown and comes back -sdown on SIGCONT', async (t) => {
  const from = events.events.length;
  const r = replicas[1]!;
  r.child.kill('SIGSTOP');
  const down = await events.wait('+sdown', replicaDesc(r), { from });
  t.truthy(down);
  t.regex(String((await replicaMap(r)).flags), /s_down/);
  t.regex((await client.call('INFO', 'sentinel')).value as string, /status=ok/, 'a replica down leaves the master ok');
  r.child.kill('SIGCONT');
  await events.wait('-sdown', replicaDesc(r), { from });
  t.notRegex(String((await replicaMap(r)).flags), /s_down/);
});

test.serial('monitoring: a hung master does not delay the pings of the others', async (t) => {
  const from = events.events.length;
  const r = replicas[0]!;
  r.child.kill('SIGSTOP');
  await events.wait('+sdown', replicaDesc(r), { from });
  // While one instance hangs, the master keeps answering its pings within the ping period.
  for (let i = 0; i < 5; i++) {
    const f = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
    t.true(Number(f['last-ok-ping-reply']) < 1_500, `last-ok-ping-reply ${String(f['last-ok-ping-reply'])}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  r.child.kill('SIGCONT');
  await events.wait('-sdown', replicaDesc(r), { from });
});

test.serial('monitoring: a master restarted on the same port is reported with +reboot', async (t) => {
  // A restart shorter than down-after is not an outage: no failover may follow it.
  t.is((await client.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '5000')).value, 'OK');
  t.teardown(() => client.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '1000'));
  const from = events.events.length;
  const before = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value).runid;
  await master.stop();
  master = await startRedisServer([], master.port);
  const ev = await events.wait('+reboot', `master mymaster ${M} ${master.port}`, { from });
  t.truthy(ev);
  const after = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value).runid;
  t.not(after, before);
  t.is(events.count('+sdown', /^master /), 0, 'a quick restart is not an outage');
});

test.serial('monitoring: a replica pointed at another master is fixed (+fix-slave-config)', async (t) => {
  const from = events.events.length;
  const r = replicas[0]!;
  const c = await RawClient.open(r.port);
  await c.call('REPLICAOF', M, String(other.port));
  c.close();
  await events.wait('+fix-slave-config', replicaDesc(r), { from, timeout: 20_000 });
  // The reconfiguration ends with CLIENT KILL TYPE normal: ask on a fresh connection each time.
  const masterPortOf = async (): Promise<string | undefined> => {
    const probe = await RawClient.open(r.port);
    try {
      return /master_port:(\d+)/.exec(String((await probe.call('INFO', 'replication')).value))?.[1];
    } finally {
      probe.close();
    }
  };
  await waitFor(async () => (await masterPortOf()) === String(master.port), {
    what: 'replica re-pointed at the master',
    timeout: 10_000,
  });
  t.pass();
});
