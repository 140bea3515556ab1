import test from 'ava';
import { checkLinkInactivity, linkInactivityDeadline, type LinkActivity } from '../../../src/sentinel/link-inactivity.js';
import { connect, ctxAt, masterAt, sentinelOf, T0 } from './helpers.js';

/** Connected at T0, a PING pending since T0 + 20 s, last reply at T0 + 20 s (down-after 30 s). */
function stuck() {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = T0 + 20_000;
  m.link.lastPongTime = T0 + 20_000;
  return m;
}
const ccOnly: LinkActivity = { ccConnectedAt: T0, pcConnectedAt: null, pcLastActivity: 0 };

test('link-inactivity: closes a command connection with a PING pending and no reply for more than down-after/2', (t) => {
  const m = stuck();
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 35_000), ccOnly), []);
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 35_001), ccOnly), [{ kind: 'close-link', instance: m, which: 'cc' }]);
  t.is(linkInactivityDeadline(m, m, ctxAt(T0), ccOnly), T0 + 35_001);
});

test('link-inactivity: a recent reply of any kind keeps the command connection', (t) => {
  const m = stuck();
  m.link.lastPongTime = T0 + 34_000;
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 35_001), ccOnly), []);
  t.is(linkInactivityDeadline(m, m, ctxAt(T0), ccOnly), T0 + 49_001);
});

test('link-inactivity: no PING pending, no close', (t) => {
  const m = stuck();
  m.link.actPingTime = 0;
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 1_000_000), ccOnly), []);
  t.is(linkInactivityDeadline(m, m, ctxAt(T0), ccOnly), Infinity);
});

test('link-inactivity: a command connection younger than min-link-reconnect-period is kept', (t) => {
  const m = stuck();
  m.downAfterPeriod = 1000;
  const young: LinkActivity = { ccConnectedAt: T0 + 10_000, pcConnectedAt: null, pcLastActivity: 0 };
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 25_000), young), []);
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 25_001), young), [{ kind: 'close-link', instance: m, which: 'cc' }]);
});

test('link-inactivity: closes a pub/sub connection silent for more than 3 × publish-period', (t) => {
  const m = masterAt();
  connect(m);
  m.link.actPingTime = 0;
  const a: LinkActivity = { ccConnectedAt: T0, pcConnectedAt: T0, pcLastActivity: T0 + 20_000 };
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 26_000), a), []);
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 26_001), a), [{ kind: 'close-link', instance: m, which: 'pc' }]);
  t.is(linkInactivityDeadline(m, m, ctxAt(T0), a), T0 + 26_001);
  const young = { ...a, pcConnectedAt: T0 + 20_000 };
  t.is(linkInactivityDeadline(m, m, ctxAt(T0), young), T0 + 35_001);
});

test('link-inactivity: both connections at once', (t) => {
  const m = stuck();
  const a: LinkActivity = { ccConnectedAt: T0, pcConnectedAt: T0, pcLastActivity: T0 };
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 40_000), a), [
    { kind: 'close-link', instance: m, which: 'cc' },
    { kind: 'close-link', instance: m, which: 'pc' },
  ]);
});

test('link-inactivity: sentinel records have no pub/sub connection', (t) => {
  const m = masterAt();
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
  connect(s);
  s.link.actPingTime = 0;
  t.deepEqual(checkLinkInactivity(s, m, ctxAt(T0 + 1_000_000), ccOnly), []);
});

test('link-inactivity: nothing in TILT', (t) => {
  const m = stuck();
  t.deepEqual(checkLinkInactivity(m, m, ctxAt(T0 + 1_000_000, { tilt: true }), ccOnly), []);
  t.is(linkInactivityDeadline(m, m, ctxAt(T0, { tilt: true }), ccOnly), Infinity);
});
