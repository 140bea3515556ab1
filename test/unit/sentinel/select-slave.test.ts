import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { selectSlave } from '../../../src/sentinel/select-slave.js';
import { ctxAt, masterAt, T0 } from './helpers.js';
import { healthyReplica } from './cluster-helpers.js';

const NOW = T0 + 100;

function master(sdown = false) {
  const m = masterAt(T0, '127.0.0.1', 16379);
  m.downAfterPeriod = 2000;
  if (sdown) {
    m.flags |= SRI.S_DOWN;
    m.sdownSinceTime = T0;
  }
  return m;
}

test('select-slave: lower priority first, then the larger offset, then the smaller run id ignoring case', (t) => {
  const m = master();
  healthyReplica(m, 1, NOW, { slavePriority: 100, slaveReplOffset: 900, runid: 'a'.repeat(40) });
  const lowPrio = healthyReplica(m, 2, NOW, { slavePriority: 10, slaveReplOffset: 5, runid: '9'.repeat(40) });
  t.is(selectSlave(m, ctxAt(NOW)), lowPrio);
  lowPrio.slavePriority = 100;
  t.is(selectSlave(m, ctxAt(NOW))?.addr.port, 1, 'same priority: larger offset');
  const sameOffset = healthyReplica(m, 3, NOW, { slaveReplOffset: 900, runid: 'B'.repeat(40) });
  t.is(selectSlave(m, ctxAt(NOW))?.addr.port, 1, 'same offset: smaller run id, case-insensitive (a < B)');
  sameOffset.runid = '0'.repeat(40);
  t.is(selectSlave(m, ctxAt(NOW)), sameOffset);
  sameOffset.runid = null;
  t.is(selectSlave(m, ctxAt(NOW))?.addr.port, 1, 'a replica without run id comes after the others');
});

test('select-slave: priority 0, SDOWN/ODOWN, disconnected, no recent PING reply and stale INFO are excluded', (t) => {
  const m = master();
  const r = healthyReplica(m, 1, NOW);
  const ctx = ctxAt(NOW);
  const excluded: [string, () => void, () => void][] = [
    ['priority 0', () => (r.slavePriority = 0), () => (r.slavePriority = 100)],
    ['SDOWN', () => (r.flags |= SRI.S_DOWN), () => (r.flags &= ~SRI.S_DOWN)],
    ['ODOWN', () => (r.flags |= SRI.O_DOWN), () => (r.flags &= ~SRI.O_DOWN)],
    ['disconnected', () => (r.link.disconnected = true), () => (r.link.disconnected = false)],
    ['PING reply older than 5 s', () => (r.link.lastAvailTime = NOW - 5001), () => (r.link.lastAvailTime = NOW)],
    ['INFO older than 30 s (master up)', () => (r.infoRefresh = NOW - 30_001), () => (r.infoRefresh = NOW)],
    ['link to the master down for over 10 × down-after', () => (r.masterLinkDownTime = 20_001), () => (r.masterLinkDownTime = 0)],
  ];
  for (const [why, set, unset] of excluded) {
    set();
    t.is(selectSlave(m, ctx), null, why);
    unset();
    t.is(selectSlave(m, ctx), r, `${why} undone`);
  }
  r.replicaAnnounced = false;
  t.is(selectSlave(m, ctx), r, 'replica-announced 0 still counts');
});

test('select-slave: with the master SDOWN, INFO must be 5 s fresh and the link-down allowance grows with the SDOWN time', (t) => {
  const m = master(true);
  const now = T0 + 60_000;
  const r = healthyReplica(m, 1, now);
  r.infoRefresh = now - 5001;
  t.is(selectSlave(m, ctxAt(now)), null);
  r.infoRefresh = now - 5000;
  t.is(selectSlave(m, ctxAt(now)), r);
  r.masterLinkDownTime = 60_000 + 20_000;
  t.is(selectSlave(m, ctxAt(now)), r, 'SDOWN for 60 s + 10 × 2 s');
  r.masterLinkDownTime = 80_001;
  t.is(selectSlave(m, ctxAt(now)), null);
});

test('select-slave: no replicas, no choice', (t) => {
  t.is(selectSlave(master(), ctxAt(NOW)), null);
});
