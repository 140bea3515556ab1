import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import {
  applySnapshot,
  fromSnapshot,
  MASTER_FIELDS,
  operatorKey,
  REPLICA_FIELDS,
  SENTINEL_FIELDS,
  toSnapshot,
  type MasterSnapshot,
} from '../../../src/actors/protocol.js';
import { decodeMessage, encodeMessage } from '../../../src/actors/wire.js';
import { newMasterRecord, newReplicaRecord, newSentinelRecord, SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';

const NOW = 1_000_000;
const RUNID = 'b'.repeat(40);

function master(): MasterRecord {
  const m = newMasterRecord('m', { host: '10.0.0.1', port: 6379 }, 2, defaultTimings(), NOW);
  m.renamedCommands.set('config', { command: 'CONFIG', renamed: 'xconfig' });
  m.replicas.set('10.0.0.2:6379', newReplicaRecord('10.0.0.2:6379', { host: '10.0.0.2', port: 6379 }, m, NOW));
  m.replicas.set('10.0.0.3:6379', newReplicaRecord('10.0.0.3:6379', { host: '10.0.0.3', port: 6379 }, m, NOW));
  m.sentinels.set(RUNID, newSentinelRecord(RUNID, { host: '10.0.0.9', port: 26379 }, m, NOW));
  m.info = '# Server\r\nrun_id:x\r\n';
  m.replicas.get('10.0.0.2:6379')!.info = 'replica info';
  return m;
}

/** What the shard would send after learning things the main thread does not know yet. */
function learned(from: MasterRecord): MasterSnapshot {
  const shard = fromSnapshot(toSnapshot(from));
  shard.flags |= SRI.S_DOWN;
  shard.sdownSinceTime = NOW + 5;
  shard.runid = 'c'.repeat(40);
  shard.link.lastPongTime = NOW + 7;
  shard.configEpoch = 3;
  shard.addr = { host: '10.0.0.2', port: 6379 };
  shard.replicas.delete('10.0.0.3:6379');
  shard.replicas.get('10.0.0.2:6379')!.slaveReplOffset = 1234;
  shard.replicas.set('10.0.0.4:6379', newReplicaRecord('10.0.0.4:6379', { host: '10.0.0.4', port: 6379 }, shard, NOW));
  shard.sentinels.get(RUNID)!.lastHelloTime = NOW + 9;
  // operator fields the shard has an older view of
  shard.quorum = 9;
  shard.authPass = 'old';
  shard.renamedCommands.clear();
  return toSnapshot(shard);
}

test('protocol: every field of a fresh record has an owner in the table', (t) => {
  const m = master();
  const missing = (rec: object, table: object) => Object.keys(rec).filter((k) => !Object.hasOwn(table, k));
  t.deepEqual(missing(m, MASTER_FIELDS), []);
  t.deepEqual(missing(m.replicas.get('10.0.0.2:6379')!, REPLICA_FIELDS), []);
  t.deepEqual(missing(m.sentinels.get(RUNID)!, SENTINEL_FIELDS), []);
});

test('toSnapshot: carries replicas, sentinels and renamed commands as arrays, without INFO text', (t) => {
  const s = toSnapshot(master());
  t.deepEqual(s.replicas.map((r) => r.name), ['10.0.0.2:6379', '10.0.0.3:6379']);
  t.deepEqual(s.sentinels.map((p) => p.name), [RUNID]);
  t.deepEqual(s.renamedCommands, [{ command: 'CONFIG', renamed: 'xconfig' }]);
  t.false('info' in s);
  t.false('info' in s.replicas[0]!);
});

test('toSnapshot: copies links and addresses instead of sharing them', (t) => {
  const m = master();
  const s = toSnapshot(m);
  m.link.lastPongTime = 42;
  m.replicas.get('10.0.0.2:6379')!.link.disconnected = false;
  t.is(s.link.lastPongTime, NOW);
  t.true(s.replicas[0]!.link.disconnected);
  t.not(s.addr, m.addr);
});

test('fromSnapshot: rebuilds an equal record with INFO unknown', (t) => {
  const m = master();
  const back = fromSnapshot(toSnapshot(m));
  m.info = null;
  m.replicas.get('10.0.0.2:6379')!.info = null;
  t.deepEqual(back, m);
});

test('snapshot: survives msgpack and structured clone unchanged', async (t) => {
  const s = toSnapshot(master());
  t.deepEqual(decodeMessage(encodeMessage(s, 'msgpack').data, 'msgpack'), s);
  const { port1, port2 } = new MessageChannel();
  const got = new Promise((r) => port2.once('message', r));
  port1.postMessage(s);
  t.deepEqual(await got, s);
  port1.close();
});

test('applySnapshot: overwrites runtime-owned fields and keeps operator-owned ones', (t) => {
  const mirror = master();
  mirror.authPass = 'new';
  applySnapshot(mirror, learned(mirror));
  t.is(mirror.flags & SRI.S_DOWN, SRI.S_DOWN);
  t.is(mirror.sdownSinceTime, NOW + 5);
  t.is(mirror.runid, 'c'.repeat(40));
  t.is(mirror.link.lastPongTime, NOW + 7);
  t.is(mirror.configEpoch, 3);
  t.deepEqual(mirror.addr, { host: '10.0.0.2', port: 6379 });
  t.is(mirror.quorum, 2);
  t.is(mirror.authPass, 'new');
  t.deepEqual([...mirror.renamedCommands.keys()], ['config']);
  t.is(mirror.name, 'm');
  t.is(mirror.createdTime, NOW);
});

test('applySnapshot: rebuilds replicas and peers, keeping fetched INFO and the mirror\'s down-after', (t) => {
  const mirror = master();
  mirror.downAfterPeriod = 5_000;
  applySnapshot(mirror, learned(mirror));
  t.deepEqual([...mirror.replicas.keys()], ['10.0.0.2:6379', '10.0.0.4:6379']);
  const r = mirror.replicas.get('10.0.0.2:6379')!;
  t.is(r.slaveReplOffset, 1234);
  t.is(r.info, 'replica info');
  t.is(r.downAfterPeriod, 5_000);
  t.is(mirror.replicas.get('10.0.0.4:6379')!.info, null);
  t.is(mirror.sentinels.get(RUNID)!.lastHelloTime, NOW + 9);
  t.is(mirror.sentinels.get(RUNID)!.downAfterPeriod, 5_000);
  t.is(mirror.info, '# Server\r\nrun_id:x\r\n', 'the master\'s INFO text is kept too');
});

test('applySnapshot: never takes the vote back to an older epoch', (t) => {
  const mirror = master();
  const stale = toSnapshot(mirror);
  // the main thread voted (IS-MASTER-DOWN-BY-ADDR) after the shard took its snapshot
  mirror.leader = RUNID;
  mirror.leaderEpoch = 5;
  applySnapshot(mirror, stale);
  t.is(mirror.leader, RUNID);
  t.is(mirror.leaderEpoch, 5);
  const shard = fromSnapshot(stale);
  shard.leader = 'd'.repeat(40);
  shard.leaderEpoch = 6;
  applySnapshot(mirror, toSnapshot(shard));
  t.is(mirror.leader, 'd'.repeat(40));
  t.is(mirror.leaderEpoch, 6);
});

test('operatorKey: changes with operator-owned fields only', (t) => {
  const m = master();
  const key = operatorKey(m);
  m.link.lastPongTime++;
  m.flags |= SRI.S_DOWN;
  t.is(operatorKey(m), key);
  m.renamedCommands.set('ping', { command: 'PING', renamed: 'p' });
  t.not(operatorKey(m), key);
  const k2 = operatorKey(m);
  m.failoverTimeout = 1;
  t.not(operatorKey(m), k2);
});

test('applySnapshot: link errors (permErrors) reach the mirror through msgpack, and their clearing too', (t) => {
  const mirror = master();
  const shard = fromSnapshot(toSnapshot(mirror));
  const denied = [{ command: 'INFO', error: "NOPERM this user has no permissions to run the 'info' command" }];
  shard.link.permErrors = denied;
  shard.replicas.get('10.0.0.2:6379')!.link.permErrors = denied;
  shard.sentinels.get(RUNID)!.link.permErrors = [{ command: 'AUTH', error: 'WRONGPASS invalid username-password pair or user is disabled.' }];
  const wire = (m: MasterRecord) => decodeMessage(encodeMessage(toSnapshot(m), 'msgpack').data, 'msgpack') as MasterSnapshot;
  applySnapshot(mirror, wire(shard));
  t.deepEqual(mirror.link.permErrors, denied);
  t.deepEqual(mirror.replicas.get('10.0.0.2:6379')!.link.permErrors, denied);
  t.is(mirror.sentinels.get(RUNID)!.link.permErrors[0]!.command, 'AUTH');
  shard.link.permErrors = [];
  applySnapshot(mirror, wire(shard));
  t.deepEqual(mirror.link.permErrors, []);
});
