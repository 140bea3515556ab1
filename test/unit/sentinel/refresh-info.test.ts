import test from 'ava';
import { SRI, type MasterRecord, type ReplicaRecord } from '../../../src/sentinel/instance.js';
import { masterLooksSane, noDownFor, refreshInstanceInfo } from '../../../src/sentinel/refresh-info.js';
import { ctxAt, eventLines, info, kinds, masterAt, replicaOf, T0 } from './helpers.js';

const RUN_A = 'a'.repeat(40);
const RUN_B = 'b'.repeat(40);
const M = 'mymaster 127.0.0.1 6379';
const R6380 = `slave 127.0.0.1:6380 127.0.0.1 6380 @ ${M}`;

/** A master whose own INFO just said role:master: "looks sane". */
function saneMaster(now = T0): MasterRecord {
  const m = masterAt(T0);
  refreshInstanceInfo(m, m, info(`run_id:${RUN_A}`, 'role:master'), ctxAt(now));
  return m;
}

const replicaInfo = (host: string, port: number, linkUp = true) =>
  info('role:slave', `master_host:${host}`, `master_port:${port}`, `master_link_status:${linkUp ? 'up' : 'down'}`);

test('refresh-info: caches the text, sets info-refresh, resets the link-down time when the field is absent', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  r.masterLinkDownTime = 5000;
  const text = replicaInfo('127.0.0.1', 6379);
  t.deepEqual(refreshInstanceInfo(r, m, text, ctxAt(T0 + 10)), []);
  t.is(r.info, text);
  t.is(r.infoRefresh, T0 + 10);
  t.is(r.masterLinkDownTime, 0);
  refreshInstanceInfo(r, m, info('master_link_down_since_seconds:3'), ctxAt(T0 + 20));
  t.is(r.masterLinkDownTime, 3000);
});

test('refresh-info: stores the first run id silently, +reboot when it changes', (t) => {
  const m = masterAt();
  t.deepEqual(refreshInstanceInfo(m, m, info(`run_id:${RUN_A}`, 'role:master'), ctxAt(T0)), []);
  t.is(m.runid, RUN_A);
  const out = refreshInstanceInfo(m, m, info(`run_id:${RUN_B}`, 'role:master'), ctxAt(T0 + 1));
  t.deepEqual(eventLines(out), [`+reboot master ${M}`]);
  t.like(out[0], { level: 'notice' });
  t.is(m.runid, RUN_B);
  t.false(Boolean(m.flags & SRI.MASTER_REBOOT), 'master-reboot-down-after-period is 0');
});

test('refresh-info: +reboot of a replica uses the replica description', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  r.runid = RUN_A;
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, info(`run_id:${RUN_B}`), ctxAt(T0))), [`+reboot ${R6380}`]);
});

test('refresh-info: a run id change sets master_reboot and its time when master-reboot-down-after-period > 0', (t) => {
  const m = masterAt();
  m.masterRebootDownAfterPeriod = 5000;
  m.runid = RUN_A;
  refreshInstanceInfo(m, m, info(`run_id:${RUN_B}`), ctxAt(T0 + 7));
  t.true(Boolean(m.flags & SRI.MASTER_REBOOT));
  t.is(m.masterRebootSinceTime, T0 + 7);
});

test('refresh-info: a new replica in a master INFO gives +slave, replica-added and a flush', (t) => {
  const m = masterAt();
  const out = refreshInstanceInfo(m, m, info('role:master', 'slave0:ip=127.0.0.1,port=6380,state=online,offset=1,lag=0'), ctxAt(T0 + 5));
  t.deepEqual(kinds(out), ['event', 'replica-added', 'flush-config']);
  t.deepEqual(eventLines(out), [`+slave ${R6380}`]);
  t.like(out[0], { level: 'notice' });
  const r = m.replicas.get('127.0.0.1:6380');
  t.truthy(r);
  t.like(out[1], { kind: 'replica-added', replica: r!, master: m });
  t.is(r!.downAfterPeriod, m.downAfterPeriod);
  t.is(r!.slaveConfChangeTime, T0 + 5);
  t.deepEqual(refreshInstanceInfo(m, m, info('role:master', 'slave0:ip=127.0.0.1,port=6380,state=online'), ctxAt(T0 + 6)), []);
});

test('refresh-info: IPv6 replicas are named [ip]:port', (t) => {
  const m = masterAt();
  const out = refreshInstanceInfo(m, m, info('slave0:ip=::1,port=6381,state=online'), ctxAt(T0));
  t.deepEqual(eventLines(out), [`+slave slave [::1]:6381 ::1 6381 @ ${M}`]);
});

test('refresh-info: a replica hostname is refused without resolve-hostnames, accepted with it', (t) => {
  const m = masterAt();
  const text = info('slave0:ip=redis-1.example,port=6380,state=online');
  t.deepEqual(refreshInstanceInfo(m, m, text, ctxAt(T0)), []);
  t.is(m.replicas.size, 0);
  const out = refreshInstanceInfo(m, m, text, ctxAt(T0, { resolveHostnames: true }));
  t.deepEqual(eventLines(out), [`+slave slave redis-1.example:6380 redis-1.example 6380 @ ${M}`]);
});

test('refresh-info: a replica known by name and reported by its IP is the same record, not a second one', (t) => {
  const m = masterAt();
  replicaOf(m, 'redis-1.example', 6380);
  const byIp = info('slave0:ip=10.0.0.7,port=6380,state=online');
  const cached = ctxAt(T0, { resolveHostnames: true, lookupIp: (h) => (h.toLowerCase() === 'redis-1.example' ? '10.0.0.7' : undefined) });
  t.deepEqual(refreshInstanceInfo(m, m, byIp, cached), []);
  t.deepEqual([...m.replicas.keys()], ['redis-1.example:6380']);
  // another port, or an IP the name does not resolve to, is another replica
  const other = refreshInstanceInfo(m, m, info('slave0:ip=10.0.0.7,port=6381', 'slave1:ip=10.0.0.8,port=6380'), cached);
  t.deepEqual(eventLines(other), [
    `+slave slave 10.0.0.7:6381 10.0.0.7 6381 @ ${M}`,
    `+slave slave 10.0.0.8:6380 10.0.0.8 6380 @ ${M}`,
  ]);
  // and by name when the record holds the IP (the name as INFO reports it, any case)
  const n = masterAt();
  replicaOf(n, '10.0.0.7', 6380);
  t.deepEqual(refreshInstanceInfo(n, n, info('slave0:ip=REDIS-1.example,port=6380'), cached), []);
  t.is(n.replicas.size, 1);
});

test('refresh-info: a replica port out of range is refused', (t) => {
  const m = masterAt();
  t.deepEqual(refreshInstanceInfo(m, m, info('slave0:ip=127.0.0.1,port=70000,state=online', 'slave1:ip=127.0.0.1,port=-1'), ctxAt(T0)), []);
  t.is(m.replicas.size, 0);
});

test('refresh-info: replicas are discovered in TILT too', (t) => {
  const m = masterAt();
  const out = refreshInstanceInfo(m, m, info('slave0:ip=127.0.0.1,port=6380'), ctxAt(T0, { tilt: true }));
  t.deepEqual(eventLines(out), [`+slave ${R6380}`]);
});

test('refresh-info: slave lines in a replica INFO (chained replication) create nothing', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  t.deepEqual(refreshInstanceInfo(r, m, info('role:slave', 'slave0:ip=127.0.0.1,port=6390'), ctxAt(T0)), []);
  t.is(m.replicas.size, 1);
});

test('refresh-info: a replica stores its replication fields; master address changes move the config-change time', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  refreshInstanceInfo(
    r,
    m,
    info('role:slave', 'master_host:Host-A', 'master_port:6379', 'master_link_status:up', 'slave_priority:10', 'slave_repl_offset:99', 'replica_announced:0'),
    ctxAt(T0 + 100, { resolveHostnames: true }),
  );
  t.like(r, { slaveMasterHost: 'Host-A', slaveMasterPort: 6379, slaveMasterLinkStatusUp: true, slavePriority: 10, slaveReplOffset: 99, replicaAnnounced: false });
  t.is(r.slaveConfChangeTime, T0 + 100);
  refreshInstanceInfo(r, m, info('role:slave', 'master_host:host-a', 'master_port:6379'), ctxAt(T0 + 200));
  t.is(r.slaveConfChangeTime, T0 + 100, 'same host in another case is no change');
  t.is(r.slaveMasterHost, 'Host-A');
  refreshInstanceInfo(r, m, info('role:slave', 'master_host:host-a', 'master_port:6390'), ctxAt(T0 + 300));
  t.is(r.slaveConfChangeTime, T0 + 300);
});

test('refresh-info: V9 master_failover_state is stored with the time it changed', (t) => {
  const m = masterAt();
  refreshInstanceInfo(m, m, info('master_failover_state:no-failover'), ctxAt(T0 + 1));
  t.is(m.monitoredFailoverState, 'no-failover');
  t.is(m.monitoredFailoverChangeTime, T0 + 1);
  refreshInstanceInfo(m, m, info('master_failover_state:no-failover'), ctxAt(T0 + 2));
  t.is(m.monitoredFailoverChangeTime, T0 + 1);
  refreshInstanceInfo(m, m, info('master_failover_state:failover-in-progress'), ctxAt(T0 + 3));
  t.like(m, { monitoredFailoverState: 'failover', monitoredFailoverChangeTime: T0 + 3 });
});

test('refresh-info: -role-change when a replica reports master, +role-change when it is a replica again', (t) => {
  const m = saneMaster();
  const r = replicaOf(m, '127.0.0.1', 6380);
  const out = refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + 10));
  t.deepEqual(eventLines(out), [`-role-change ${R6380} new reported role is master`]);
  t.like(out[0], { level: 'verbose' });
  t.like(r, { roleReported: 'master', roleReportedTime: T0 + 10 });
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + 20))), []);
  const back = refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6379), ctxAt(T0 + 30));
  t.deepEqual(eventLines(back), [`+role-change ${R6380} new reported role is slave`]);
  t.is(r.slaveConfChangeTime, T0 + 30);
});

test('refresh-info: -role-change when a master reports slave, and nothing else happens', (t) => {
  const m = masterAt();
  const out = refreshInstanceInfo(m, m, replicaInfo('10.0.0.1', 6379), ctxAt(T0 + 10));
  t.deepEqual(eventLines(out), [`-role-change master ${M} new reported role is slave`]);
  t.deepEqual(kinds(out), ['event']);
  t.like(m, { roleReported: 'slave', roleReportedTime: T0 + 10 });
});

test('refresh-info: role changes are told in TILT too', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0, { tilt: true }))), [`-role-change ${R6380} new reported role is master`]);
});

test('refresh-info: an INFO without a role line keeps the reported role', (t) => {
  const m = masterAt();
  t.deepEqual(refreshInstanceInfo(m, m, info('# Server'), ctxAt(T0 + 1)), []);
  t.like(m, { roleReported: 'master', roleReportedTime: T0 });
});

// --- +convert-to-slave -------------------------------------------------------------------------

/** A replica that said role:master at T0 (so its role-reported time is T0). */
function rogueReplica(m: MasterRecord): ReplicaRecord {
  const r = replicaOf(m, '127.0.0.1', 6380);
  refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0));
  return r;
}

test('refresh-info: +convert-to-slave once a replica has reported master for more than 4 × publish-period', (t) => {
  const wait = 4 * 2000;
  const m = saneMaster(T0 + wait);
  const r = rogueReplica(m);
  t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + wait)), [], 'strictly more than 8 s');
  m.infoRefresh = T0 + wait;
  const out = refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + wait + 1));
  t.deepEqual(kinds(out), ['send-slaveof', 'event']);
  t.like(out[0], { kind: 'send-slaveof', instance: r, master: m, host: '127.0.0.1', port: 6379, abortFailover: false });
  t.deepEqual(eventLines(out), [`+convert-to-slave ${R6380}`]);
  t.like(out[1], { level: 'notice' });
});

test('refresh-info: no conversion in TILT', (t) => {
  const m = saneMaster(T0 + 9000);
  const r = rogueReplica(m);
  t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + 9000, { tilt: true })), []);
});

test('refresh-info: no conversion when the master does not look sane', (t) => {
  const now = T0 + 9000;
  const cases: [string, (m: MasterRecord) => void][] = [
    ['master SDOWN', (m) => (m.flags |= SRI.S_DOWN)],
    ['master ODOWN', (m) => (m.flags |= SRI.O_DOWN)],
    ['master reports slave', (m) => (m.roleReported = 'slave')],
    ['master INFO 2 × info-period old', (m) => (m.infoRefresh = now - 20_000)],
    ['master INFO never received', (m) => (m.infoRefresh = 0)],
  ];
  for (const [why, spoil] of cases) {
    const m = saneMaster(now);
    const r = rogueReplica(m);
    spoil(m);
    t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(now)), [], why);
  }
});

test('refresh-info: masterLooksSane is true just under 2 × info-period', (t) => {
  const m = saneMaster();
  t.true(masterLooksSane(m, ctxAt(T0 + 19_999)));
  t.false(masterLooksSane(m, ctxAt(T0 + 20_000)));
});

test('refresh-info: no conversion when the replica was SDOWN or ODOWN within 4 × publish-period', (t) => {
  const now = T0 + 20_000;
  const m = saneMaster(now);
  const r = rogueReplica(m);
  r.sdownSinceTime = now - 8000;
  t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(now)), []);
  r.sdownSinceTime = now - 8001;
  r.odownSinceTime = now - 100;
  t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(now)), []);
  r.odownSinceTime = 0;
  t.deepEqual(kinds(refreshInstanceInfo(r, m, info('role:master'), ctxAt(now))), ['send-slaveof', 'event']);
});

test('refresh-info: noDownFor reads the latest of the SDOWN and ODOWN since-times', (t) => {
  const m = masterAt();
  t.true(noDownFor(m, 1000, T0));
  m.sdownSinceTime = T0;
  t.false(noDownFor(m, 1000, T0 + 1000));
  t.true(noDownFor(m, 1000, T0 + 1001));
});

test('refresh-info: a promoted replica is not converted', (t) => {
  const m = saneMaster(T0 + 9000);
  const r = rogueReplica(m);
  r.flags |= SRI.PROMOTED;
  t.deepEqual(refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + 9000)), []);
});

test('refresh-info: the promoted replica reporting master during wait_promotion confirms the promotion, no conversion', (t) => {
  const m = saneMaster(T0 + 9000);
  const r = rogueReplica(m);
  r.flags |= SRI.PROMOTED;
  m.flags |= SRI.FAILOVER_IN_PROGRESS;
  m.failoverState = 'wait_promotion';
  m.failoverEpoch = 3;
  const out = refreshInstanceInfo(r, m, info('role:master'), ctxAt(T0 + 9000));
  t.false(kinds(out).includes('send-slaveof'));
  t.deepEqual(eventLines(out), [`+promoted-slave ${R6380}`, `+failover-state-reconf-slaves master ${M}`]);
  t.is(m.failoverState as string, 'reconf_slaves');
  t.is(m.configEpoch, 3);
});

test('refresh-info: the conversion targets the hostname with announce-hostnames', (t) => {
  const now = T0 + 9000;
  const m = masterAt(T0, 'master.example', 6379);
  refreshInstanceInfo(m, m, info('role:master'), ctxAt(now));
  const r = rogueReplica(m);
  const out = refreshInstanceInfo(r, m, info('role:master'), ctxAt(now, { resolveHostnames: true, announceHostnames: true }));
  t.like(out[0], { kind: 'send-slaveof', host: 'master.example', port: 6379 });
  const viaIp = refreshInstanceInfo(r, m, info('role:master'), ctxAt(now, { resolveHostnames: true, lookupIp: () => '10.0.0.7' }));
  t.like(viaIp[0], { kind: 'send-slaveof', host: '10.0.0.7', port: 6379 });
});

// --- +fix-slave-config -------------------------------------------------------------------------

test('refresh-info: +fix-slave-config once a replica follows another master for more than failover-timeout', (t) => {
  const ft = 180_000;
  const m = saneMaster(T0 + ft + 1);
  const r = replicaOf(m, '127.0.0.1', 6380);
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(T0)), []);
  m.infoRefresh = T0 + ft;
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(T0 + ft)), []);
  const out = refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(T0 + ft + 1));
  t.like(out[0], { kind: 'send-slaveof', instance: r, host: '127.0.0.1', port: 6379 });
  t.deepEqual(eventLines(out), [`+fix-slave-config ${R6380}`]);
});

test('refresh-info: a different master port alone is a wrong master', (t) => {
  const m = saneMaster(T0 + 200_000);
  const r = replicaOf(m, '127.0.0.1', 6380);
  refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6390), ctxAt(T0));
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6390), ctxAt(T0 + 200_000))), [`+fix-slave-config ${R6380}`]);
});

test('refresh-info: no fix while the master setting changed within failover-timeout', (t) => {
  const m = saneMaster(T0 + 200_000);
  const r = replicaOf(m, '127.0.0.1', 6380);
  refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(T0));
  refreshInstanceInfo(r, m, replicaInfo('10.9.9.8', 6379), ctxAt(T0 + 100_000));
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.9.9.8', 6379), ctxAt(T0 + 200_000)), []);
});

test('refresh-info: no fix when the replica was down within failover-timeout, or the master is not sane', (t) => {
  const now = T0 + 200_000;
  const m = saneMaster(now);
  const r = replicaOf(m, '127.0.0.1', 6380);
  refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(T0));
  r.sdownSinceTime = now - 1000;
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(now)), []);
  r.sdownSinceTime = 0;
  m.flags |= SRI.S_DOWN;
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.9.9.9', 6379), ctxAt(now)), []);
});

test('refresh-info: a replica following its master is left alone (IPv6 compared as addresses, names without case)', (t) => {
  const now = T0 + 200_000;
  const v6 = masterAt(T0, '::1', 6379);
  refreshInstanceInfo(v6, v6, info('role:master'), ctxAt(now));
  const r6 = replicaOf(v6, '::1', 6380);
  refreshInstanceInfo(r6, v6, replicaInfo('0:0:0:0:0:0:0:1', 6379), ctxAt(T0));
  t.deepEqual(refreshInstanceInfo(r6, v6, replicaInfo('0:0:0:0:0:0:0:1', 6379), ctxAt(now)), []);

  const named = masterAt(T0, 'Master.Example', 6379);
  const ctx = ctxAt(now, { resolveHostnames: true });
  refreshInstanceInfo(named, named, info('role:master'), ctx);
  const rn = replicaOf(named, '10.0.0.2', 6380);
  refreshInstanceInfo(rn, named, replicaInfo('master.example', 6379), ctxAt(T0, { resolveHostnames: true }));
  t.deepEqual(refreshInstanceInfo(rn, named, replicaInfo('master.example', 6379), ctx), []);
});

test('refresh-info: an IP reported for a named master matches through the resolver cache', (t) => {
  const now = T0 + 200_000;
  const m = masterAt(T0, 'master.example', 6379);
  const ctx = ctxAt(now, { resolveHostnames: true, lookupIp: (h) => (h === 'master.example' ? '10.0.0.7' : undefined) });
  refreshInstanceInfo(m, m, info('role:master'), ctx);
  const r = replicaOf(m, '10.0.0.2', 6380);
  refreshInstanceInfo(r, m, replicaInfo('10.0.0.7', 6379), ctxAt(T0, { resolveHostnames: true }));
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('10.0.0.7', 6379), ctx), []);
  refreshInstanceInfo(r, m, replicaInfo('10.0.0.8', 6379), { ...ctx, now: now + 1 });
  refreshInstanceInfo(m, m, info('role:master'), { ...ctx, now: now + 180_002 });
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, replicaInfo('10.0.0.8', 6379), { ...ctx, now: now + 180_002 })), [
    `+fix-slave-config slave 10.0.0.2:6380 10.0.0.2 6380 @ mymaster master.example 6379`,
  ]);
});

test('refresh-info: V9 +fix-slave-config for a replica stuck in a FAILOVER longer than failover-timeout', (t) => {
  const ft = 180_000;
  const m = saneMaster(T0 + ft + 1);
  const r = replicaOf(m, '127.0.0.1', 6380);
  const stuck = info('role:slave', 'master_host:127.0.0.1', 'master_port:6379', 'master_failover_state:waiting-for-sync');
  t.deepEqual(refreshInstanceInfo(r, m, stuck, ctxAt(T0)), []);
  t.deepEqual(refreshInstanceInfo(r, m, stuck, ctxAt(T0 + ft)), []);
  m.infoRefresh = T0 + ft;
  const out = refreshInstanceInfo(r, m, stuck, ctxAt(T0 + ft + 1));
  t.deepEqual(kinds(out), ['send-slaveof', 'event']);
  t.like(out[0], { kind: 'send-slaveof', host: '127.0.0.1', port: 6379, abortFailover: true });
  t.deepEqual(eventLines(out), [`+fix-slave-config ${R6380}`]);
});

// --- reconfiguration progress ------------------------------------------------------------------

function reconfiguring(): { m: MasterRecord; r: ReplicaRecord } {
  const m = masterAt();
  const promoted = replicaOf(m, '127.0.0.1', 6381);
  promoted.flags |= SRI.PROMOTED;
  m.flags |= SRI.FAILOVER_IN_PROGRESS;
  m.failoverState = 'reconf_slaves';
  const r = replicaOf(m, '127.0.0.1', 6380);
  r.flags |= SRI.RECONF_SENT;
  return { m, r };
}

test('refresh-info: reconf_sent → reconf_inprog when the replica names the promoted replica, → reconf_done when its link is up', (t) => {
  const { m, r } = reconfiguring();
  const first = refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, false), ctxAt(T0 + 1));
  t.deepEqual(eventLines(first), [`+slave-reconf-inprog ${R6380}`]);
  t.like(first[0], { level: 'notice' });
  t.is(r.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG | SRI.RECONF_DONE), SRI.RECONF_INPROG);
  const second = refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, true), ctxAt(T0 + 2));
  t.deepEqual(eventLines(second), [`+slave-reconf-done ${R6380}`]);
  t.is(r.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG | SRI.RECONF_DONE), SRI.RECONF_DONE);
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, true), ctxAt(T0 + 3)), []);
});

test('refresh-info: both reconfiguration steps in one INFO when the link is already up', (t) => {
  const { m, r } = reconfiguring();
  t.deepEqual(eventLines(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, true), ctxAt(T0 + 1))), [
    `+slave-reconf-inprog ${R6380}`,
    `+slave-reconf-done ${R6380}`,
  ]);
});

test('refresh-info: reconf_sent stays while the replica still follows the old master, or in TILT', (t) => {
  const { m, r } = reconfiguring();
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6379, true), ctxAt(T0 + 1)), []);
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, true), ctxAt(T0 + 2, { tilt: true })), []);
  t.true(Boolean(r.flags & SRI.RECONF_SENT));
});

test('refresh-info: reconf_sent stays when no replica is flagged promoted', (t) => {
  const { m, r } = reconfiguring();
  for (const x of m.replicas.values()) x.flags &= ~SRI.PROMOTED;
  t.deepEqual(refreshInstanceInfo(r, m, replicaInfo('127.0.0.1', 6381, true), ctxAt(T0 + 1)), []);
  t.true(Boolean(r.flags & SRI.RECONF_SENT));
});
