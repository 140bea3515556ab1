import test from 'ava';
import { SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import {
  abortFailover,
  FAILOVER_RANK_STEP,
  failoverRank,
  failoverStateMachine,
  startFailover,
  startFailoverIfNeeded,
  startUserFailover,
} from '../../../src/sentinel/failover.js';
import { handleMaster, nextFailoverWake } from '../../../src/sentinel/handle-master.js';
import { onIsMasterDownReply } from '../../../src/sentinel/odown.js';
import { refreshInstanceInfo } from '../../../src/sentinel/refresh-info.js';
import { checkSubjectivelyDown } from '../../../src/sentinel/sdown.js';
import { currentMasterAddr } from '../../../src/sentinel/state.js';
import { resetMaster } from '../../../src/sentinel/switch-master.js';
import { info, T0 } from './helpers.js';
import { voteLeader } from '../../../src/sentinel/vote.js';
import { answer, askArgs, cluster, followingInfo, healthyReplica, kindsOf, ME, PEER_B, PEER_C, Sim } from './cluster-helpers.js';

const healthyReplicaAt = (m: MasterRecord, port: number) => healthyReplica(m, port, T0);

const M = 'mymaster 127.0.0.1 16379';
const R1 = `slave 127.0.0.1:16380 127.0.0.1 16380 @ ${M}`;
const R2 = `slave 127.0.0.1:16381 127.0.0.1 16381 @ ${M}`;

/** Every peer of `m` answers "down" (no vote) now. */
function peersSayDown(sim: Sim, m: MasterRecord): void {
  for (const s of m.sentinels.values()) sim.run((ctx) => onIsMasterDownReply(s, m, answer(1), ctx));
}

test('failover: a leader goes from SDOWN to +switch-master with Sentinel\'s events in Sentinel\'s order', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = cluster(T0);
  m.clientReconfigScript = '/usr/local/bin/reconf.sh';
  m.link.actPingTime = T0;
  sim.advance(2001);
  sim.run((ctx) => checkSubjectivelyDown(m, m, ctx));
  const asked = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(askArgs(asked), [
    ['is-master-down-by-addr', '127.0.0.1', '16379', '0', '*'],
    ['is-master-down-by-addr', '127.0.0.1', '16379', '0', '*'],
  ], 'peers are asked as soon as SDOWN starts');

  sim.advance(5);
  peersSayDown(sim, m);
  const started = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(askArgs(started).map((a) => a.slice(3)), [['1', ME], ['1', ME]], 'vote requests go out at once');
  t.is(sim.currentEpoch, 1);
  t.is(m.failoverState, 'wait_start');

  sim.advance(3);
  const b = m.sentinels.get(PEER_B)!;
  sim.run((ctx) => onIsMasterDownReply(b, m, answer(1, ME, 1), ctx));
  const elected = sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_promotion');
  const promote = elected.find((e) => e.kind === 'send-slaveof');
  t.like(promote, { kind: 'send-slaveof', instance: r1, host: null });
  t.true(elected.some((e) => e.kind === 'info-now' && e.instance === r1), 'the promoted replica is polled at once');

  sim.advance(10);
  const promoted = sim.run((ctx) => refreshInstanceInfo(r1, m, info('role:master'), ctx));
  t.is(m.configEpoch, 1);
  t.deepEqual(currentMasterAddr(m), r1.addr, 'GET-MASTER-ADDR-BY-NAME switches at reconf_slaves');
  t.like(promoted.find((e) => e.kind === 'client-reconfig'), {
    role: 'leader',
    args: ['mymaster', 'leader', 'start', '127.0.0.1', '16379', '127.0.0.1', '16380'],
  });
  t.true(promoted.some((e) => e.kind === 'force-hello'));
  const reconf = sim.run((ctx) => handleMaster(m, ctx));
  t.like(reconf.find((e) => e.kind === 'send-slaveof'), { instance: r2, host: '127.0.0.1', port: 16380 });

  sim.advance(1000);
  sim.run((ctx) => refreshInstanceInfo(r2, m, followingInfo('127.0.0.1', 16380), ctx));
  for (const s of m.sentinels.values()) sim.run((ctx) => onIsMasterDownReply(s, m, answer(0), ctx));
  const end = sim.run((ctx) => handleMaster(m, ctx));

  t.deepEqual(sim.lines, [
    `+sdown master ${M}`,
    `+odown master ${M} #quorum 3/2`,
    '+new-epoch 1',
    `+try-failover master ${M}`,
    `+vote-for-leader ${ME} 1`,
    `+elected-leader master ${M}`,
    `+failover-state-select-slave master ${M}`,
    `+selected-slave ${R1}`,
    `+failover-state-send-slaveof-noone ${R1}`,
    `+failover-state-wait-promotion ${R1}`,
    `-role-change ${R1} new reported role is master`,
    `+promoted-slave ${R1}`,
    `+failover-state-reconf-slaves master ${M}`,
    `+slave-reconf-sent ${R2}`,
    `+slave-reconf-inprog ${R2}`,
    `+slave-reconf-done ${R2}`,
    `-odown master ${M}`,
    `+failover-end master ${M}`,
    '+switch-master mymaster 127.0.0.1 16379 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16381 127.0.0.1 16381 @ mymaster 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16379 127.0.0.1 16379 @ mymaster 127.0.0.1 16380',
  ]);
  const levels = sim.effects.flatMap((e) => (e.kind === 'event' || e.kind === 'event-text' ? [e.level] : []));
  t.is(levels.filter((l) => l === 'notice').length, 7, 'send-slaveof-noone, wait-promotion, reconf x3, +slave x2');

  t.deepEqual(kindsOf(end).slice(-2), ['switch-master', 'flush-config']);
  t.like(end.find((e) => e.kind === 'switch-master'), { from: { host: '127.0.0.1', port: 16379 }, to: { host: '127.0.0.1', port: 16380 } });
  t.deepEqual(m.addr, { host: '127.0.0.1', port: 16380 });
  t.deepEqual([...m.replicas.keys()], ['127.0.0.1:16381', '127.0.0.1:16379'], 'the old master is now a replica');
  t.is(m.flags, SRI.MASTER);
  t.is(m.failoverState, 'none');
  t.is(m.configEpoch, 1);
  t.is(m.leaderEpoch, 1);
  t.is(m.failoverStartTime, 0, 'a new failover of the new master may start at once');
  t.not(m.replicas.get('127.0.0.1:16381'), r2, 'replica records are new');
});

test('failover: the switched master and its replicas start with a fresh link, nothing carried over', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  const oldLink = m.link;
  oldLink.disconnected = false;
  oldLink.actPingTime = T0 - 50_000;
  oldLink.lastAvailTime = T0 - 50_000;
  m.flags |= SRI.FAILOVER_IN_PROGRESS | SRI.S_DOWN | SRI.O_DOWN;
  m.failoverState = 'update_config';
  m.replicas.get('127.0.0.1:16380')!.flags |= SRI.PROMOTED;
  sim.advance(7000);
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.not(m.link, oldLink);
  t.like(m.link, { disconnected: true, actPingTime: T0 + 7000, lastAvailTime: T0 + 7000, lastPongTime: T0 + 7000, lastPingTime: 0 });
  t.is(m.sdownSinceTime, 0);
  t.is(m.infoRefresh, 0, 'INFO is asked at once');
  for (const r of m.replicas.values()) t.like(r.link, { disconnected: true, actPingTime: T0 + 7000 });
});

test('failover: the election window closes with -failover-abort-not-elected; the retry waits 2 × failover-timeout with a higher epoch', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  // the first draw is the start jitter after ODOWN (0 here), the next the Sentinel desync
  let draws = 0;
  sim.rand = () => (draws++ === 0 ? 0 : 400);
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = T0;
  peersSayDown(sim, m);
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_start');
  t.is(m.failoverStartTime, T0 + 400);
  // B and C each voted for themselves in epoch 1: split.
  const split = (epoch: number) => {
    for (const s of m.sentinels.values()) sim.run((ctx) => onIsMasterDownReply(s, m, answer(1, s.name, epoch), ctx));
  };
  split(1);
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 1000, 'next ask of the peers comes first');
  sim.advance(10_400);
  split(1);
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_start', 'exactly the window: still waiting');
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 10_401);
  const mark = sim.lines.length;
  sim.advance(1);
  sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.since(mark), [`-failover-abort-not-elected master ${M}`]);
  t.is(m.failoverState, 'none');
  t.false(Boolean(m.flags & SRI.FAILOVER_IN_PROGRESS));

  split(1);
  const delayed = sim.run((ctx) => handleMaster(m, { ...ctx, wallTime: (mono) => mono - T0 + Date.UTC(2026, 10, 22, 12) }));
  t.like(delayed.find((e) => e.kind === 'log'), { level: 'notice' });
  t.regex((delayed.find((e) => e.kind === 'log') as { message: string }).message, /^Next failover delay: I will not start a failover before \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d 2026$/);
  sim.advance(100);
  split(1);
  t.false(sim.run((ctx) => handleMaster(m, ctx)).some((e) => e.kind === 'log'), 'logged once per start time');
  t.is(nextFailoverWake(m, sim.ctx()) <= T0 + 400 + 20_000, true);

  sim.now = T0 + 400 + 20_000;
  split(1);
  const retry = sim.lines.length;
  sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.since(retry), ['+new-epoch 2', `+try-failover master ${M}`, `+vote-for-leader ${ME} 2`]);
  t.is(m.failoverState, 'wait_start');
  t.is(m.failoverEpoch, 2);
});

test('failover: a vote for another sentinel keeps us from starting our own failover of that master for 2 × failover-timeout', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  sim.rand = () => 10;
  m.flags |= SRI.S_DOWN | SRI.O_DOWN;
  const v = voteLeader(m, 1, PEER_B, sim.ctx());
  sim.currentEpoch = 1;
  t.is(v.leader, PEER_B);
  t.is(m.failoverStartTime, T0 + 10);
  const blocked = sim.run((ctx) => startFailoverIfNeeded(m, ctx));
  t.deepEqual(blocked, [{ kind: 'log', level: 'notice', message: 'Next failover delay: I will not start a failover before 21 seconds from now' }]);
  t.is(m.failoverState, 'none');
  sim.now = T0 + 10 + 20_000;
  sim.run((ctx) => startFailoverIfNeeded(m, ctx));
  t.is(m.failoverState, 'wait_start');
  t.is(m.failoverEpoch, 2);
});

/** A master whose failover reached `state` with r1 promoted (epoch 1). */
function inFailover(state: MasterRecord['failoverState'], now = T0) {
  const c = cluster(now);
  const { m, r1 } = c;
  m.flags |= SRI.S_DOWN | SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS;
  m.failoverEpoch = 1;
  m.failoverState = state;
  m.failoverStateChangeTime = now;
  m.failoverStartTime = now;
  r1.flags |= SRI.PROMOTED;
  return c;
}

/** Peers unreachable: no asks to wake for. */
function isolate(m: MasterRecord): void {
  for (const s of m.sentinels.values()) s.link.disconnected = true;
}

test('failover: manual FAILOVER skips the election but records our own vote, and asks nobody', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  sim.currentEpoch = 1;
  const res = startUserFailover(m, sim.ctx());
  t.true(res.ok);
  if (!res.ok) return;
  t.deepEqual(kindsOf(res.effects), ['log', 'raise-epoch', 'event-text', 'event']);
  t.like(res.effects[0], { level: 'warning', message: "Executing user requested FAILOVER of 'mymaster'" });
  t.like(res.effects[1], { epoch: 2 });
  t.true(Boolean(m.flags & SRI.FORCE_FAILOVER));
  t.deepEqual(startUserFailover(m, sim.ctx({ currentEpoch: 2 })), { ok: false, error: 'INPROG' });
  sim.currentEpoch = 2;
  const out = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.lines, [
    `+vote-for-leader ${ME} 2`,
    `+elected-leader master ${M}`,
    `+failover-state-select-slave master ${M}`,
    `+selected-slave ${R1}`,
    `+failover-state-send-slaveof-noone ${R1}`,
    `+failover-state-wait-promotion ${R1}`,
  ]);
  t.deepEqual(askArgs(out), [], 'the master is not SDOWN: peers are not asked');
  t.is(out.filter((e) => e.kind === 'simulated-crash').length, 1);
  t.like(out.find((e) => e.kind === 'simulated-crash'), { when: 'after-election' });
  t.true(kindsOf(out).indexOf('simulated-crash') < kindsOf(out).indexOf('send-slaveof'), 'a crash after election sends nothing');
});

test('failover: manual FAILOVER answers NOGOODSLAVE without a suitable replica, and changes nothing', (t) => {
  const { m, r1, r2 } = cluster(T0);
  r1.slavePriority = 0;
  r2.link.disconnected = true;
  const sim = new Sim();
  t.deepEqual(startUserFailover(m, sim.ctx()), { ok: false, error: 'NOGOODSLAVE' });
  t.is(m.failoverState, 'none');
  t.is(m.flags & SRI.FAILOVER_IN_PROGRESS, 0);
});

test('failover: no good replica after the election aborts with -failover-abort-no-good-slave', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = inFailover('select_slave');
  r1.flags &= ~SRI.PROMOTED;
  r1.flags |= SRI.S_DOWN;
  r2.flags |= SRI.S_DOWN;
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines, [`-failover-abort-no-good-slave master ${M}`]);
  t.is(m.failoverState, 'none');
});

test('failover: a promoted replica unreachable for failover-timeout aborts with -failover-abort-slave-timeout', (t) => {
  const sim = new Sim();
  const { m, r1 } = inFailover('send_slaveof_noone');
  isolate(m);
  r1.link.disconnected = true;
  sim.advance(10_000);
  t.deepEqual(sim.run((ctx) => failoverStateMachine(m, ctx)), []);
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 10_001);
  sim.advance(1);
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines, [`-failover-abort-slave-timeout master ${M}`]);
  t.false(Boolean(r1.flags & SRI.PROMOTED), 'the replica is no longer promoted');
  t.is(m.failoverStartTime, T0, 'the start time stays: the retry waits');
});

test('failover: no promotion within failover-timeout aborts with -failover-abort-slave-timeout', (t) => {
  const sim = new Sim();
  const { m } = inFailover('wait_promotion');
  m.flags |= SRI.FORCE_FAILOVER;
  sim.advance(10_001);
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines, [`-failover-abort-slave-timeout master ${M}`]);
  t.is(m.flags & (SRI.FAILOVER_IN_PROGRESS | SRI.FORCE_FAILOVER), 0);
});

test('failover: a replica reporting master is a promotion only for our promoted replica in wait_promotion, and not in TILT', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = inFailover('wait_promotion');
  sim.run((ctx) => refreshInstanceInfo(r2, m, info('role:master'), ctx));
  t.is(m.failoverState, 'wait_promotion', 'not the promoted one');
  sim.tilt = true;
  sim.run((ctx) => refreshInstanceInfo(r1, m, info('role:master'), ctx));
  t.is(m.failoverState, 'wait_promotion', 'TILT');
  sim.tilt = false;
  r1.roleReported = 'slave';
  const out = sim.run((ctx) => refreshInstanceInfo(r1, m, info('role:master'), ctx));
  t.is(m.failoverState, 'reconf_slaves');
  t.deepEqual(kindsOf(out), ['event', 'flush-config', 'event', 'simulated-crash', 'event', 'force-hello']);
  t.like(out[3], { when: 'after-promotion' });
  t.is(r1.lastPubTime, T0 - 2001, 'hellos to the replicas are back-dated');
});

test('failover: parallel-syncs bounds the replicas re-pointed at once; the rest follow as they finish', (t) => {
  const sim = new Sim();
  const { m, r2 } = inFailover('reconf_slaves');
  const r3 = healthyReplicaAt(m, 16382);
  const r4 = healthyReplicaAt(m, 16383);
  m.parallelSyncs = 2;
  const first = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(first.flatMap((e) => (e.kind === 'send-slaveof' ? [e.instance.addr.port] : [])), [16381, 16382]);
  t.deepEqual(sim.run((ctx) => handleMaster(m, ctx)).filter((e) => e.kind === 'send-slaveof'), [], 'both slots busy');
  sim.advance(500);
  sim.run((ctx) => refreshInstanceInfo(r2, m, followingInfo('127.0.0.1', 16380), ctx));
  const next = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(next.flatMap((e) => (e.kind === 'send-slaveof' ? [e.instance.addr.port] : [])), [16383]);
  t.true(Boolean(r3.flags & SRI.RECONF_SENT) && Boolean(r4.flags & SRI.RECONF_SENT));
  t.is(m.failoverState, 'reconf_slaves');
});

test('failover: a replica stuck in reconf_sent for slave-reconf-timeout counts as done, when a slot is free', (t) => {
  const sim = new Sim();
  const { m, r2 } = inFailover('reconf_slaves');
  m.parallelSyncs = 2;
  m.failoverTimeout = 60_000;
  isolate(m);
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.true(Boolean(r2.flags & SRI.RECONF_SENT));
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 10_001);
  sim.advance(10_001);
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines, [
    `+slave-reconf-sent ${R2}`,
    `-slave-reconf-sent-timeout ${R2}`,
    `+slave-reconf-sent ${R2}`,
    `+failover-end master ${M}`,
    '+switch-master mymaster 127.0.0.1 16379 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16381 127.0.0.1 16381 @ mymaster 127.0.0.1 16380',
    '+slave slave 127.0.0.1:16379 127.0.0.1 16379 @ mymaster 127.0.0.1 16380',
  ]);
});

test('failover: reconf_slaves ends by timeout with +failover-end-for-timeout and best-effort re-pointing', (t) => {
  const sim = new Sim();
  const { m, r2 } = inFailover('reconf_slaves');
  r2.link.disconnected = true;
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines, [], 'a disconnected replica waits');
  sim.advance(10_001);
  r2.link.disconnected = false;
  r2.flags |= SRI.RECONF_INPROG;
  const extra = healthyReplicaAt(m, 16382);
  const out = sim.run((ctx) => failoverStateMachine(m, ctx));
  t.deepEqual(sim.lines.slice(0, 4), [
    `+failover-end-for-timeout master ${M}`,
    `+failover-end master ${M}`,
    `+slave-reconf-sent-be ${R2}`,
    `+slave-reconf-sent-be slave 127.0.0.1:16382 127.0.0.1 16382 @ ${M}`,
  ], 'as in sentinel.c, reconf_inprog replicas get it too');
  t.deepEqual(out.flatMap((e) => (e.kind === 'send-slaveof' ? [[e.instance, e.host, e.port]] : [])), [
    [r2, '127.0.0.1', 16380],
    [extra, '127.0.0.1', 16380],
  ]);
  t.is(m.failoverState, 'none', 'switched in the same call');
});

test('failover: nothing acts in TILT, and nothing is woken for', (t) => {
  const sim = new Sim();
  const { m } = inFailover('wait_start');
  sim.tilt = true;
  sim.advance(60_000);
  t.deepEqual(sim.run((ctx) => handleMaster(m, ctx)), []);
  t.is(nextFailoverWake(m, sim.ctx()), Infinity);
  t.is(m.failoverState, 'wait_start');
});

test('failover: abort is refused once the promotion is confirmed', (t) => {
  const sim = new Sim();
  const { m } = inFailover('reconf_slaves');
  abortFailover(m, sim.ctx());
  t.is(m.failoverState, 'reconf_slaves');
  t.true(Boolean(m.flags & SRI.FAILOVER_IN_PROGRESS));
});

test('failover: startFailover raises the epoch past the current one and adds the random desync to the start time', (t) => {
  const sim = new Sim();
  sim.rand = (max) => max - 1;
  sim.currentEpoch = 41;
  const { m } = cluster(T0);
  const out = sim.run((ctx) => startFailover(m, ctx));
  t.like(out[0], { kind: 'raise-epoch', epoch: 42 });
  t.is(m.failoverEpoch, 42);
  t.is(m.failoverStartTime, T0 + 999);
  t.is(m.failoverStateChangeTime, T0);
  t.deepEqual(sim.lines, ['+new-epoch 42', `+try-failover master ${M}`]);
});

test('nextFailoverWake: the election window, then nothing once idle and healthy', (t) => {
  const sim = new Sim();
  const { m } = inFailover('wait_start');
  for (const s of m.sentinels.values()) s.link.disconnected = true;
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 10_001);
  const idle = cluster(T0).m;
  t.is(nextFailoverWake(idle, sim.ctx()), Infinity);
  const b = idle.sentinels.get(PEER_B)!;
  idle.flags |= SRI.S_DOWN;
  t.is(nextFailoverWake(idle, sim.ctx()), T0 + 1000, 'SDOWN: the next ask');
  b.flags |= SRI.MASTER_DOWN;
  idle.flags &= ~SRI.S_DOWN;
  t.is(nextFailoverWake(idle, sim.ctx()), T0 + 5001, 'an answer to expire');
});

test('switch-master: SENTINEL RESET-style reset forgets replicas and peers and allows a failover at once', (t) => {
  const { m, r1 } = inFailover('wait_promotion');
  m.leader = ME;
  m.leaderEpoch = 1;
  const dropped = resetMaster(m, T0 + 5, false);
  t.deepEqual(dropped.replicas.map((r) => r.addr.port), [16380, 16381]);
  t.is(dropped.sentinels.length, 2);
  t.is(m.replicas.size + m.sentinels.size, 0);
  t.is(m.flags, SRI.MASTER);
  t.is(m.failoverState, 'none');
  t.is(m.failoverStartTime, 0);
  t.is(m.leader as string | null, null);
  t.is(m.leaderEpoch, 1, 'the vote epoch is persisted and stays');
  t.true(Boolean(r1.flags & SRI.PROMOTED), 'dropped records are left as they were');
});

test('failover: an SDOWN master\'s replicas are asked for INFO at once, at most once per ping-period', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = cluster(T0);
  r2.infoRefresh = T0 + 1500;
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = T0 + 2000;
  sim.advance(2000);
  const first = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(first.flatMap((e) => (e.kind === 'info-now' ? [e.instance] : [])), [r1], 'r2 answered INFO 500 ms ago');
  t.is(r1.infoSentTime, T0 + 2000);
  sim.advance(500);
  t.false(sim.run((ctx) => handleMaster(m, ctx)).some((e) => e.kind === 'info-now'));
  m.flags &= ~SRI.S_DOWN;
  sim.advance(5000);
  t.false(sim.run((ctx) => handleMaster(m, ctx)).some((e) => e.kind === 'info-now'), 'not while the master is up');
});

test('failover: select_slave waits for replicas\' INFO asked for a moment ago instead of aborting', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = inFailover('select_slave');
  isolate(m);
  r1.flags &= ~SRI.PROMOTED;
  for (const r of [r1, r2]) r.infoRefresh = T0 - 8000;
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'select_slave', 'both INFOs are 8 s old, just asked for');
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 1001);
  sim.advance(3);
  sim.run((ctx) => refreshInstanceInfo(r2, m, followingInfo('127.0.0.1', 16379, false), ctx));
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_promotion');
  t.true(sim.lines.includes(`+selected-slave ${R2}`), 'the one that answered');

  const again = inFailover('select_slave');
  isolate(again.m);
  again.r1.flags &= ~SRI.PROMOTED;
  for (const r of [again.r1, again.r2]) r.infoRefresh = T0 - 8000;
  const sim2 = new Sim();
  sim2.run((ctx) => handleMaster(again.m, ctx));
  sim2.advance(1001);
  sim2.run((ctx) => handleMaster(again.m, ctx));
  t.deepEqual(sim2.lines.filter((l) => l.includes('failover')), [`-failover-abort-no-good-slave master ${M}`], 'no answer within a ping-period');
});

test('failover: ODOWN starts a failover only after its random start jitter, and the timer covers it', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  sim.rand = () => 120;
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = T0;
  peersSayDown(sim, m);
  sim.run((ctx) => handleMaster(m, ctx));
  t.truthy(m.flags & SRI.O_DOWN);
  t.is(m.failoverState, 'none', 'not before the jitter');
  t.is(nextFailoverWake(m, sim.ctx()), m.odownSinceTime + 120);
  sim.advance(120);
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_start');
});

/** The rank each of the three sentinels gives itself for `name`, every peer having said "down". */
function ranksFor(name: string): Record<string, number> {
  const sim = new Sim();
  const { m } = cluster(T0);
  (m as { name: string }).name = name;
  peersSayDown(sim, m);
  const ids = [ME, PEER_B, PEER_C];
  const out: Record<string, number> = {};
  for (const id of ids) {
    // seen from `id`: the other two are its peers, both having said "down"
    const others = ids.filter((x) => x !== id);
    const view = { ...m, sentinels: new Map(others.map((o) => [o, { ...m.sentinels.get(PEER_B)!, runid: o }])) } as MasterRecord;
    out[id] = failoverRank(view, sim.ctx({ myid: id }));
  }
  return out;
}

test('failover: the sentinels that agree a master is down rank themselves alike, each in its own place, differently per master', (t) => {
  const firsts = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const ranks = ranksFor(`m${i}`);
    t.deepEqual(Object.values(ranks).sort(), [0, 1, 2], `one order for m${i}`);
    firsts.add(Object.keys(ranks).find((id) => ranks[id] === 0)!);
  }
  t.true(firsts.size > 1, 'the first in line differs between masters, so a mass failure spreads its leaders');
});

test('failover: a live peer is in line before it has said "down"; a disconnected or SDOWN one is not', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  const [b, c] = [...m.sentinels.values()];
  for (const s of [b!, c!]) s.runid = '0'.repeat(40);
  // a master name that puts both peers ahead of us
  for (let i = 0; ; i++) {
    (m as { name: string }).name = `x${i}`;
    if (failoverRank(m, sim.ctx()) === 2) break;
  }
  t.false(Boolean(b!.flags & SRI.MASTER_DOWN), 'neither has answered yet');
  b!.link.ccConnected = false;
  t.is(failoverRank(m, sim.ctx()), 1, 'a disconnected peer that has not said down is not in line');
  peersSayDown(sim, m);
  t.is(failoverRank(m, sim.ctx()), 2, 'once it says down it is');
  c!.flags |= SRI.S_DOWN;
  t.is(failoverRank(m, sim.ctx()), 1, 'a peer that is down itself is not');
});

test('failover: the second in line starts one rank step after ODOWN began', (t) => {
  const sim = new Sim();
  sim.rand = () => 0;
  const { m } = cluster(T0);
  for (let i = 0; ; i++) {
    (m as { name: string }).name = `y${i}`;
    peersSayDown(sim, m);
    if (failoverRank(m, sim.ctx()) === 1) break;
  }
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = sim.now;
  sim.run((ctx) => handleMaster(m, ctx));
  t.truthy(m.flags & SRI.O_DOWN);
  t.is(nextFailoverWake(m, sim.ctx()), m.odownSinceTime + FAILOVER_RANK_STEP);
  sim.advance(FAILOVER_RANK_STEP - 1);
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'none', 'not before its turn');
  sim.advance(1);
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'wait_start', 'its turn came and nobody asked for its vote');
});
