import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig } from '../../../src/config/rewrite.js';
import { startUserFailover } from '../../../src/sentinel/failover.js';
import { handleMaster, nextFailoverWake } from '../../../src/sentinel/handle-master.js';
import { SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import { endExpiredMaintenance, maintenanceOn } from '../../../src/sentinel/maintenance.js';
import { voteLeader } from '../../../src/sentinel/vote.js';
import { createMaster } from '../../../src/sentinel/state.js';
import { err, ok } from '../../../src/resp/reply.js';
import { sentinelSection } from '../../../src/commands/info.js';
import { instanceFields } from '../../../src/commands/sentinel/instance-map.js';
import { harness, one } from '../../helpers/fake-context.js';
import { connect, masterAt, T0 } from './helpers.js';
import { healthyReplica, PEER_B, Sim } from './cluster-helpers.js';

// The Sim's context has no wallTime: the rules then read `now` as the wall clock too, so an
// expiry here is a point on the sim's clock.
const M = 'mymaster 127.0.0.1 16379';

/** One sentinel alone (quorum 1), its master SDOWN, one healthy replica. */
function alone(): MasterRecord {
  const m = masterAt(T0, '127.0.0.1', 16379);
  m.quorum = 1;
  m.failoverTimeout = 10_000;
  connect(m);
  healthyReplica(m, 16380, T0);
  m.flags |= SRI.S_DOWN;
  m.sdownSinceTime = T0;
  return m;
}

test('maintenance: an ODOWN master is not failed over; +argus-failover-suppressed once per ODOWN', (t) => {
  const sim = new Sim();
  const m = alone();
  m.argusMaintenanceUntil = 0;
  sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.lines, [`+odown master ${M} #quorum 1/1`, `+argus-maintenance master ${M}`, `+argus-failover-suppressed master ${M}`]);
  t.is(m.failoverState, 'none');
  t.false(Boolean(m.flags & SRI.FAILOVER_IN_PROGRESS));
  t.is(sim.currentEpoch, 0, 'no epoch is spent');
  t.is(nextFailoverWake(m, sim.ctx()), Infinity, 'nothing to wake for: no busy loop');
  for (let i = 0; i < 5; i++) {
    sim.advance(30_000);
    sim.run((ctx) => handleMaster(m, ctx));
  }
  t.is(sim.lines.length, 3, 'said once, not once per run');
  t.is(m.failoverState, 'none');

  // a new ODOWN says it again
  m.flags &= ~SRI.S_DOWN;
  sim.run((ctx) => handleMaster(m, ctx));
  sim.advance(1000);
  m.flags |= SRI.S_DOWN;
  const mark = sim.lines.length;
  sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.since(mark), [`+odown master ${M} #quorum 1/1`, `+argus-failover-suppressed master ${M}`]);
});

test('maintenance: when it expires the master\'s ODOWN failover starts, and the config is flushed', (t) => {
  const sim = new Sim();
  const m = alone();
  m.argusMaintenanceUntil = T0 + 60_000;
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(sim.lines[1], `+argus-maintenance master ${M} until ${T0 + 60_000}`);
  t.is(nextFailoverWake(m, sim.ctx()), T0 + 60_000, 'the timer wakes at the expiry');
  sim.now = T0 + 59_999;
  sim.run((ctx) => handleMaster(m, ctx));
  t.is(m.failoverState, 'none');
  sim.now = T0 + 60_000;
  const mark = sim.lines.length;
  const out = sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.since(mark).slice(0, 3), [`-argus-maintenance master ${M} expired`, '+new-epoch 1', `+try-failover master ${M}`]);
  t.true(out.some((e) => e.kind === 'flush-config'), 'the main thread drops the expired line at that flush');
  t.is(m.failoverEpoch, 1, 'a failover was tried (the replica is stale by now: this one is then aborted)');
});

test('maintenance: OFF lets the ODOWN failover start at the next run', (t) => {
  const sim = new Sim();
  const m = alone();
  m.argusMaintenanceUntil = 0;
  sim.run((ctx) => handleMaster(m, ctx));
  m.argusMaintenanceUntil = null;
  sim.advance(10);
  const mark = sim.lines.length;
  sim.run((ctx) => handleMaster(m, ctx));
  t.deepEqual(sim.since(mark).slice(0, 3), [`-argus-maintenance master ${M}`, '+new-epoch 1', `+try-failover master ${M}`]);
});

test('maintenance: SENTINEL FAILOVER still works, and votes for a peer are still granted', (t) => {
  const sim = new Sim();
  const m = alone();
  m.argusMaintenanceUntil = 0;
  sim.run((ctx) => handleMaster(m, ctx));
  const vote = voteLeader(m, 1, PEER_B, sim.ctx());
  t.is(vote.leader, PEER_B);
  const m2 = alone();
  m2.argusMaintenanceUntil = 0;
  sim.run((ctx) => handleMaster(m2, ctx));
  const r = sim.run((ctx) => {
    const res = startUserFailover(m2, ctx);
    return res.ok ? res.effects : [];
  });
  t.true(r.length > 0);
  t.is(m2.failoverState, 'wait_start');
});

test('maintenance: on until the wall clock reaches the expiry; the main thread drops expired values', (t) => {
  t.false(maintenanceOn({ argusMaintenanceUntil: null }, 5));
  t.true(maintenanceOn({ argusMaintenanceUntil: 0 }, 5));
  t.true(maintenanceOn({ argusMaintenanceUntil: 6 }, 5));
  t.false(maintenanceOn({ argusMaintenanceUntil: 5 }, 5));
  const a = masterAt();
  const b = masterAt();
  const c = masterAt();
  a.argusMaintenanceUntil = 0;
  b.argusMaintenanceUntil = 100;
  c.argusMaintenanceUntil = 101;
  endExpiredMaintenance([a, b, c], 100);
  t.deepEqual([a, b, c].map((x) => x.argusMaintenanceUntil), [0, null, 101]);
});

const BASE = 'sentinel myid 0123456789012345678901234567890123456789\nsentinel monitor m 127.0.0.1 6379 2\n';

test('argus-maintenance: loads from the config and round-trips through the rewrite; off disappears', (t) => {
  for (const until of ['0', '1767225600000']) {
    const text0 = `${BASE}sentinel argus-maintenance m ${until}\n`;
    const loaded = loadConfig(text0, '/tmp/s.conf', [], 0);
    t.is(loaded.state.masters.get('m')!.argusMaintenanceUntil, Number(until));
    const text = rewriteConfig(text0, loaded.server, loaded.state, { cwd: '/tmp' });
    t.regex(text, new RegExp(`^sentinel argus-maintenance m ${until}$`, 'm'));
    t.is(loadConfig(text, '/tmp/s.conf', [], 0).state.masters.get('m')!.argusMaintenanceUntil, Number(until));
    loaded.state.masters.get('m')!.argusMaintenanceUntil = null;
    t.notRegex(rewriteConfig(text, loaded.server, loaded.state, { cwd: '/tmp' }), /argus-maintenance/);
  }
  t.is(loadConfig(BASE, '/tmp/s.conf', [], 0).state.masters.get('m')!.argusMaintenanceUntil, null, 'absent = off');
});

test('argus-maintenance: a bad value stops start-up with a clear reason', (t) => {
  for (const v of ['-1', 'x', '1.5', '01', '99999999999999999999']) {
    const e = t.throws(() => loadConfig(`${BASE}sentinel argus-maintenance m ${v}\n`, '/tmp/s.conf', [], 0)) as { reason?: string } | undefined;
    t.regex(e?.reason ?? '', /^argus-maintenance must be 0/, v);
  }
});

test('SENTINEL MAINTENANCE: ON [seconds] and OFF set the operator value and save; errors in Sentinel\'s style', async (t) => {
  const h = harness();
  const created = createMaster(h.state, 'm', '127.0.0.1', 6379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  const m = created.value;
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'on')), ok);
  t.is(m.argusMaintenanceUntil, 0);
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'ON', '300')), ok);
  t.is(m.argusMaintenanceUntil, h.clock.wall() + 300_000);
  t.is(h.saves, 2);
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'off')), ok);
  t.is(m.argusMaintenanceUntil, null);
  t.is(h.saves, 3);

  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'nope', 'on')), err('ERR No such master with that name'));
  for (const bad of ['0', '-5', 'x', '1.5', String(366 * 24 * 3600)]) {
    t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'on', bad)), err(`ERR Invalid argument '${bad}' for SENTINEL MAINTENANCE`));
  }
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'pause')), err("ERR Invalid argument 'pause' for SENTINEL MAINTENANCE"));
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'off', '5')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('sentinel', 'maintenance', 'm', 'on', '5', '6')), err('ERR syntax error'));
  t.is(m.argusMaintenanceUntil, null, 'refused: nothing changed');
  t.is(h.saves, 3, 'nor saved');
});

test('maintenance: shown last in the instance map and counted in INFO only while on', (t) => {
  const h = harness();
  const created = createMaster(h.state, 'm', '127.0.0.1', 6379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  const m = created.value;
  const brief = [{ name: 'm', flags: m.flags, replicas: 0, sentinels: 0, linkErrors: 0 }] as unknown as Parameters<typeof sentinelSection>[1];
  const now = h.clock.monotonic();
  t.false(instanceFields(m, now, { announceHostnames: false }).some(([k]) => k === 'argus-maintenance'));
  t.notRegex(sentinelSection(h.sentinel, brief), /argus_maintenance/);
  m.argusMaintenanceUntil = h.clock.wall() + 1000;
  m.maintenanceActive = true;
  t.deepEqual(instanceFields(m, now, { announceHostnames: false }).at(-1), ['argus-maintenance', h.clock.wall() + 1000]);
  t.regex(sentinelSection(h.sentinel, brief), /sentinel_simulate_failure_flags:0\r\nargus_maintenance:1\r\nmaster0:/);
  h.clock.advance(1000);
  t.notRegex(sentinelSection(h.sentinel, brief), /argus_maintenance/, 'expired: not counted');
});
