import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import {
  askMasterStateToOtherSentinels,
  checkObjectivelyDown,
  expireMasterDownReplies,
  nextAskTime,
  onIsMasterDownReply,
} from '../../../src/sentinel/odown.js';
import { connect, ctxAt, eventLines, masterAt, sentinelOf, T0 } from './helpers.js';
import { answer, askArgs, failoverCtx, ME, PEER_B, PEER_C } from './cluster-helpers.js';

const M = 'mymaster 127.0.0.1 6379';

function withPeers() {
  const m = masterAt();
  const b = sentinelOf(m, PEER_B, '10.0.0.2', 26379);
  const c = sentinelOf(m, PEER_C, '10.0.0.3', 26379);
  connect(b);
  connect(c);
  return { m, b, c };
}

test('odown: +odown with the count when SDOWN here and enough peers say down', (t) => {
  const { m, b, c } = withPeers();
  m.flags |= SRI.S_DOWN;
  t.deepEqual(checkObjectivelyDown(m, ctxAt(T0)), [], 'quorum 2: we alone are not enough');
  b.flags |= SRI.MASTER_DOWN;
  c.flags |= SRI.MASTER_DOWN;
  const out = checkObjectivelyDown(m, ctxAt(T0 + 5));
  t.deepEqual(eventLines(out), [`+odown master ${M} #quorum 3/2`]);
  t.like(out[0], { level: 'warning' });
  t.true(Boolean(m.flags & SRI.O_DOWN));
  t.is(m.odownSinceTime, T0 + 5);
  t.deepEqual(checkObjectivelyDown(m, ctxAt(T0 + 6)), [], 'told once');
});

test('odown: -odown when the master is no longer SDOWN here, whatever the peers say', (t) => {
  const { m, b } = withPeers();
  m.flags |= SRI.S_DOWN | SRI.O_DOWN;
  b.flags |= SRI.MASTER_DOWN;
  m.flags &= ~SRI.S_DOWN;
  t.deepEqual(eventLines(checkObjectivelyDown(m, ctxAt(T0))), [`-odown master ${M}`]);
});

test('odown: nothing changes in TILT', (t) => {
  const { m, b } = withPeers();
  m.flags |= SRI.S_DOWN;
  b.flags |= SRI.MASTER_DOWN;
  t.deepEqual(checkObjectivelyDown(m, ctxAt(T0, { tilt: true })), []);
});

test('odown: a peer answer older than 5 × ask-period expires, with its vote, and ODOWN ends', (t) => {
  const { m, b } = withPeers();
  m.flags |= SRI.S_DOWN;
  onIsMasterDownReply(b, m, answer(1, PEER_B, 3), ctxAt(T0));
  checkObjectivelyDown(m, ctxAt(T0));
  expireMasterDownReplies(m, ctxAt(T0 + 5000));
  t.true(Boolean(b.flags & SRI.MASTER_DOWN), 'exactly 5 s is still valid');
  expireMasterDownReplies(m, ctxAt(T0 + 5001));
  t.false(Boolean(b.flags & SRI.MASTER_DOWN));
  t.is(b.leader, null);
  t.deepEqual(eventLines(checkObjectivelyDown(m, ctxAt(T0 + 5001))), [`-odown master ${M}`]);
});

test('ask: only while the master is SDOWN here, only connected peers, with * outside a failover', (t) => {
  const { m, b, c } = withPeers();
  const ctx = failoverCtx(T0 + 2000, { currentEpoch: 4 });
  t.deepEqual(askMasterStateToOtherSentinels(m, ctx, false), [], 'not SDOWN');
  m.flags |= SRI.S_DOWN;
  c.link.disconnected = true;
  const out = askMasterStateToOtherSentinels(m, ctx, false);
  t.is(out.length, 1);
  t.like(out[0], { kind: 'ask-peer', sentinel: b, master: m });
  t.deepEqual(askArgs(out), [['is-master-down-by-addr', '127.0.0.1', '6379', '4', '*']]);
});

test('ask: a vote request (our myid) once a failover is in progress', (t) => {
  const { m } = withPeers();
  m.flags |= SRI.S_DOWN | SRI.FAILOVER_IN_PROGRESS;
  m.failoverState = 'wait_start';
  const out = askMasterStateToOtherSentinels(m, failoverCtx(T0 + 2000, { currentEpoch: 5 }), true);
  t.deepEqual(askArgs(out).map((a) => a.slice(3)), [['5', ME], ['5', ME]]);
});

test('ask: at most once per ask-period per peer, answered or not; forced asks ignore the pacing', (t) => {
  const { m, b } = withPeers();
  m.flags |= SRI.S_DOWN;
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 999), false).length, 0, 'records start with a fresh reply time');
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 1000), false).length, 2);
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 1500), false).length, 0, 'no answer yet, asked 500 ms ago');
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 1600), true).length, 2, 'forced');
  onIsMasterDownReply(b, m, answer(1), ctxAt(T0 + 1700));
  const next = askMasterStateToOtherSentinels(m, failoverCtx(T0 + 2600), false);
  t.is(next.length, 1, 'C (asked at 1600, unanswered) is due; B answered at 1700 is not');
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 2700), false).length, 1);
});

test('ask: early in our SDOWN a "not down" answer is checked again after 200 ms, then at sentinel.c\'s pace', (t) => {
  const { m, b, c } = withPeers();
  c.link.disconnected = true;
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = T0 + 1000;
  const asked = (at: number) => askMasterStateToOtherSentinels(m, failoverCtx(at), false).length;
  t.is(asked(T0 + 1000), 1);
  t.is(nextAskTime(m, b, ctxAt(T0 + 1010)), T0 + 2000, 'unanswered: the ask-period pace');
  onIsMasterDownReply(b, m, answer(0), ctxAt(T0 + 1010));
  t.is(nextAskTime(m, b, ctxAt(T0 + 1010)), T0 + 1210);
  t.is(asked(T0 + 1209), 0);
  t.is(asked(T0 + 1210), 1, 'asked again 200 ms after "not down"');
  onIsMasterDownReply(b, m, answer(0), ctxAt(T0 + 1220));
  t.is(asked(T0 + 1420), 1);
  // the window is two ping periods from our SDOWN: an answer at 2850 would be rechecked at 3050
  onIsMasterDownReply(b, m, answer(0), ctxAt(T0 + 2850));
  t.is(nextAskTime(m, b, ctxAt(T0 + 2850)), T0 + 3850, 'past the window: once per ask-period');
  t.is(asked(T0 + 3050), 0);
  onIsMasterDownReply(b, m, answer(0), ctxAt(T0 + 2700));
  t.is(nextAskTime(m, b, ctxAt(T0 + 2700)), T0 + 2900);
  b.flags |= SRI.MASTER_DOWN;
  t.is(nextAskTime(m, b, ctxAt(T0 + 2700)), T0 + 3700, 'a peer that says down is not rechecked');
  b.flags &= ~SRI.MASTER_DOWN;
  m.flags |= SRI.O_DOWN;
  t.is(nextAskTime(m, b, ctxAt(T0 + 2700)), T0 + 3700, 'nor anyone once ODOWN holds');
});

test('ask reply: a well-formed answer sets or clears the peer flag and records its vote', (t) => {
  const { m, b } = withPeers();
  const out = onIsMasterDownReply(b, m, answer(1, PEER_C, 2), ctxAt(T0 + 10));
  t.true(Boolean(b.flags & SRI.MASTER_DOWN));
  t.is(b.lastMasterDownReplyTime, T0 + 10);
  t.is(b.leader, PEER_C);
  t.is(b.leaderEpoch, 2);
  t.deepEqual(out, [{ kind: 'log', level: 'notice', message: `${PEER_B} voted for ${PEER_C} 2` }]);
  t.deepEqual(onIsMasterDownReply(b, m, answer(1, PEER_C, 2), ctxAt(T0 + 20)), [], 'same epoch: not logged again');
  onIsMasterDownReply(b, m, answer(0), ctxAt(T0 + 30));
  t.false(Boolean(b.flags & SRI.MASTER_DOWN));
  t.is(b.leader, PEER_C, '* leaves the stored vote alone');
});

test('ask reply: errors, lost connections and wrong shapes are ignored', (t) => {
  const { m, b } = withPeers();
  b.flags |= SRI.MASTER_DOWN;
  const before = b.lastMasterDownReplyTime;
  for (const reply of [
    { kind: 'error', message: 'NOAUTH Authentication required.' },
    { kind: 'closed', reason: 'gone' },
    { kind: 'ok', value: [1, '*'] },
    { kind: 'ok', value: ['1', '*', 0] },
    { kind: 'ok', value: [1, 7, 0] },
    { kind: 'ok', value: [1, '*', '0'] },
    { kind: 'ok', value: 'OK' },
  ] as const) {
    t.deepEqual(onIsMasterDownReply(b, m, reply, ctxAt(T0 + 50)), []);
  }
  t.is(b.lastMasterDownReplyTime, before);
  t.true(Boolean(b.flags & SRI.MASTER_DOWN));
});

test('ask: during an election, a peer whose answer came to a request with an outdated epoch is asked again at once, once per epoch', (t) => {
  const { m, b } = withPeers();
  m.flags |= SRI.S_DOWN | SRI.FAILOVER_IN_PROGRESS;
  m.failoverState = 'wait_start';
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 10, { currentEpoch: 1 }), true).length, 2);
  onIsMasterDownReply(b, m, answer(1, ME, 1), ctxAt(T0 + 12));
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 13, { currentEpoch: 1 }), false).length, 0, 'same epoch: paced');
  const renewed = askMasterStateToOtherSentinels(m, failoverCtx(T0 + 14, { currentEpoch: 3 }), false);
  t.deepEqual(askArgs(renewed), [['is-master-down-by-addr', '127.0.0.1', '6379', '3', ME]], 'only B answered; C is still pending');
  onIsMasterDownReply(b, m, answer(1, PEER_C, 3), ctxAt(T0 + 16));
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 17, { currentEpoch: 3 }), false).length, 0, 'B refused in epoch 3: not asked again');
  m.failoverState = 'none';
  m.flags &= ~SRI.FAILOVER_IN_PROGRESS;
  t.is(askMasterStateToOtherSentinels(m, failoverCtx(T0 + 18, { currentEpoch: 9 }), false).length, 0, 'no election: no renewal');
});
