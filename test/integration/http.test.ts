import test from 'ava';
import { mkdirSync, rmSync } from 'node:fs';
import { startCluster } from '../helpers/cluster.js';
import { freePort } from '../helpers/ports.js';
import { startSentinel } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 's3cret-token';

async function get(port: number, path: string, token: string | null = TOKEN, method = 'GET'): Promise<{ status: number; body: string; json: () => any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const body = await res.text();
  return { status: res.status, body, json: () => JSON.parse(body) };
}

test.serial('http: health, masters, primary, the load-balancer check and the token, through a forced failover', async (t) => {
  const httpPort = await freePort();
  const c = await startCluster({ argus: 1, replicas: 1, quorum: 1, extra: `argus-http-port ${httpPort}\nargus-http-token ${TOKEN}\n` });
  t.teardown(() => c.stop());
  await c.settled();
  const masterPort = c.master.port;
  const replicaPort = c.replicas[0]!.port;

  t.deepEqual((await get(httpPort, '/health', null)).json(), { status: 'ok' });
  t.is((await get(httpPort, '/masters', null)).status, 401);
  t.is((await get(httpPort, '/masters', 'wrong')).status, 401);
  t.is((await get(httpPort, '/nowhere')).status, 404);
  t.is((await get(httpPort, '/masters/nope')).status, 404);
  t.is((await get(httpPort, '/masters/nope/primary')).status, 404);
  t.is((await get(httpPort, '/health', null, 'POST')).status, 405);

  const masters = (await get(httpPort, '/masters')).json();
  t.is(masters.length, 1);
  t.like(masters[0], { name: c.name, ip: '127.0.0.1', port: masterPort, flags: 'master', quorum: 1 });
  t.is(masters[0].replicas[0].port, replicaPort);
  t.deepEqual(masters[0].sentinels, []);
  t.like((await get(httpPort, `/masters/${c.name}`)).json(), { name: c.name, 'num-slaves': 1 });
  t.deepEqual((await get(httpPort, `/masters/${c.name}/primary`)).json(), { ip: '127.0.0.1', port: masterPort });

  // the load-balancer check: the master passes, the replica only with replica=1
  t.is((await get(httpPort, `/check/127.0.0.1/${masterPort}`)).status, 200);
  const asReplica = await get(httpPort, `/check/127.0.0.1/${replicaPort}`);
  t.is(asReplica.status, 503);
  t.regex(asReplica.json().error, /is a replica/);
  // healthy once the replica's INFO (every 10 s, then 1 s) shows its link to the master up
  await waitFor(async () => (await get(httpPort, `/check/127.0.0.1/${replicaPort}?replica=1`)).status === 200, {
    timeout: 20_000, what: 'the replica passes the replica check',
  });
  t.is((await get(httpPort, `/check/127.0.0.1/${replicaPort}?replica=1&max-lag=10s`)).status, 200);
  t.is((await get(httpPort, `/check/127.0.0.1/${replicaPort}?replica=1&max-lag=soon`)).status, 400);
  t.is((await get(httpPort, '/check/127.0.0.1/1')).status, 503);

  const before = (await get(httpPort, '/metrics')).body;
  t.regex(before, /^argus_master_sdown\{master="mymaster"\} 0$/m);
  t.regex(before, /^argus_master_odown\{master="mymaster"\} 0$/m);
  t.regex(before, /^argus_master_replicas\{master="mymaster"\} 1$/m);
  t.regex(before, /^argus_master_quorum_reachable\{master="mymaster"\} 1$/m);
  t.regex(before, /^argus_tilt_total 0$/m);
  t.regex(before, /^nodejs_eventloop_lag_seconds /m);
  t.notRegex(before, /argus_master_failovers_total\{/);
  t.is((await get(httpPort, '/metrics', null)).status, 401);

  t.is((await c.sentinels[0]!.client.call('SENTINEL', 'FAILOVER', c.name)).value, 'OK');
  await c.sentinels[0]!.events.wait('+switch-master', new RegExp(`^${c.name} `), { timeout: 30_000 });
  t.deepEqual((await get(httpPort, `/masters/${c.name}/primary`)).json(), { ip: '127.0.0.1', port: replicaPort });
  await waitFor(async () => (await get(httpPort, `/check/127.0.0.1/${replicaPort}`)).status === 200, {
    timeout: 15_000, what: 'the promoted replica passes the master check',
  });
  t.is((await get(httpPort, `/check/127.0.0.1/${masterPort}`)).status, 503);
  const after = (await get(httpPort, '/metrics')).body;
  t.regex(after, /^argus_master_failovers_total\{master="mymaster"\} 1$/m);
  t.regex(after, /^argus_master_config_epoch\{master="mymaster"\} 1$/m);
  const seconds = Number(/^argus_master_last_failover_duration_seconds\{master="mymaster"\} (\S+)$/m.exec(after)?.[1]);
  t.true(seconds > 0 && seconds < 30, `failover took ${seconds} s`);
});

test.serial('http: /metrics flips the sdown gauge of a killed master', async (t) => {
  const httpPort = await freePort();
  const c = await startCluster({ argus: 1, replicas: 0, quorum: 2, extra: `argus-http-port ${httpPort}\n` });
  t.teardown(() => c.stop());
  t.regex((await get(httpPort, '/metrics', null)).body, /^argus_master_sdown\{master="mymaster"\} 0$/m);
  c.master.child.kill('SIGKILL');
  await waitFor(async () => /^argus_master_sdown\{master="mymaster"\} 1$/m.test((await get(httpPort, '/metrics', null)).body), {
    timeout: 10_000, what: 'sdown gauge 1',
  });
  const body = (await get(httpPort, '/metrics', null)).body;
  t.regex(body, /^argus_master_odown\{master="mymaster"\} 0$/m);
  t.is((await get(httpPort, `/check/127.0.0.1/${c.master.port}`, null)).status, 503);
});

test.serial('http: /health is 503 while the config cannot be saved', async (t) => {
  const httpPort = await freePort();
  const s = await startSentinel(`argus-http-port ${httpPort}\n`);
  t.teardown(() => s.cleanup());
  await waitFor(async () => (await get(httpPort, '/health', null)).status === 200, { what: 'http up' });
  // a directory where the config file was: the next rewrite cannot read it
  rmSync(s.configPath);
  mkdirSync(s.configPath);
  const { RawClient } = await import('../helpers/raw-client.js');
  const client = await RawClient.open(s.port);
  t.teardown(() => client.close());
  await client.call('SENTINEL', 'FLUSHCONFIG');
  const h = await get(httpPort, '/health', null);
  t.is(h.status, 503);
  t.regex(h.json().reasons[0], /^config save failed: /);
});

test.serial('http: a bad argus-http-port is a fatal config error', async (t) => {
  const s = await startSentinel('argus-http-port 70000\n', { waitReady: false });
  t.teardown(() => s.cleanup());
  t.is(await s.exited, 1);
  t.regex(s.stderr(), /FATAL CONFIG FILE ERROR[\s\S]*argus-http-port 70000[\s\S]*argument must be between 0 and 65535 inclusive/);
});
