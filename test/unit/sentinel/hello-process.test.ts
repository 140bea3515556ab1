import test from 'ava';
import type { Hello } from '../../../src/sentinel/hello.js';
import { forgetSentinel, isOwnHello, parseHello, processHelloMessage } from '../../../src/sentinel/hello-process.js';
import { newMasterRecord, SRI } from '../../../src/sentinel/instance.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';
import { connect, kinds, masterAt, sentinelOf, T0 } from './helpers.js';
import { cluster, ME, PEER_B, PEER_C, Sim } from './cluster-helpers.js';

const M = 'mymaster 127.0.0.1 16379';
const SB = `sentinel ${PEER_B} 127.0.0.1 26380 @ ${M}`;

const helloFrom = (over: Partial<Hello> = {}): Hello => ({
  ip: '127.0.0.1',
  port: 26380,
  runid: PEER_B,
  currentEpoch: 0,
  masterName: 'mymaster',
  masterIp: '127.0.0.1',
  masterPort: 16379,
  masterConfigEpoch: 0,
  ...over,
});

test('hello-process: a new peer gives +sentinel, sentinel-added and a flush; a known one only refreshes its last-hello time', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom(), ctx));
  t.deepEqual(sim.lines, [`+sentinel ${SB}`]);
  t.deepEqual(kinds(out), ['event', 'sentinel-added', 'flush-config']);
  const s = m.sentinels.get(PEER_B)!;
  t.is(s.runid, PEER_B);
  t.like(out[1], { sentinel: s, master: m });
  sim.advance(2000);
  t.deepEqual(sim.run((ctx) => processHelloMessage(m, helloFrom(), ctx)), []);
  t.is(s.lastHelloTime, T0 + 2000);
});

test('hello-process: a known run id at a new address is an address switch, also for its records under other masters', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  const other = newMasterRecord('other', { host: '127.0.0.1', port: 17000 }, 2, defaultTimings(), T0);
  const old = sentinelOf(m, PEER_B, '127.0.0.1', 26380);
  const elsewhere = sentinelOf(other, PEER_B, '127.0.0.1', 26380);
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom({ ip: '10.0.0.9', port: 26390 }), ctx, [m, other]));
  t.deepEqual(sim.lines, [
    `+sentinel-address-switch master ${M} ip 10.0.0.9 port 26390 for ${PEER_B}`,
    `+sentinel-address-update sentinel ${PEER_B} 10.0.0.9 26390 @ ${M} 1 additional matching instances`,
  ]);
  t.deepEqual(kinds(out), ['sentinel-removed', 'event', 'sentinel-added', 'sentinel-address-changed', 'event', 'flush-config']);
  t.like(out[0], { sentinel: old });
  t.like(out[3], { sentinel: elsewhere, master: other });
  t.deepEqual(m.sentinels.get(PEER_B)!.addr, { host: '10.0.0.9', port: 26390 });
  t.deepEqual(elsewhere.addr, { host: '10.0.0.9', port: 26390 });
});

test('hello-process: a new run id at an address another run id holds removes that one from every master', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  const other = newMasterRecord('other', { host: '127.0.0.1', port: 17000 }, 2, defaultTimings(), T0);
  sentinelOf(m, PEER_C, '127.0.0.1', 26380);
  sentinelOf(other, PEER_C, '127.0.0.1', 26380);
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom(), ctx, [m, other]));
  t.deepEqual(sim.lines, [`+sentinel-invalid-addr sentinel ${PEER_C} 127.0.0.1 26380 @ ${M}`, `+sentinel ${SB}`]);
  t.deepEqual(kinds(out), ['event', 'sentinel-removed', 'sentinel-removed', 'forget-sentinel', 'event', 'sentinel-added', 'flush-config']);
  t.like(out[3], { runid: PEER_C });
  t.false(m.sentinels.has(PEER_C));
  t.false(other.sentinels.has(PEER_C));
  t.deepEqual(forgetSentinel([other], PEER_C), [], 'another shard with nothing to forget');
});

test('hello-process: a peer announcing a hostname is not created without resolve-hostnames', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  t.deepEqual(sim.run((ctx) => processHelloMessage(m, helloFrom({ ip: 'sentinel-b.local', masterConfigEpoch: 5 }), ctx)), []);
  t.is(m.sentinels.size, 0);
  t.is(m.configEpoch, 0, 'no sender record: the config is not taken');
});

test('hello-process: a larger current epoch is adopted with +new-epoch and a flush', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  sentinelOf(m, PEER_B, '127.0.0.1', 26380);
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom({ currentEpoch: 9 }), ctx));
  t.deepEqual(kinds(out), ['raise-epoch', 'flush-config', 'event-text']);
  t.deepEqual(sim.lines, ['+new-epoch 9']);
  t.is(sim.currentEpoch, 9);
  t.deepEqual(sim.run((ctx) => processHelloMessage(m, helloFrom({ currentEpoch: 3 }), ctx)), [], 'never lowered');
});

test('hello-process: an observer switches on a newer config: +config-update-from first, then +switch-master', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = cluster(T0);
  m.clientReconfigScript = '/bin/reconf';
  m.flags |= SRI.S_DOWN | SRI.O_DOWN;
  m.leader = PEER_B;
  m.leaderEpoch = 1;
  sim.currentEpoch = 1;
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom({ currentEpoch: 1, masterPort: 16380, masterConfigEpoch: 1 }), ctx));
  t.deepEqual(sim.lines, [
    `+config-update-from ${SB}`,
    '+switch-master mymaster 127.0.0.1 16379 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16381 127.0.0.1 16381 @ mymaster 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16379 127.0.0.1 16379 @ mymaster 127.0.0.1 16380',
  ]);
  t.deepEqual(kinds(out), ['flush-config', 'event-text', 'event-text', 'event', 'event', 'switch-master', 'flush-config', 'client-reconfig']);
  t.like(out[1], { level: 'warning', master: 'mymaster' });
  t.like(out.at(-1), { role: 'observer', args: ['mymaster', 'observer', 'start', '127.0.0.1', '16379', '127.0.0.1', '16380'] });
  const sw = out[5];
  t.deepEqual(sw?.kind === 'switch-master' ? sw.dropped : null, [r1, r2], 'the old replica records, for the shell to stop');
  t.is(m.configEpoch, 1);
  t.deepEqual(m.addr, { host: '127.0.0.1', port: 16380 });
  t.is(m.flags, SRI.MASTER, 'SDOWN/ODOWN of the old address end');
  t.is(m.sentinels.size, 2, 'peers are kept');
  t.is(m.sentinels.get(PEER_B)!.lastHelloTime, T0);
});

test('hello-process: a newer config epoch for the same address only updates the epoch', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  sentinelOf(m, PEER_B, '127.0.0.1', 26380);
  const out = sim.run((ctx) => processHelloMessage(m, helloFrom({ masterConfigEpoch: 4 }), ctx));
  t.deepEqual(kinds(out), ['flush-config']);
  t.is(m.configEpoch, 4);
  t.deepEqual(sim.run((ctx) => processHelloMessage(m, helloFrom({ masterConfigEpoch: 2, masterPort: 1 }), ctx)), [], 'an older config is ignored');
  t.deepEqual(m.addr, { host: '127.0.0.1', port: 16379 });
});

test('hello-process: the switch is accepted in TILT (hellos keep working)', (t) => {
  const sim = new Sim();
  const m = masterAt(T0, '127.0.0.1', 16379);
  connect(sentinelOf(m, PEER_B, '127.0.0.1', 26380));
  sim.tilt = true;
  sim.run((ctx) => processHelloMessage(m, helloFrom({ masterPort: 16380, masterConfigEpoch: 1 }), ctx));
  t.deepEqual(m.addr, { host: '127.0.0.1', port: 16380 });
});

test('hello-process: the pub/sub filter drops any payload containing our myid; parsing is re-exported', (t) => {
  const payload = `127.0.0.1,26379,${ME},0,mymaster,127.0.0.1,16379,0`;
  t.true(isOwnHello(payload, ME));
  t.false(isOwnHello(payload.replace(ME, PEER_B), ME));
  t.like(parseHello(payload), { runid: ME, masterPort: 16379 });
});

test('hello-process: forgetSentinel drops the run id under each given master and flushes', (t) => {
  const a = masterAt(T0, '127.0.0.1', 16379);
  const b = newMasterRecord('other', { host: '127.0.0.1', port: 17000 }, 2, defaultTimings(), T0);
  const sa = sentinelOf(a, PEER_C, '127.0.0.1', 26380);
  const sb = sentinelOf(b, PEER_C, '127.0.0.1', 26380);
  sentinelOf(b, PEER_B, '127.0.0.1', 26381);
  const out = forgetSentinel([a, b], PEER_C);
  t.deepEqual(out, [
    { kind: 'sentinel-removed', sentinel: sa, master: a },
    { kind: 'sentinel-removed', sentinel: sb, master: b },
    { kind: 'flush-config' },
  ]);
  t.deepEqual([...b.sentinels.keys()], [PEER_B]);
});
