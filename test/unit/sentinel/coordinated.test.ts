import test from 'ava';
import {
  coordinatedRefusal,
  firstError,
  hasFailoverCommand,
  redisVersionOf,
  switchoverRefusal,
  SWITCHOVER_MAX_LAG_BYTES,
} from '../../../src/sentinel/coordinated.js';
import type { Effect } from '../../../src/sentinel/effects.js';
import { failoverStateMachine, failoverToRefused, startUserFailover } from '../../../src/sentinel/failover.js';
import { SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import { refreshInstanceInfo } from '../../../src/sentinel/refresh-info.js';
import { cluster, followingInfo, Sim } from './cluster-helpers.js';
import { info, T0 } from './helpers.js';

const M = 'mymaster 127.0.0.1 16379';

/** The master's INFO: a version and the replicas it lists (port, state, offset). */
function masterInfo(m: MasterRecord, version: string, offset = 1000, replicas: [number, string, number][] = [[16380, 'online', 1000], [16381, 'online', 1000]]): void {
  m.info = info(
    `redis_version:${version}`,
    'role:master',
    ...replicas.map(([port, state, off], i) => `slave${i}:ip=127.0.0.1,port=${port},state=${state},offset=${off},lag=0`),
    'master_failover_state:no-failover',
    `master_repl_offset:${offset}`,
  );
  m.monitoredFailoverState = 'no-failover';
}

const commandsTo = (effects: readonly Effect[], port: number): string[][][] =>
  effects.flatMap((e) => (e.kind === 'send-commands' && e.instance.addr.port === port ? [e.commands.map((c) => [...c])] : []));

test('coordinated: the FAILOVER command exists from Redis 6.2 on, read from INFO redis_version', (t) => {
  t.is(redisVersionOf(info('# Server', 'redis_version:7.0.15', 'redis_mode:standalone')), '7.0.15');
  t.is(redisVersionOf(null), null);
  t.true(hasFailoverCommand('6.2.0'));
  t.true(hasFailoverCommand('7.0.15'));
  t.true(hasFailoverCommand('10.0.0'));
  t.false(hasFailoverCommand('6.0.16'));
  t.false(hasFailoverCommand('5.0.7'));
});

test('coordinated: refused with nothing changed for a master older than 6.2 or unreachable', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  masterInfo(m, '6.0.16');
  t.is(coordinatedRefusal(m), 'ERR coordinated failover needs Redis 6.2 or later on the master (it runs 6.0.16)');
  const result = sim.run((ctx) => {
    const r = startUserFailover(m, ctx, { coordinated: true });
    t.deepEqual(r, { ok: false, error: { refused: 'ERR coordinated failover needs Redis 6.2 or later on the master (it runs 6.0.16)' } });
    return [];
  });
  t.deepEqual(result, []);
  t.is(m.flags & (SRI.FAILOVER_IN_PROGRESS | SRI.COORDINATED_FAILOVER), 0);
  t.is(sim.currentEpoch, 0);
  masterInfo(m, '7.0.15');
  m.link.disconnected = true;
  t.regex(coordinatedRefusal(m) ?? '', /^ERR coordinated failover needs a reachable master/);
});

test('coordinated: FAILOVER TO on the old master instead of SLAVEOF NO ONE; promotion unpauses both', (t) => {
  const sim = new Sim();
  const { m, r1 } = cluster(T0);
  masterInfo(m, '7.0.15');
  let started: Effect[] = [];
  sim.run((ctx) => {
    const r = startUserFailover(m, ctx, { coordinated: true });
    if (r.ok) started = r.effects;
    return started;
  });
  t.true((m.flags & (SRI.FORCE_FAILOVER | SRI.COORDINATED_FAILOVER)) === (SRI.FORCE_FAILOVER | SRI.COORDINATED_FAILOVER));
  sim.advance(1);
  const steps = sim.run((ctx) => failoverStateMachine(m, ctx));
  t.is(m.failoverState, 'wait_promotion');
  t.false(steps.some((e) => e.kind === 'send-slaveof'), 'the replica is never told SLAVEOF NO ONE');
  t.deepEqual(commandsTo(steps, 16379), [[
    ['MULTI'],
    ['CLIENT', 'PAUSE', '10000', 'WRITE'],
    ['FAILOVER', 'TO', '127.0.0.1', '16380', 'TIMEOUT', '10000'],
    ['EXEC'],
  ]]);
  t.like(steps.find((e) => e.kind === 'send-commands'), { check: 'failover-to' });

  sim.advance(300);
  const promoted = sim.run((ctx) => refreshInstanceInfo(r1, m, info('role:master'), ctx));
  const unpause = [['MULTI'], ['CONFIG', 'REWRITE'], ['CLIENT', 'KILL', 'TYPE', 'normal'], ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['CLIENT', 'UNPAUSE'], ['EXEC']];
  t.deepEqual(commandsTo(promoted, 16379), [unpause]);
  t.deepEqual(commandsTo(promoted, 16380), [unpause]);
  t.is(m.failoverState, 'reconf_slaves');
  t.true(sim.lines.includes(`+promoted-slave slave 127.0.0.1:16380 127.0.0.1 16380 @ ${M}`));
});

test('coordinated: a refused FAILOVER TO aborts with -failover-abort-master-refused and undoes the pause', (t) => {
  const sim = new Sim();
  const { m, r1 } = cluster(T0);
  masterInfo(m, '7.0.15');
  sim.run((ctx) => {
    const r = startUserFailover(m, ctx, { coordinated: true });
    return r.ok ? r.effects : [];
  });
  sim.run((ctx) => failoverStateMachine(m, ctx));
  t.is(firstError([{ kind: 'ok', value: 'OK' }, { kind: 'ok', value: 'QUEUED' }, { kind: 'ok', value: ['OK', { error: 'ERR FAILOVER target replica is not online.' }] }]),
    'ERR FAILOVER target replica is not online.');
  t.is(firstError([{ kind: 'ok', value: 'OK' }, { kind: 'error', message: "ERR unknown command 'FAILOVER'" }]), "ERR unknown command 'FAILOVER'");
  t.is(firstError([{ kind: 'ok', value: 'OK' }, { kind: 'ok', value: ['OK', 'OK'] }]), null);
  const out = sim.run((ctx) => failoverToRefused(m, 'ERR FAILOVER target replica is not online.', ctx));
  t.deepEqual(sim.lines.at(-1), `-failover-abort-master-refused master ${M} ERR FAILOVER target replica is not online.`);
  t.deepEqual(commandsTo(out, 16379), [[['MULTI'], ['FAILOVER', 'ABORT'], ['CLIENT', 'UNPAUSE'], ['EXEC']]]);
  t.is(m.failoverState, 'none');
  t.is(m.flags & (SRI.FAILOVER_IN_PROGRESS | SRI.COORDINATED_FAILOVER), 0);
  t.is(r1.flags & SRI.PROMOTED, 0);
  t.deepEqual(sim.run((ctx) => failoverToRefused(m, 'late', ctx)), [], 'nothing once aborted');
});

test('coordinated: no promotion within failover-timeout aborts the handover on the old master too', (t) => {
  const sim = new Sim();
  const { m } = cluster(T0);
  masterInfo(m, '7.0.15');
  sim.run((ctx) => {
    const r = startUserFailover(m, ctx, { coordinated: true });
    return r.ok ? r.effects : [];
  });
  sim.run((ctx) => failoverStateMachine(m, ctx));
  sim.advance(10_001);
  const out = sim.run((ctx) => failoverStateMachine(m, ctx));
  t.is(sim.lines.at(-1), `-failover-abort-slave-timeout master ${M}`);
  t.deepEqual(commandsTo(out, 16379), [[['MULTI'], ['FAILOVER', 'ABORT'], ['CLIENT', 'UNPAUSE'], ['EXEC']]]);
  t.is(m.failoverState, 'none');
});

test('switchover: the named replica is promoted even when selection would pick the other one', (t) => {
  const sim = new Sim();
  const { m, r2 } = cluster(T0);
  masterInfo(m, '7.0.15');
  // r1 has the larger offset: Sentinel's own choice; r2 is asked for, with priority 0 even
  r2.slavePriority = 0;
  sim.run((ctx) => {
    const r = startUserFailover(m, ctx, { target: { host: '127.0.0.1', port: 16381 } });
    t.true(r.ok);
    return r.ok ? r.effects : [];
  });
  t.is(m.switchoverTarget, r2.name);
  const steps = sim.run((ctx) => failoverStateMachine(m, ctx));
  t.true(sim.lines.includes(`+selected-slave slave 127.0.0.1:16381 127.0.0.1 16381 @ ${M}`));
  t.deepEqual(commandsTo(steps, 16379)[0]?.[2], ['FAILOVER', 'TO', '127.0.0.1', '16381', 'TIMEOUT', '10000']);
  sim.run((ctx) => refreshInstanceInfo(r2, m, info('role:master'), ctx));
  t.is(m.failoverState, 'reconf_slaves');
});

test('switchover: validation in order — unknown replica, INPROG, then the replica\'s health and lag', (t) => {
  const sim = new Sim();
  const { m, r1, r2 } = cluster(T0);
  masterInfo(m, '7.0.15', 5_000_000, [[16380, 'online', 5_000_000], [16381, 'online', 5_000_000 - SWITCHOVER_MAX_LAG_BYTES - 1]]);
  const ask = (port: number) => {
    let res: ReturnType<typeof startUserFailover> | null = null;
    sim.run((ctx) => {
      res = startUserFailover(m, ctx, { target: { host: '127.0.0.1', port } });
      return [];
    });
    return res!;
  };
  t.deepEqual(ask(16399), { ok: false, error: { refused: 'ERR No such replica with that address' } });
  t.deepEqual(ask(16381), { ok: false, error: { refused: `NOGOODSLAVE The replica is not suitable for promotion: it lags ${SWITCHOVER_MAX_LAG_BYTES + 1} bytes behind the master (the bound is ${SWITCHOVER_MAX_LAG_BYTES})` } });
  r1.flags |= SRI.S_DOWN;
  t.deepEqual(ask(16380), { ok: false, error: { refused: 'NOGOODSLAVE The replica is not suitable for promotion: it is down (s_down)' } });
  r1.flags &= ~SRI.S_DOWN;
  sim.run((ctx) => refreshInstanceInfo(r1, m, followingInfo('127.0.0.1', 16379, false), ctx));
  t.deepEqual(ask(16380), { ok: false, error: { refused: 'NOGOODSLAVE The replica is not suitable for promotion: its link to the master is down' } });
  sim.run((ctx) => refreshInstanceInfo(r1, m, followingInfo('127.0.0.1', 16379), ctx));
  t.is(switchoverRefusal(m, r1, sim.ctx()), null);
  t.true(ask(16380).ok);
  t.deepEqual(ask(16380), { ok: false, error: 'INPROG' });
  t.is(r2.flags & SRI.PROMOTED, 0);
});
