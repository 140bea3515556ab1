import test from 'ava';
import { SRI, type InstanceRecord, type MasterRecord } from '../../../src/sentinel/instance.js';
import { checkSubjectivelyDown, sdownDeadline } from '../../../src/sentinel/sdown.js';
import { connect, ctxAt, eventLines, masterAt, prng, replicaOf, sentinelOf, T0 } from './helpers.js';

const M = 'mymaster 127.0.0.1 6379';

test('sdown: +sdown only after down-after-period with a PING unanswered', (t) => {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = T0;
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 30_000)), []);
  const out = checkSubjectivelyDown(m, m, ctxAt(T0 + 30_001));
  t.deepEqual(eventLines(out), [`+sdown master ${M}`]);
  t.like(out[0], { level: 'warning' });
  t.true(Boolean(m.flags & SRI.S_DOWN));
  t.is(m.sdownSinceTime, T0 + 30_001);
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 40_000)), [], 'told once');
});

test('sdown: a disconnected link with no PING pending counts from the last valid reply', (t) => {
  const m = masterAt();
  m.link.actPingTime = 0;
  m.link.lastAvailTime = T0 + 5;
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 30_005)), []);
  t.deepEqual(eventLines(checkSubjectivelyDown(m, m, ctxAt(T0 + 30_006))), [`+sdown master ${M}`]);
});

test('sdown: a connected link with no PING pending is never down for silence', (t) => {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = 0;
  m.link.lastAvailTime = 0;
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 10_000_000)), []);
  t.is(sdownDeadline(m, m, ctxAt(T0)), Infinity);
});

test('sdown: a never-connected instance goes down after down-after from its creation', (t) => {
  const m = masterAt();
  t.is(sdownDeadline(m, m, ctxAt(T0)), T0 + 30_001);
});

test('sdown: replicas and sentinels use their own (the master\'s) down-after and their own description', (t) => {
  const m = masterAt();
  m.downAfterPeriod = 5000;
  const r = replicaOf(m, '127.0.0.1', 6380);
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
  t.deepEqual(eventLines(checkSubjectivelyDown(r, m, ctxAt(T0 + 5001))), [`+sdown slave 127.0.0.1:6380 127.0.0.1 6380 @ ${M}`]);
  t.deepEqual(eventLines(checkSubjectivelyDown(s, m, ctxAt(T0 + 5001))), [
    `+sdown sentinel ${'c'.repeat(40)} 127.0.0.1 26380 @ ${M}`,
  ]);
});

test('sdown: -sdown when the instance answers again; script_kill_sent cleared, since-time kept', (t) => {
  const m = masterAt();
  m.flags |= SRI.S_DOWN | SRI.SCRIPT_KILL_SENT;
  m.sdownSinceTime = T0 + 1;
  connect(m);
  m.link.actPingTime = 0;
  const out = checkSubjectivelyDown(m, m, ctxAt(T0 + 100));
  t.deepEqual(eventLines(out), [`-sdown master ${M}`]);
  t.like(out[0], { level: 'warning' });
  t.is(m.flags & (SRI.S_DOWN | SRI.SCRIPT_KILL_SENT), 0);
  t.is(m.sdownSinceTime, T0 + 1);
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 200)), []);
});

test('sdown: a master reporting slave is down after down-after + 2 × info-period', (t) => {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = 0;
  m.roleReported = 'slave';
  m.roleReportedTime = T0;
  t.is(sdownDeadline(m, m, ctxAt(T0)), T0 + 50_001);
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 50_000)), []);
  t.deepEqual(eventLines(checkSubjectivelyDown(m, m, ctxAt(T0 + 50_001))), [`+sdown master ${M}`]);
});

test('sdown: a replica reporting slave is not down for it (rule 2 is for masters)', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  connect(r);
  r.link.actPingTime = 0;
  r.roleReported = 'slave';
  t.deepEqual(checkSubjectivelyDown(r, m, ctxAt(T0 + 1_000_000)), []);
});

test('sdown: master_reboot for longer than master-reboot-down-after-period', (t) => {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = 0;
  m.masterRebootDownAfterPeriod = 2000;
  m.flags |= SRI.MASTER_REBOOT;
  m.masterRebootSinceTime = T0 + 10;
  t.is(sdownDeadline(m, m, ctxAt(T0)), T0 + 2011);
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 2010)), []);
  t.deepEqual(eventLines(checkSubjectivelyDown(m, m, ctxAt(T0 + 2011))), [`+sdown master ${M}`]);
});

test('sdown: frozen in TILT (no +sdown, no -sdown, no deadline)', (t) => {
  const m = masterAt();
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 100_000, { tilt: true })), []);
  t.is(sdownDeadline(m, m, ctxAt(T0, { tilt: true })), Infinity);
  m.flags |= SRI.S_DOWN;
  connect(m);
  m.link.actPingTime = 0;
  t.deepEqual(checkSubjectivelyDown(m, m, ctxAt(T0 + 100_000, { tilt: true })), []);
});

test('sdown: no deadline once SDOWN', (t) => {
  const m = masterAt();
  m.flags |= SRI.S_DOWN;
  t.is(sdownDeadline(m, m, ctxAt(T0)), Infinity);
});

/** A deep enough copy: the rule mutates flags and since-time only, the link is read. */
function clone<T extends InstanceRecord>(ri: T): T {
  return { ...ri, link: { ...ri.link } };
}

test('sdown: property: nothing at deadline - 1, +sdown at the deadline, for random states', (t) => {
  const rnd = prng(4242);
  let finite = 0;
  for (let i = 0; i < 3000; i++) {
    const m = masterAt(T0);
    m.downAfterPeriod = 1 + rnd(60_000);
    m.masterRebootDownAfterPeriod = rnd(3) === 0 ? 0 : rnd(20_000);
    const pick = rnd(3);
    const ri: InstanceRecord = pick === 0 ? m : pick === 1 ? replicaOf(m, '127.0.0.1', 6380) : sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
    ri.downAfterPeriod = m.downAfterPeriod;
    ri.link.disconnected = rnd(2) === 0;
    ri.link.actPingTime = rnd(3) === 0 ? 0 : T0 + rnd(100_000);
    ri.link.lastAvailTime = T0 + rnd(100_000);
    if (ri.kind !== 'sentinel') {
      ri.roleReported = rnd(2) === 0 ? 'master' : 'slave';
      ri.roleReportedTime = T0 + rnd(100_000);
    }
    if (ri.kind === 'master' && rnd(2) === 0) {
      ri.flags |= SRI.MASTER_REBOOT;
      ri.masterRebootSinceTime = T0 + rnd(100_000);
    }
    const master: MasterRecord = m;
    const deadline = sdownDeadline(ri, master, ctxAt(T0));
    if (deadline === Infinity) {
      t.deepEqual(checkSubjectivelyDown(clone(ri), master, ctxAt(T0 + 10_000_000)), [], `case ${i}: never down`);
      continue;
    }
    finite++;
    t.deepEqual(checkSubjectivelyDown(clone(ri), master, ctxAt(deadline - 1)), [], `case ${i}: quiet before`);
    const at = checkSubjectivelyDown(clone(ri), master, ctxAt(deadline));
    t.is(at.length, 1, `case ${i}`);
    t.like(at[0], { kind: 'event', type: '+sdown' });
  }
  t.true(finite > 2000);
});
