import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { answerIsMasterDownByAddr, findMasterByAddr, getLeader, isMasterDownByAddr, voteLeader } from '../../../src/sentinel/vote.js';
import { eventLines, kinds, masterAt, sentinelOf, T0 } from './helpers.js';
import { failoverCtx, ME, PEER_B, PEER_C } from './cluster-helpers.js';

const PEER_D = 'd'.repeat(40);

test('vote: a request with a higher epoch raises the epoch, then votes; both flushed before the reply', (t) => {
  const m = masterAt();
  const ctx = failoverCtx(T0, { currentEpoch: 3 });
  const v = voteLeader(m, 5, PEER_B, ctx);
  t.like(v, { leader: PEER_B, leaderEpoch: 5, mustFlush: true });
  t.deepEqual(kinds(v.effects), ['raise-epoch', 'flush-config', 'event-text', 'flush-config', 'event-text']);
  t.like(v.effects[0], { kind: 'raise-epoch', epoch: 5 });
  t.deepEqual(eventLines(v.effects), ['+new-epoch 5', `+vote-for-leader ${PEER_B} 5`]);
  t.like(v.effects[2], { level: 'warning', master: 'mymaster' });
  t.is(ctx.currentEpoch, 5);
  t.is(m.leader, PEER_B);
  t.is(m.leaderEpoch, 5);
});

test('vote: the first requester wins its epoch; a second one gets the held vote and nothing changes', (t) => {
  const m = masterAt();
  const ctx = failoverCtx(T0, { currentEpoch: 1 });
  voteLeader(m, 2, PEER_B, ctx);
  const v = voteLeader(m, 2, PEER_C, ctx);
  t.like(v, { leader: PEER_B, leaderEpoch: 2, mustFlush: false });
  t.deepEqual(v.effects, []);
});

test('vote: a request with an epoch lower than the current one gets the existing vote (epoch race)', (t) => {
  const m = masterAt();
  const ctx = failoverCtx(T0, { currentEpoch: 7 });
  m.leader = PEER_C;
  m.leaderEpoch = 4;
  const v = voteLeader(m, 6, PEER_B, ctx);
  t.like(v, { leader: PEER_C, leaderEpoch: 4, mustFlush: false });
  t.is(ctx.currentEpoch, 7, 'epochs never go down');
});

test('vote: a vote for another sentinel pushes this master\'s failover start time (2 × failover-timeout block)', (t) => {
  const m = masterAt();
  const v = voteLeader(m, 1, PEER_B, failoverCtx(T0, { random: () => 321 }));
  t.is(v.leader, PEER_B);
  t.is(m.failoverStartTime, T0 + 321);
  const m2 = masterAt();
  voteLeader(m2, 1, ME.toUpperCase(), failoverCtx(T0, { random: () => 321 }));
  t.is(m2.failoverStartTime, 0, 'a vote for ourselves (any case) does not');
});

test('vote: a restarted sentinel (leader-epoch persisted, leader not) reports * with its vote epoch and does not vote again', (t) => {
  const m = masterAt();
  m.leaderEpoch = 3;
  const v = voteLeader(m, 3, PEER_B, failoverCtx(T0, { currentEpoch: 3 }));
  t.like(v, { leader: null, leaderEpoch: 3, mustFlush: false });
});

test('getLeader: a majority of all known sentinels and the quorum elect the candidate', (t) => {
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  const ctx = failoverCtx(T0, { currentEpoch: 1 });
  const first = getLeader(m, 1, ctx);
  t.is(first.leader, null, 'own vote alone: 1 of 3');
  t.deepEqual(eventLines(first.effects), [`+vote-for-leader ${ME} 1`]);
  b.leader = ME;
  b.leaderEpoch = 1;
  const second = getLeader(m, 1, ctx);
  t.is(second.leader, ME);
  t.deepEqual(second.effects, [], 'the vote is cast once');
});

test('getLeader: peers\' votes from another epoch do not count', (t) => {
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  b.leader = ME;
  b.leaderEpoch = 1;
  t.is(getLeader(m, 2, failoverCtx(T0, { currentEpoch: 2 })).leader, null);
});

test('getLeader: the quorum applies when it is above the majority', (t) => {
  const m = masterAt();
  m.quorum = 3;
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  b.leader = ME;
  b.leaderEpoch = 1;
  t.is(getLeader(m, 1, failoverCtx(T0, { currentEpoch: 1 })).leader, null, '2 votes of 3 voters, quorum 3');
});

test('getLeader: every known peer is a voter, reachable or not', (t) => {
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  for (const id of [PEER_C, PEER_D, 'e'.repeat(40)]) sentinelOf(m, id, '10.0.0.9', 26379).flags |= SRI.S_DOWN;
  b.leader = ME;
  b.leaderEpoch = 1;
  t.is(getLeader(m, 1, failoverCtx(T0, { currentEpoch: 1 })).leader, null, '2 of 5: three needed');
});

test('getLeader: split votes at the same epoch elect nobody', (t) => {
  // 4 sentinels: we and D vote for us, B and C for B. Majority is 3.
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  const c = sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  const d = sentinelOf(m, PEER_D, '10.0.0.4', 26379);
  for (const [s, v] of [[b, PEER_B], [c, PEER_B], [d, ME]] as const) {
    s.leader = v;
    s.leaderEpoch = 1;
  }
  m.leader = ME;
  m.leaderEpoch = 1;
  t.is(getLeader(m, 1, failoverCtx(T0, { currentEpoch: 1 })).leader, null);
});

test('getLeader: we vote for the most voted peer rather than ourselves, and it can win by our vote', (t) => {
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  b.leader = PEER_C;
  b.leaderEpoch = 1;
  const r = getLeader(m, 1, failoverCtx(T0, { currentEpoch: 1 }));
  t.is(r.leader, PEER_C);
  t.is(m.leader, PEER_C);
});

test('is-master-down-by-addr: down 1 when the master at that address is SDOWN; the name does not matter', (t) => {
  const m = masterAt(T0, '10.0.0.1', 6379);
  m.flags |= SRI.S_DOWN;
  const a = isMasterDownByAddr([m], '10.0.0.1', 6379, 0, '*', failoverCtx(T0));
  t.deepEqual({ down: a.down, leader: a.leader, leaderEpoch: a.leaderEpoch, mustFlush: a.mustFlush }, { down: 1, leader: '*', leaderEpoch: 0, mustFlush: false });
});

test('is-master-down-by-addr: an unknown address, a bad port or a hostname without resolve-hostnames answer 0 * 0', (t) => {
  const m = masterAt(T0, '10.0.0.1', 6379);
  m.flags |= SRI.S_DOWN;
  for (const [ip, port] of [['10.0.0.2', 6379], ['10.0.0.1', 6380], ['10.0.0.1', 70000], ['redis.local', 6379]] as const) {
    const a = isMasterDownByAddr([m], ip, port, 5, PEER_B, failoverCtx(T0));
    t.like(a, { down: 0, leader: '*', leaderEpoch: 0, mustFlush: false });
  }
  t.is(m.leader, null);
});

test('is-master-down-by-addr: in TILT the answer is 0 but the vote is still cast and must be flushed', (t) => {
  const m = masterAt(T0, '10.0.0.1', 6379);
  m.flags |= SRI.S_DOWN;
  const ctx = failoverCtx(T0, { tilt: true });
  const a = isMasterDownByAddr([m], '10.0.0.1', 6379, 1, PEER_B, ctx);
  t.like(a, { down: 0, leader: PEER_B, leaderEpoch: 1, mustFlush: true });
  t.deepEqual(eventLines(a.effects), ['+new-epoch 1', `+vote-for-leader ${PEER_B} 1`]);
});

test('is-master-down-by-addr: votes even when the master is not seen down', (t) => {
  const m = masterAt(T0, '10.0.0.1', 6379);
  const a = answerIsMasterDownByAddr(m, 1, PEER_B, failoverCtx(T0));
  t.like(a, { down: 0, leader: PEER_B, leaderEpoch: 1 });
});

test('is-master-down-by-addr: hosts compare ignoring case, IPv6 by canonical form', (t) => {
  const m = masterAt(T0, '::1', 6379);
  t.is(findMasterByAddr([m], '0:0:0:0:0:0:0:1', 6379, failoverCtx(T0)), m);
  const h = masterAt(T0, 'Redis.Local', 6379);
  t.is(findMasterByAddr([h], 'redis.local', 6379, failoverCtx(T0, { resolveHostnames: true })), h);
});

test('findMasterByAddr: a master held by name is found by the IP its shard resolved it to, on the main thread too', (t) => {
  const m = masterAt(T0, 'redis-0', 6379);
  const ctx = { resolveHostnames: true };
  t.is(findMasterByAddr([m], '10.1.0.1', 6379, ctx), null, 'nothing known of the name');
  m.addr = { host: 'redis-0', port: 6379, ip: '10.1.0.1' };
  t.is(findMasterByAddr([m], '10.1.0.1', 6379, ctx), m, 'the IP the facts carry');
  t.is(findMasterByAddr([m], '10.1.0.1', 6380, ctx), null);
  t.is(findMasterByAddr([m], '10.1.0.1', 6379, { ...ctx, lookupIp: () => '10.1.0.2' }), null, 'a shard\'s cache is fresher');
});

test('getLeader: peers that voted in the current epoch count even when it moved past the failover epoch', (t) => {
  // Our failover runs in epoch 3, another master's vote request has since raised the epoch to 5:
  // our own vote (epoch 3) still counts for epoch 3, peers' votes count at the current epoch,
  // because our requests carry the current epoch (sentinel.c).
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  m.leader = ME;
  m.leaderEpoch = 3;
  b.leader = ME;
  b.leaderEpoch = 5;
  const r = getLeader(m, 3, failoverCtx(T0, { currentEpoch: 5 }));
  t.is(r.leader, ME);
  t.deepEqual(r.effects, [], 'no second vote of our own');
});

test('is-master-down-by-addr: a vote request this sentinel cannot grant (its epoch is ahead) still holds back its own failover', (t) => {
  const m = masterAt();
  const ctx = failoverCtx(T0, { currentEpoch: 9, random: () => 123 });
  const a = answerIsMasterDownByAddr(m, 7, PEER_B, ctx);
  t.like(a, { leader: '*', leaderEpoch: 0, mustFlush: false }, 'no vote: the reply is what sentinel.c sends');
  t.is(m.failoverStartTime, T0 + 123, 'a candidate exists: no rival start for 2 × failover-timeout');
});

test('is-master-down-by-addr: a candidate itself is not held back by a rival\'s request, nor by a plain state query', (t) => {
  const m = masterAt();
  m.failoverState = 'wait_start';
  m.failoverStartTime = T0 - 50;
  answerIsMasterDownByAddr(m, 7, PEER_B, failoverCtx(T0, { currentEpoch: 9 }));
  t.is(m.failoverStartTime, T0 - 50);
  const idle = masterAt();
  answerIsMasterDownByAddr(idle, 7, '*', failoverCtx(T0, { currentEpoch: 9 }));
  t.is(idle.failoverStartTime, 0);
});
