import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import {
  applyFacts,
  briefOf,
  factsKey,
  factsOf,
  fromSnapshot,
  operatorKey,
  toSnapshot,
  type MasterFacts,
} from '../../../src/actors/protocol.js';
import { decodeMessage, encodeMessage } from '../../../src/actors/wire.js';
import { newMasterRecord, newReplicaRecord, newSentinelRecord, SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import { currentMasterAddr } from '../../../src/sentinel/state.js';
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

/** A shard's copy of the master after it learned things the main thread does not know yet. */
function learned(from: MasterRecord): MasterRecord {
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
  return shard;
}

/** Facts as they arrive on the main thread: through msgpack. */
const wired = (m: MasterRecord): MasterFacts => decodeMessage(encodeMessage(factsOf(m), 'msgpack').data, 'msgpack') as MasterFacts;

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

test('applyFacts: takes the address, epochs, replicas and peers, and nothing else', (t) => {
  const record = master();
  record.authPass = 'new';
  applyFacts(record, wired(learned(record)), NOW + 100);
  t.is(record.configEpoch, 3);
  t.deepEqual(record.addr, { host: '10.0.0.2', port: 6379 });
  t.deepEqual([...record.replicas.keys()], ['10.0.0.2:6379', '10.0.0.4:6379']);
  t.deepEqual([...record.sentinels.keys()], [RUNID]);
  // runtime state stays where it lives
  t.is(record.flags & SRI.S_DOWN, 0);
  t.is(record.runid, null);
  t.is(record.link.lastPongTime, NOW);
  t.is(record.replicas.get('10.0.0.2:6379')!.slaveReplOffset, 0);
  // operator fields are the main thread's
  t.is(record.quorum, 2);
  t.is(record.authPass, 'new');
  t.deepEqual([...record.renamedCommands.keys()], ['config']);
});

test('applyFacts: a new replica or peer gets a fresh record with the master\'s down-after', (t) => {
  const record = master();
  record.downAfterPeriod = 5_000;
  const shard = learned(record);
  const peer = 'e'.repeat(40);
  shard.sentinels.set(peer, newSentinelRecord(peer, { host: '10.0.0.8', port: 26379 }, shard, NOW));
  applyFacts(record, wired(shard), NOW + 100);
  const r = record.replicas.get('10.0.0.4:6379')!;
  t.is(r.downAfterPeriod, 5_000);
  t.deepEqual(r.addr, { host: '10.0.0.4', port: 6379 });
  t.deepEqual(record.sentinels.get(peer)!.addr, { host: '10.0.0.8', port: 26379 });
  t.is(record.sentinels.get(peer)!.runid, peer);
});

test('applyFacts: the promoted replica and the failover state make the current address', (t) => {
  const record = master();
  const shard = fromSnapshot(toSnapshot(record));
  shard.replicas.get('10.0.0.3:6379')!.flags |= SRI.PROMOTED;
  shard.failoverState = 'reconf_slaves';
  applyFacts(record, wired(shard), NOW);
  t.is(record.failoverState, 'reconf_slaves');
  t.truthy(record.replicas.get('10.0.0.3:6379')!.flags & SRI.PROMOTED);
  t.deepEqual(currentMasterAddr(record), { host: '10.0.0.3', port: 6379 });
  shard.replicas.get('10.0.0.3:6379')!.flags &= ~SRI.PROMOTED;
  shard.failoverState = 'none';
  applyFacts(record, wired(shard), NOW);
  t.is(record.replicas.get('10.0.0.3:6379')!.flags & SRI.PROMOTED, 0);
  t.deepEqual(currentMasterAddr(record), { host: '10.0.0.1', port: 6379 });
});

test('applyFacts: never takes the vote back to an older epoch', (t) => {
  const record = master();
  const stale = factsOf(fromSnapshot(toSnapshot(record)));
  // the main thread recorded a vote (IS-MASTER-DOWN-BY-ADDR) after the shard took these facts
  record.leader = RUNID;
  record.leaderEpoch = 5;
  applyFacts(record, stale, NOW);
  t.is(record.leader, RUNID);
  t.is(record.leaderEpoch, 5);
  const shard = fromSnapshot(toSnapshot(record));
  shard.leader = 'd'.repeat(40);
  shard.leaderEpoch = 6;
  applyFacts(record, factsOf(shard), NOW);
  t.is(record.leader, 'd'.repeat(40));
  t.is(record.leaderEpoch, 6);
});

test('factsKey: unchanged by what a PING, an INFO or a hello changes; changed by what is persisted', (t) => {
  const m = master();
  const key = factsKey(factsOf(m));
  m.link.lastPongTime += 1000;
  m.link.disconnected = false;
  m.flags |= SRI.S_DOWN;
  m.info = 'new info';
  m.replicas.get('10.0.0.2:6379')!.slaveReplOffset = 99;
  m.sentinels.get(RUNID)!.lastHelloTime += 2000;
  t.is(factsKey(factsOf(m)), key);
  const changes: ((r: MasterRecord) => void)[] = [
    (r) => (r.configEpoch = 9),
    (r) => (r.leaderEpoch = 9),
    (r) => (r.leader = RUNID),
    (r) => (r.addr = { host: '10.0.0.2', port: 6379 }),
    (r) => (r.failoverState = 'wait_start'),
    (r) => (r.replicas.get('10.0.0.2:6379')!.flags |= SRI.PROMOTED),
    (r) => r.replicas.delete('10.0.0.3:6379'),
    (r) => (r.sentinels.get(RUNID)!.addr = { host: '10.0.0.9', port: 26380 }),
    (r) => r.sentinels.clear(),
  ];
  for (const change of changes) {
    const copy = fromSnapshot(toSnapshot(master()));
    change(copy);
    t.not(factsKey(factsOf(copy)), key, change.toString());
  }
});

test('toSnapshot, factsOf: a name carries the IP the shard resolved it to; an IP literal carries none', (t) => {
  const m = master();
  m.addr = { host: 'redis-0', port: 6379 };
  m.replicas.set('redis-1:6379', newReplicaRecord('redis-1:6379', { host: 'redis-1', port: 6379 }, m, NOW));
  m.sentinels.get(RUNID)!.addr = { host: 'sentinel-0', port: 26379 };
  const ipOf = (h: string): string | undefined => ({ 'redis-0': '10.1.0.1', 'redis-1': '10.1.0.2', 'sentinel-0': '10.1.0.9' })[h];
  const s = toSnapshot(m, ipOf);
  t.deepEqual(s.addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
  t.deepEqual(s.replicas.map((r) => r.addr), [
    { host: '10.0.0.2', port: 6379 },
    { host: '10.0.0.3', port: 6379 },
    { host: 'redis-1', port: 6379, ip: '10.1.0.2' },
  ]);
  t.deepEqual(s.sentinels[0]!.addr, { host: 'sentinel-0', port: 26379, ip: '10.1.0.9' });
  t.false('ip' in m.addr, 'the shard\'s own record is left as it was');
  const f = wired(m);
  t.deepEqual(factsOf(m, ipOf).addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
  t.deepEqual(f.addr, { host: 'redis-0', port: 6379 }, 'no cache: nothing to carry');
  // a name not resolved yet keeps what its address carried (the main thread's last word)
  t.deepEqual(factsOf(fromSnapshot(s), () => undefined).addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
});

test('factsKey, applyFacts: a name resolving to a new IP is a change, and the main thread takes it', (t) => {
  const record = master();
  record.addr = { host: 'redis-0', port: 6379 };
  const shard = fromSnapshot(toSnapshot(record));
  shard.replicas.get('10.0.0.3:6379')!.flags |= SRI.PROMOTED;
  shard.replicas.set('redis-1:6379', newReplicaRecord('redis-1:6379', { host: 'redis-1', port: 6379 }, shard, NOW));
  record.replicas.set('redis-1:6379', newReplicaRecord('redis-1:6379', { host: 'redis-1', port: 6379 }, record, NOW));
  const ips = new Map([['redis-0', '10.1.0.1'], ['redis-1', '10.1.0.2']]);
  const ipOf = (h: string): string | undefined => ips.get(h);
  const before = factsKey(factsOf(shard));
  const resolved = factsKey(factsOf(shard, ipOf));
  t.not(resolved, before);
  ips.set('redis-1', '10.1.0.3');
  t.not(factsKey(factsOf(shard, ipOf)), resolved, 'a replica\'s new IP');
  applyFacts(record, decodeMessage(encodeMessage(factsOf(shard, ipOf), 'msgpack').data, 'msgpack') as MasterFacts, NOW);
  t.deepEqual(record.addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
  t.deepEqual(record.replicas.get('redis-1:6379')!.addr, { host: 'redis-1', port: 6379, ip: '10.1.0.3' }, 'a known replica record takes it too');
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

test('briefOf: INFO sentinel\'s figures, link errors counted per instance', (t) => {
  const m = master();
  m.flags |= SRI.O_DOWN;
  const denied = [{ command: 'INFO', error: "NOPERM this user has no permissions to run the 'info' command" }];
  m.link.permErrors = denied;
  m.replicas.get('10.0.0.3:6379')!.link.permErrors = denied;
  t.deepEqual(briefOf(m), { name: 'm', flags: m.flags, replicas: 2, sentinels: 1, linkErrors: 2 });
});
