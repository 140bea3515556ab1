import test from 'ava';
import { failoverPlan } from '../../../../src/commands/sentinel/failover-plan.js';
import { err } from '../../../../src/resp/reply.js';
import { SRI } from '../../../../src/sentinel/instance.js';
import { selectSlave } from '../../../../src/sentinel/select-slave.js';
import { createMaster } from '../../../../src/sentinel/state.js';
import { harness, one, wire } from '../../../helpers/fake-context.js';
import { healthyReplica } from '../../sentinel/cluster-helpers.js';
import { ctxAt, masterAt, sentinelOf, T0 } from '../../sentinel/helpers.js';

const NOW = T0 + 100;

function master() {
  const m = masterAt(T0, '127.0.0.1', 16379);
  m.downAfterPeriod = 2000;
  m.quorum = 2;
  return m;
}

test('failover-plan: names the replica selectSlave chooses and why each other one is excluded or ranked after', (t) => {
  const m = master();
  const best = healthyReplica(m, 1, NOW, { slavePriority: 10, slaveReplOffset: 50 });
  healthyReplica(m, 2, NOW, { slavePriority: 100, slaveReplOffset: 900 });
  healthyReplica(m, 3, NOW, { slavePriority: 10, slaveReplOffset: 40 });
  healthyReplica(m, 4, NOW, { slavePriority: 0 });
  healthyReplica(m, 5, NOW).flags |= SRI.S_DOWN;
  healthyReplica(m, 6, NOW).link.disconnected = true;
  healthyReplica(m, 7, NOW).link.lastAvailTime = NOW - 5001;
  healthyReplica(m, 8, NOW).infoRefresh = NOW - 30_001;
  healthyReplica(m, 9, NOW).masterLinkDownTime = 20_001;
  const ctx = ctxAt(NOW);
  const plan = failoverPlan(m, ctx);
  t.is(plan.selected, best.name);
  t.is(selectSlave(m, ctx), best, 'the failover picks the same one');
  t.deepEqual(
    plan.replicas.map((r) => [r.name.split(':')[1], r.eligible, r.reason]),
    [
      ['1', true, 'selected'],
      ['3', true, "offset 40 behind 127.0.0.1:1's 50"],
      ['2', true, "priority 100 after 127.0.0.1:1's 10"],
      ['4', false, 'priority 0'],
      ['5', false, 'down'],
      ['6', false, 'disconnected'],
      ['7', false, 'no recent valid PING reply'],
      ['8', false, 'stale INFO'],
      ['9', false, 'master link down too long'],
    ],
  );
});

test('failover-plan: no replica selected when none qualifies; quorum and majority from the peers not down', (t) => {
  const m = master();
  healthyReplica(m, 1, NOW, { slavePriority: 0 });
  sentinelOf(m, '1'.repeat(40), '127.0.0.1', 26380);
  sentinelOf(m, '2'.repeat(40), '127.0.0.1', 26381).flags |= SRI.S_DOWN;
  let plan = failoverPlan(m, ctxAt(NOW));
  t.is(plan.selected, null);
  t.like(plan, { usable: 2, quorumReached: true, majorityReached: true, failoverState: 'none' });
  sentinelOf(m, '3'.repeat(40), '127.0.0.1', 26382).flags |= SRI.S_DOWN;
  plan = failoverPlan(m, ctxAt(NOW));
  t.like(plan, { usable: 2, quorumReached: true, majorityReached: false });
});

test('sentinel failover-plan: a field-value reply; an unknown master is refused with Redis text', async (t) => {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 1, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  t.deepEqual(one(await h.run('sentinel', 'failover-plan', 'nope')), err('ERR No such master with that name'));
  const out = wire(await h.run('sentinel', 'failover-plan', 'mymaster'));
  t.is(
    out,
    '*14\r\n$6\r\nmaster\r\n$8\r\nmymaster\r\n$14\r\nfailover-state\r\n$4\r\nnone\r\n' +
      '$16\r\nquorum-reachable\r\n$3\r\nyes\r\n$18\r\nmajority-reachable\r\n$3\r\nyes\r\n' +
      '$16\r\nusable-sentinels\r\n$1\r\n1\r\n$8\r\nselected\r\n$-1\r\n$8\r\nreplicas\r\n*0\r\n',
  );
});
