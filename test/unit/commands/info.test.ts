import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { addKnownReplica, addKnownSentinel, createMaster } from '../../../src/sentinel/state.js';
import { harness, one } from '../../helpers/fake-context.js';

const text = (r: ReturnType<typeof one>): string => (r.t === 'bulk' ? String(r.b) : `<${r.t}>`);
const titles = (s: string) => s.split('\r\n').filter((l) => l.startsWith('# '));

test('info: the sentinel section in exact order, with sentinel_total_tilt', async (t) => {
  const h = harness();
  const m = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 2, 0);
  if (!m.ok) return t.fail();
  addKnownReplica(h.state, m.value, '127.0.0.1', 16380, 0);
  t.is(
    text(one(await h.run('info', 'sentinel'))),
    '# Sentinel\r\n' +
      'sentinel_masters:1\r\n' +
      'sentinel_tilt:0\r\n' +
      'sentinel_tilt_since_seconds:-1\r\n' +
      'sentinel_total_tilt:0\r\n' +
      'sentinel_running_scripts:0\r\n' +
      'sentinel_scripts_queue_length:0\r\n' +
      'sentinel_simulate_failure_flags:0\r\n' +
      'master0:name=mymaster,status=ok,address=127.0.0.1:16379,slaves=1,sentinels=1\r\n',
  );
});

test('info: master status odown over sdown, IPv6 unbracketed, sentinels counted with self', async (t) => {
  const h = harness();
  const a = createMaster(h.state, 'a', '::1', 6379, 1, 0);
  const b = createMaster(h.state, 'b', '10.0.0.1', 6380, 1, 0);
  if (!a.ok || !b.ok) return t.fail();
  a.value.flags |= SRI.S_DOWN | SRI.O_DOWN;
  b.value.flags |= SRI.S_DOWN;
  addKnownSentinel(h.state, b.value, '10.0.0.2', 26379, 'c'.repeat(40), 0);
  h.state.tilt = true;
  h.state.tiltStartTime = h.clock.monotonic();
  h.state.totalTilt = 3;
  h.state.simFailureFlags = 2;
  h.clock.advance(4500);
  const s = text(one(await h.run('INFO', 'SENTINEL')));
  t.regex(s, /sentinel_tilt:1\r\nsentinel_tilt_since_seconds:4\r\nsentinel_total_tilt:3\r\n/);
  t.regex(s, /sentinel_simulate_failure_flags:2\r\n/);
  t.regex(s, /master0:name=a,status=odown,address=::1:6379,slaves=0,sentinels=1\r\n/);
  t.regex(s, /master1:name=b,status=sdown,address=10.0.0.1:6380,slaves=0,sentinels=2\r\n/);
});

test('info: argus_link_errors counts instances refusing a command, and is left out at 0', async (t) => {
  const h = harness();
  const m = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 2, 0);
  if (!m.ok) return t.fail();
  addKnownReplica(h.state, m.value, '127.0.0.1', 16380, 0);
  addKnownSentinel(h.state, m.value, '127.0.0.1', 26380, 'c'.repeat(40), 0);
  t.notRegex(text(one(await h.run('info', 'sentinel'))), /argus_link_errors/);
  const denied = [{ command: 'INFO', error: "NOPERM this user has no permissions to run the 'info' command" }];
  m.value.link.permErrors = denied;
  m.value.replicas.get('127.0.0.1:16380')!.link.permErrors = denied;
  m.value.sentinels.get('c'.repeat(40))!.link.permErrors = [{ command: 'PING', error: 'NOAUTH Authentication required.' }];
  t.regex(text(one(await h.run('info', 'sentinel'))), /sentinel_simulate_failure_flags:0\r\nargus_link_errors:3\r\nmaster0:/);
});

test('info: no argument, default and all mean the five sections in INFO order; everything adds Argus\'s', async (t) => {
  const h = harness();
  const all = ['# Server', '# Clients', '# Stats', '# CPU', '# Sentinel'];
  for (const args of [[], ['default'], ['ALL']]) {
    t.deepEqual(titles(text(one(await h.run('info', ...args)))), all, args.join(' '));
  }
  for (const args of [['everything'], ['sentinel', 'everything']]) {
    t.deepEqual(titles(text(one(await h.run('info', ...args)))), [...all, '# Argus'], args.join(' '));
  }
});

test('info: the argus section is printed when named, after the others, with the config save counters', async (t) => {
  const h = harness();
  const s = text(one(await h.run('info', 'argus', 'sentinel')));
  t.deepEqual(titles(s), ['# Sentinel', '# Argus']);
  for (const field of ['argus_version', 'argus_shards', 'argus_shard_restarts', 'argus_config_saves', 'argus_config_save_requests', 'argus_config_save_failures', 'argus_config_last_save_ms']) {
    t.regex(s, new RegExp(`\\r\\n${field}:\\S+\\r\\n`), field);
  }
  t.regex(s, /\r\nargus_config_last_save_status:ok\r\n/);
  t.notRegex(s, /argus_config_last_save_error/, 'the error line only while a save is failing');
});

test('info: chosen sections keep INFO order, separated by a blank line; unknown ones are dropped', async (t) => {
  const h = harness();
  const s = text(one(await h.run('info', 'SENTINEL', 'server', 'memory')));
  t.deepEqual(titles(s), ['# Server', '# Sentinel']);
  t.regex(s, /\r\n\r\n# Sentinel\r\n/);
  t.is(text(one(await h.run('info', 'foo'))), '');
  t.is(text(one(await h.run('info', 'a', 'b', 'c'))), '');
});

test('info: a bulk string in RESP3 too', async (t) => {
  const h = harness();
  h.client.resp = 3;
  t.is(one(await h.run('info', 'sentinel')).t, 'bulk');
});

test('info: server section carries the fields exporters read', async (t) => {
  const h = harness();
  h.clock.advance(90_061_000);
  const s = text(one(await h.run('info', 'server')));
  const fields = new Map(
    s.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
  for (const k of [
    'redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds',
    'uptime_in_days', 'hz', 'configured_hz', 'executable', 'config_file',
  ]) {
    t.true(fields.has(k), k);
  }
  t.is(fields.get('redis_mode'), 'sentinel');
  t.is(fields.get('run_id'), h.process.runId);
  t.not(fields.get('run_id'), h.state.myid);
  t.is(fields.get('tcp_port'), '26379');
  t.is(fields.get('uptime_in_seconds'), '90061');
  t.is(fields.get('uptime_in_days'), '1');
  t.is(fields.get('hz'), '13');
  t.is(fields.get('configured_hz'), '10');
  t.is(fields.get('config_file'), '/etc/argus/sentinel.conf');
});

test('info: clients and stats sections read the registry, the stats and the hub', async (t) => {
  const h = harness();
  const other = h.connect();
  await h.runAs(other, 'subscribe', 'a', 'b');
  await h.runAs(other, 'psubscribe', '*');
  h.process.stats.totalConnectionsReceived = 7;
  const clients = text(one(await h.run('info', 'clients')));
  t.regex(clients, /^# Clients\r\nconnected_clients:2\r\n/);
  const stats = text(one(await h.run('info', 'stats')));
  t.regex(stats, /total_connections_received:7\r\n/);
  t.regex(stats, /total_commands_processed:3\r\n/);
  t.regex(stats, /pubsub_channels:2\r\npubsub_patterns:1\r\n/);
  const cpu = text(one(await h.run('info', 'cpu')));
  t.regex(cpu, /^# CPU\r\nused_cpu_sys:\d+\.\d{6}\r\nused_cpu_user:\d+\.\d{6}\r\n/);
});
