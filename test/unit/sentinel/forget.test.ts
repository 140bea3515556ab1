import test from 'ava';
import { forgetInstance } from '../../../src/sentinel/forget.js';
import { SRI } from '../../../src/sentinel/instance.js';
import { healthyReplica } from './cluster-helpers.js';
import { masterAt, sentinelOf, T0 } from './helpers.js';

const PEER = 'b'.repeat(40);

function setup() {
  const m = masterAt(T0, '127.0.0.1', 16379);
  const r = healthyReplica(m, 16380, T0);
  const s = sentinelOf(m, PEER, '127.0.0.1', 26380);
  return { m, r, s };
}

test('forget: a reachable sentinel or replica is refused unless forced; an SDOWN one is dropped with its actor stopped', (t) => {
  const { m, r, s } = setup();
  t.deepEqual(forgetInstance(m, PEER, false), { ok: false, error: 'reachable' });
  t.deepEqual(forgetInstance(m, r.name, false), { ok: false, error: 'reachable' });
  t.is(m.sentinels.size, 1);
  s.flags |= SRI.S_DOWN;
  t.deepEqual(forgetInstance(m, PEER, false), { ok: true, instance: s, effects: [{ kind: 'sentinel-removed', sentinel: s, master: m }] });
  t.is(m.sentinels.size, 0);
  t.deepEqual(forgetInstance(m, '127.0.0.1:16380', true), { ok: true, instance: r, effects: [{ kind: 'replica-removed', replica: r, master: m }] });
  t.is(m.replicas.size, 0);
});

test('forget: unknown targets say which kind was looked for; no replica is forgotten during a failover', (t) => {
  const { m, r } = setup();
  t.deepEqual(forgetInstance(m, 'c'.repeat(40), true), { ok: false, error: 'no-such-sentinel' });
  t.deepEqual(forgetInstance(m, '127.0.0.1:1', true), { ok: false, error: 'no-such-replica' });
  m.flags |= SRI.FAILOVER_IN_PROGRESS;
  t.deepEqual(forgetInstance(m, r.name, true), { ok: false, error: 'failover-in-progress' });
  t.is(m.replicas.size, 1);
});
