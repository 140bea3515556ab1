import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import {
  forceHelloUpdate,
  infoPeriodOf,
  onHelloReply,
  onHelloSent,
  onInfoSent,
  periodicCommandsDue,
  pingPeriodOf,
} from '../../../src/sentinel/periodic.js';
import { onPingSent } from '../../../src/sentinel/ping.js';
import { connect, ctxAt, masterAt, prng, replicaOf, sentinelOf, T0 } from './helpers.js';

/** A connected master that has just been answered everything at T0. */
function fresh() {
  const m = masterAt();
  connect(m);
  m.infoRefresh = T0;
  m.lastPubTime = T0;
  m.link.lastPongTime = T0;
  m.link.lastPingTime = T0;
  m.link.actPingTime = 0;
  return m;
}

test('periodic: nothing while the link is disconnected, and no deadline', (t) => {
  const m = masterAt();
  t.deepEqual(periodicCommandsDue(m, m, ctxAt(T0 + 100_000)), { ping: false, info: false, hello: false, nextDue: Infinity });
});

test('periodic: nothing with 100 × refcount commands pending', (t) => {
  const m = fresh();
  m.link.pendingCommands = 100;
  t.is(periodicCommandsDue(m, m, ctxAt(T0 + 100_000)).nextDue, Infinity);
  m.link.refcount = 2;
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 100_000)).ping);
});

test('periodic: a new connection gets INFO and PING at once; hello publish-period after creation', (t) => {
  const m = masterAt();
  connect(m);
  const due = periodicCommandsDue(m, m, ctxAt(T0 + 1001));
  t.like(due, { info: true, ping: true, hello: false });
  onPingSent(m, T0 + 1001);
  m.link.lastPongTime = T0 + 1002;
  t.is(periodicCommandsDue(m, m, ctxAt(T0 + 2000)).hello, false);
  t.is(periodicCommandsDue(m, m, ctxAt(T0 + 2001)).hello, true);
});

test('periodic: a hello due before the next PING goes out with this one, so the two stay in step', (t) => {
  const m = fresh();
  m.lastPubTime = T0 - 500; // hello due at T0 + 1501, PINGs at T0 + 1001 and about T0 + 2002
  t.like(periodicCommandsDue(m, m, ctxAt(T0 + 1001)), { ping: true, hello: true });
  m.lastPubTime = T0 + 500; // hello due at T0 + 2501: after the next PING, so not yet
  t.like(periodicCommandsDue(m, m, ctxAt(T0 + 1001)), { ping: true, hello: false });
  // in step: both answered at T0 + 1002; the next hello (T0 + 3003) comes with the second PING
  m.lastPubTime = T0 + 1002;
  m.link.lastPongTime = T0 + 1002;
  m.link.lastPingTime = T0 + 1001;
  t.like(periodicCommandsDue(m, m, ctxAt(T0 + 2003)), { ping: true, hello: false });
  m.link.lastPongTime = T0 + 2004;
  m.link.lastPingTime = T0 + 2003;
  t.like(periodicCommandsDue(m, m, ctxAt(T0 + 3005)), { ping: true, hello: true });
});

test('periodic: INFO every info-period after the last answer (strictly more than)', (t) => {
  const m = fresh();
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 10_000)).info);
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 10_001)).info);
});

test('periodic: INFO every second for a replica of an ODOWN or failing-over master, or with its link down', (t) => {
  const m = fresh();
  const r = replicaOf(m, '127.0.0.1', 6380);
  const ctx = ctxAt(T0);
  t.is(infoPeriodOf(r, m, ctx), 10_000);
  m.flags |= SRI.O_DOWN;
  t.is(infoPeriodOf(r, m, ctx), 1000);
  m.flags = SRI.MASTER | SRI.FAILOVER_IN_PROGRESS;
  t.is(infoPeriodOf(r, m, ctx), 1000);
  m.flags = SRI.MASTER;
  r.masterLinkDownTime = -1000;
  t.is(infoPeriodOf(r, m, ctx), 1000);
  t.is(infoPeriodOf(m, m, ctx), 10_000, 'the master itself keeps its period');
});

test('periodic: no INFO to sentinels', (t) => {
  const m = fresh();
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
  connect(s);
  t.false(periodicCommandsDue(s, m, ctxAt(T0 + 100_000)).info);
});

test('periodic: an unanswered INFO is sent again only after min(period, ping-period)', (t) => {
  const m = masterAt();
  connect(m);
  t.true(periodicCommandsDue(m, m, ctxAt(T0)).info);
  onInfoSent(m, T0);
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 1000)).info);
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 1001)).info);
});

test('periodic: PING when the last reply is older than the ping period and the last PING older than half of it', (t) => {
  const m = fresh();
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 1000)).ping);
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 1001)).ping);
  onPingSent(m, T0 + 1001);
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 1501)).ping);
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 1502)).ping);
});

test('periodic: the ping period is min(down-after, ping-period); argusPingPeriod replaces ping-period when set', (t) => {
  const m = fresh();
  const ctx = ctxAt(T0);
  t.is(pingPeriodOf(m, m, ctx), 1000);
  m.downAfterPeriod = 300;
  t.is(pingPeriodOf(m, m, ctx), 300);
  m.downAfterPeriod = 30_000;
  m.argusPingPeriod = 250;
  t.is(pingPeriodOf(m, m, ctx), 250);
  const r = replicaOf(m, '127.0.0.1', 6380);
  t.is(pingPeriodOf(r, m, ctx), 250, 'for the master and all its instances');
  connect(r);
  r.link.lastPongTime = T0;
  r.link.lastPingTime = T0;
  t.false(periodicCommandsDue(r, m, ctxAt(T0 + 250)).ping);
  t.true(periodicCommandsDue(r, m, ctxAt(T0 + 251)).ping);
});

test('periodic: hello publish-period after the last successful publish; errors and lost replies do not count', (t) => {
  const m = fresh();
  m.link.lastPongTime = T0 + 1900; // no PING due to carry the hello along
  m.link.lastPingTime = T0 + 1900;
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 2000)).hello);
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 2001)).hello);
  onHelloSent(m, T0 + 2001);
  onHelloReply(m, { kind: 'error', message: 'NOPERM' }, T0 + 2002);
  onHelloReply(m, { kind: 'closed', reason: 'x' }, T0 + 2002);
  t.is(m.lastPubTime, T0);
  m.link.lastPongTime = T0 + 2950;
  m.link.lastPingTime = T0 + 2950;
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 3001)).hello, 'retry paced by min(publish-period, ping-period)');
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 3002)).hello);
  onHelloReply(m, { kind: 'ok', value: 1 }, T0 + 3003);
  t.is(m.lastPubTime, T0 + 3003);
});

test('periodic: V9 no hello to an instance whose INFO reports a FAILOVER, nor during a coordinated failover before reconf_slaves', (t) => {
  const m = fresh();
  m.monitoredFailoverState = 'failover';
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 5000)).hello);
  m.monitoredFailoverState = 'no-failover';
  m.flags |= SRI.COORDINATED_FAILOVER | SRI.FAILOVER_IN_PROGRESS;
  m.failoverState = 'wait_promotion';
  t.false(periodicCommandsDue(m, m, ctxAt(T0 + 5000)).hello);
  m.failoverState = 'reconf_slaves';
  t.true(periodicCommandsDue(m, m, ctxAt(T0 + 5000)).hello);
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380, T0);
  connect(s);
  t.true(periodicCommandsDue(s, m, ctxAt(T0 + 5000)).hello, 'sentinel records always get hellos');
});

test('periodic: forceHelloUpdate back-dates the master, its replicas and sentinels', (t) => {
  const m = fresh();
  const r = replicaOf(m, '127.0.0.1', 6380);
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
  for (const ri of [m, r, s]) {
    connect(ri);
    ri.lastPubTime = T0;
    ri.helloSentTime = T0;
  }
  forceHelloUpdate(m, 2000);
  for (const ri of [m, r, s]) {
    t.is(ri.lastPubTime, T0 - 2001);
    t.true(periodicCommandsDue(ri, m, ctxAt(T0 + 1)).hello);
  }
});

test('periodic: nextDue is the next time anything becomes due', (t) => {
  const m = fresh();
  // ping at T0+1001, hello at T0+2001, info at T0+10001
  t.is(periodicCommandsDue(m, m, ctxAt(T0 + 10)).nextDue, T0 + 1001);
});

test('periodic: property: nextDue is always in the future, nothing is due before it, and acting at it is consistent', (t) => {
  const rnd = prng(7);
  for (let i = 0; i < 2000; i++) {
    const m = masterAt(T0);
    const ri = rnd(3) === 0 ? sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380) : rnd(2) === 0 ? m : replicaOf(m, '127.0.0.1', 6380);
    connect(ri);
    const now = T0 + 5000 + rnd(30_000);
    ri.link.lastPongTime = now - rnd(5000);
    ri.link.lastPingTime = rnd(4) === 0 ? 0 : now - rnd(5000);
    ri.lastPubTime = now - rnd(5000);
    ri.helloSentTime = rnd(2) === 0 ? 0 : now - rnd(3000);
    if (ri.kind !== 'sentinel') {
      ri.infoRefresh = rnd(5) === 0 ? 0 : now - rnd(20_000);
      ri.infoSentTime = rnd(2) === 0 ? 0 : now - rnd(3000);
    }
    if (rnd(3) === 0) m.argusPingPeriod = 1 + rnd(500);
    const due = periodicCommandsDue(ri, m, ctxAt(now));
    t.true(due.nextDue > now, `case ${i}`);
    // act on what is due, as the actor does
    if (due.ping) onPingSent(ri, now);
    if (due.info) onInfoSent(ri, now);
    if (due.hello) onHelloSent(ri, now);
    const next = due.nextDue;
    const before = periodicCommandsDue(ri, m, ctxAt(next - 1));
    t.false(before.ping || before.info || before.hello, `case ${i}: nothing due before nextDue`);
    const at = periodicCommandsDue(ri, m, ctxAt(next));
    t.true(at.ping || at.info || at.hello, `case ${i}: something due at nextDue`);
  }
});
