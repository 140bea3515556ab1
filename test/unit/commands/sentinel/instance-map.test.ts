import test from 'ava';
import { flagsString, instanceFields, instanceMaps } from '../../../../src/commands/sentinel/instance-map.js';
import { MASTERS_PER_TURN } from '../../../../src/commands/sentinel/masters.js';
import { writeReply } from '../../../../src/resp/reply-writer.js';
import { array, arrayOf, bulk, bulkMap, err, nullArray, type Reply } from '../../../../src/resp/reply.js';
import { SRI } from '../../../../src/sentinel/instance.js';
import { addKnownReplica, addKnownSentinel, createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

/** addresses as the records hold them */
const AS_HELD = { announceHostnames: true };

function setup() {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  return { h, master: created.value };
}

test('instance-map: master fields in addReplySentinelRedisInstance order when nothing is down', async (t) => {
  const { h, master } = setup();
  h.clock.advance(6914);
  master.link.pendingCommands = 3;
  t.deepEqual(
    one(await h.run('sentinel', 'master', 'mymaster')),
    bulkMap([
      ['name', 'mymaster'],
      ['ip', '127.0.0.1'],
      ['port', '16379'],
      ['runid', ''],
      ['flags', 'master,disconnected'],
      ['link-pending-commands', '3'],
      ['link-refcount', '1'],
      ['last-ping-sent', '6914'],
      ['last-ok-ping-reply', '6914'],
      ['last-ping-reply', '6914'],
      ['down-after-milliseconds', '30000'],
      ['info-refresh', '0'],
      ['role-reported', 'master'],
      ['role-reported-time', '6914'],
      ['config-epoch', '0'],
      ['num-slaves', '0'],
      ['num-other-sentinels', '0'],
      ['quorum', '2'],
      ['failover-timeout', '180000'],
      ['parallel-syncs', '1'],
    ]),
  );
});

test('instance-map: conditional master fields appear in place when their condition holds', (t) => {
  const { h, master } = setup();
  const t0 = h.clock.monotonic();
  master.flags |= SRI.S_DOWN | SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS;
  master.failoverState = 'select_slave';
  master.sdownSinceTime = t0;
  master.odownSinceTime = t0 + 100;
  master.notificationScript = '/bin/notify';
  master.clientReconfigScript = '/bin/reconf';
  master.link.actPingTime = 0;
  master.link.disconnected = false;
  master.infoRefresh = t0 + 500;
  master.runid = 'f'.repeat(40);
  h.clock.advance(1000);
  const names = instanceFields(master, h.clock.monotonic(), AS_HELD).map(([k]) => k);
  t.deepEqual(names, [
    'name', 'ip', 'port', 'runid', 'flags', 'link-pending-commands', 'link-refcount', 'failover-state',
    'last-ping-sent', 'last-ok-ping-reply', 'last-ping-reply', 's-down-time', 'o-down-time',
    'down-after-milliseconds', 'info-refresh', 'role-reported', 'role-reported-time', 'config-epoch',
    'num-slaves', 'num-other-sentinels', 'quorum', 'failover-timeout', 'parallel-syncs',
    'notification-script', 'client-reconfig-script',
  ]);
  const f = new Map(instanceFields(master, h.clock.monotonic(), AS_HELD));
  t.is(f.get('flags'), 's_down,o_down,master,failover_in_progress');
  t.is(f.get('failover-state'), 'select_slave');
  t.is(f.get('last-ping-sent'), 0);
  t.is(f.get('s-down-time'), 1000);
  t.is(f.get('o-down-time'), 900);
  t.is(f.get('info-refresh'), 500);
});

test('instance-map: replica fields, with INFO defaults before the first INFO', async (t) => {
  const { h, master } = setup();
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  h.clock.advance(10);
  t.deepEqual(
    one(await h.run('sentinel', 'replicas', 'mymaster')),
    arrayOf(
      bulkMap([
        ['name', '127.0.0.1:16380'],
        ['ip', '127.0.0.1'],
        ['port', '16380'],
        ['runid', ''],
        ['flags', 'slave,disconnected'],
        ['link-pending-commands', '0'],
        ['link-refcount', '1'],
        ['last-ping-sent', '10'],
        ['last-ok-ping-reply', '10'],
        ['last-ping-reply', '10'],
        ['down-after-milliseconds', '30000'],
        ['info-refresh', '0'],
        ['role-reported', 'slave'],
        ['role-reported-time', '10'],
        ['master-link-down-time', '0'],
        ['master-link-status', 'err'],
        ['master-host', '?'],
        ['master-port', '0'],
        ['slave-priority', '100'],
        ['slave-repl-offset', '0'],
        ['replica-announced', '1'],
      ]),
    ),
  );
});

test('instance-map: REPLICAS and SLAVES leave out replicas that are not announced', async (t) => {
  const { h, master } = setup();
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  addKnownReplica(h.state, master, '127.0.0.1', 16381, h.clock.monotonic());
  master.replicas.get('127.0.0.1:16381')!.replicaAnnounced = false;
  for (const sub of ['replicas', 'slaves']) {
    const r = one(await h.run('sentinel', sub, 'mymaster'));
    t.is(r.t === 'array' ? r.items.length : -1, 1);
  }
  const m = one(await h.run('sentinel', 'master', 'mymaster'));
  t.deepEqual(m.t === 'map' ? m.entries.find(([k]) => k === 'num-slaves')?.[1] : null, bulk('2'));
});

test('instance-map: sentinel fields with the reported vote', async (t) => {
  const { h, master } = setup();
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, 'b'.repeat(40), h.clock.monotonic());
  const peer = master.sentinels.get('b'.repeat(40))!;
  h.clock.advance(20);
  let r = one(await h.run('sentinel', 'sentinels', 'mymaster'));
  t.deepEqual(
    r,
    arrayOf(
      bulkMap([
        ['name', 'b'.repeat(40)],
        ['ip', '127.0.0.1'],
        ['port', '26380'],
        ['runid', 'b'.repeat(40)],
        ['flags', 'sentinel,disconnected'],
        ['link-pending-commands', '0'],
        ['link-refcount', '1'],
        ['last-ping-sent', '20'],
        ['last-ok-ping-reply', '20'],
        ['last-ping-reply', '20'],
        ['down-after-milliseconds', '30000'],
        ['last-hello-message', '20'],
        ['voted-leader', '?'],
        ['voted-leader-epoch', '0'],
      ]),
    ),
  );
  peer.leader = 'c'.repeat(40);
  peer.leaderEpoch = 7;
  r = one(await h.run('sentinel', 'sentinels', 'mymaster'));
  const fields = r.t === 'array' && r.items[0]!.t === 'map' ? new Map(r.items[0]!.entries) : new Map();
  t.deepEqual(fields.get('voted-leader'), bulk('c'.repeat(40)));
  t.deepEqual(fields.get('voted-leader-epoch'), bulk('7'));
});

test('instance-map: argus-link-error comes last, only while the instance refuses a command', async (t) => {
  const { h, master } = setup();
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, 'b'.repeat(40), h.clock.monotonic());
  const replica = master.replicas.get('127.0.0.1:16380')!;
  const peer = master.sentinels.get('b'.repeat(40))!;
  const now = h.clock.monotonic();
  for (const ri of [master, replica, peer]) t.false(instanceFields(ri, now, AS_HELD).some(([k]) => k === 'argus-link-error'));
  const denied = "NOPERM this user has no permissions to run the 'info' command";
  for (const ri of [master, replica, peer]) {
    ri.link.permErrors = [{ command: 'INFO', error: denied }, { command: 'PUBLISH', error: 'NOPERM channels' }];
    t.deepEqual(instanceFields(ri, now, AS_HELD).at(-1), ['argus-link-error', denied]);
  }
  const r = one(await h.run('sentinel', 'master', 'mymaster'));
  t.deepEqual(r.t === 'map' ? r.entries.at(-1) : null, ['argus-link-error', bulk(denied)]);
});

test('instance-map: flags print in the README order, master_reboot and coordinated_failover included', (t) => {
  const { master } = setup();
  master.flags = SRI.MASTER | SRI.MASTER_REBOOT | SRI.SCRIPT_KILL_SENT | SRI.COORDINATED_FAILOVER | SRI.FORCE_FAILOVER |
    SRI.MASTER_DOWN | SRI.O_DOWN | SRI.S_DOWN;
  master.link.disconnected = true;
  t.is(
    flagsString(master),
    's_down,o_down,master,disconnected,master_down,force_failover,coordinated_failover,script_kill_sent,master_reboot',
  );
  master.flags = SRI.SLAVE | SRI.PROMOTED | SRI.RECONF_SENT | SRI.RECONF_INPROG | SRI.RECONF_DONE;
  master.link.disconnected = false;
  t.is(flagsString(master), 'slave,promoted,reconf_sent,reconf_inprog,reconf_done');
});

test('sentinel masters: every master in table order; PRIMARIES is the same', async (t) => {
  const { h } = setup();
  createMaster(h.state, 'other', '10.0.0.1', 6379, 1, h.clock.monotonic());
  const names = (r: ReturnType<typeof one>) =>
    r.t === 'array' ? r.items.map((m) => (m.t === 'map' ? m.entries[0]![1] : null)) : [];
  t.deepEqual(names(one(await h.run('sentinel', 'masters'))), [bulk('mymaster'), bulk('other')]);
  t.deepEqual(one(await h.run('sentinel', 'primaries')), one(await h.run('sentinel', 'masters')));
});

test('sentinel masters: beyond MASTERS_PER_TURN the reply is rendered in parts, byte for byte the same as in one go', async (t) => {
  const { h } = setup();
  for (let i = 1; i < MASTERS_PER_TURN * 2 + 10; i++) createMaster(h.state, `m${i}`, '10.0.0.1', 6000 + i, 1, h.clock.monotonic());
  const now = h.clock.monotonic();
  for (const resp of [2, 3] as const) {
    h.client.resp = resp;
    const reply = one(await h.run('sentinel', 'masters'));
    t.is(reply.t, 'raw', `RESP${resp}`);
    const whole = writeReply(array(instanceMaps(h.state.masters.values(), now, AS_HELD)), resp);
    t.true(reply.t === 'raw' && reply.bytes.equals(whole), `RESP${resp}: the same bytes`);
  }
});

test('sentinel master: no such master, with the name matched case-sensitively', async (t) => {
  const { h } = setup();
  for (const sub of ['master', 'primary', 'replicas', 'slaves', 'sentinels']) {
    t.deepEqual(one(await h.run('sentinel', sub, 'MyMaster')), err('ERR No such master with that name'), sub);
  }
});

test('sentinel get-master-addr-by-name: host and port as bulk strings, null for an unknown name', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await h.run('sentinel', 'get-master-addr-by-name', 'mymaster')), arrayOf(bulk('127.0.0.1'), bulk('16379')));
  t.deepEqual(one(await h.run('sentinel', 'get-primary-addr-by-name', 'mymaster')), arrayOf(bulk('127.0.0.1'), bulk('16379')));
  t.deepEqual(one(await h.run('sentinel', 'get-master-addr-by-name', 'nope')), nullArray);
  // from reconf_slaves on, the promoted replica's address is the current one
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  master.replicas.get('127.0.0.1:16380')!.flags |= SRI.PROMOTED;
  master.failoverState = 'reconf_slaves';
  t.deepEqual(one(await h.run('sentinel', 'get-master-addr-by-name', 'mymaster')), arrayOf(bulk('127.0.0.1'), bulk('16380')));
});

test('sentinel myid: the 40-character id', async (t) => {
  const { h } = setup();
  t.deepEqual(one(await h.run('sentinel', 'myid')), bulk(h.state.myid));
});

/** A master and replica held by name, with the IPs their shard resolved them to (facts). */
function named() {
  const h = harness();
  h.state.resolveHostnames = true;
  const created = createMaster(h.state, 'm', 'redis-0', 6379, 1, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  const master = created.value;
  master.addr = { host: 'redis-0', port: 6379, ip: '10.1.0.1' };
  addKnownReplica(h.state, master, 'redis-1', 6380, h.clock.monotonic());
  const replica = master.replicas.get('redis-1:6380')!;
  replica.addr = { host: 'redis-1', port: 6380, ip: '10.1.0.2' };
  return { h, master, replica };
}

const field = (reply: Reply, name: string): Reply | undefined =>
  reply.t === 'map' ? reply.entries.find(([k]) => k === name)?.[1] : undefined;

test('announce-hostnames: replies show names with yes, resolved IPs with no, decided at reply time', async (t) => {
  const { h, master, replica } = named();
  const shown = async () => {
    const m = one(await h.run('sentinel', 'master', 'm'));
    const list = one(await h.run('sentinel', 'replicas', 'm'));
    const r = list.t === 'array' ? list.items?.[0] : undefined;
    const infoText = one(await h.run('info', 'sentinel'));
    return {
      addr: one(await h.run('sentinel', 'get-master-addr-by-name', 'm')),
      master: [field(m, 'name'), field(m, 'ip')],
      replica: [field(r!, 'name'), field(r!, 'ip'), field(r!, 'master-host')],
      info: infoText.t === 'bulk' ? /master0:.*address=([^,]+),/.exec(String(infoText.b))?.[1] : undefined,
    };
  };
  replica.slaveMasterHost = 'redis-0';
  h.state.announceHostnames = true;
  t.deepEqual(await shown(), {
    addr: arrayOf(bulk('redis-0'), bulk('6379')),
    master: [bulk('m'), bulk('redis-0')],
    replica: [bulk('redis-1:6380'), bulk('redis-1'), bulk('redis-0')],
    info: 'redis-0:6379',
  });
  h.state.announceHostnames = false;
  t.deepEqual(await shown(), {
    addr: arrayOf(bulk('10.1.0.1'), bulk('6379')),
    master: [bulk('m'), bulk('10.1.0.1')],
    // master-host is what the replica's INFO says, shown as it is (sentinel.c too)
    replica: [bulk('10.1.0.2:6380'), bulk('10.1.0.2'), bulk('redis-0')],
    info: '10.1.0.1:6379',
  });
  // the promoted replica's address is the current one: its IP too
  replica.flags |= SRI.PROMOTED;
  master.failoverState = 'reconf_slaves';
  t.deepEqual(one(await h.run('sentinel', 'get-master-addr-by-name', 'm')), arrayOf(bulk('10.1.0.2'), bulk('6380')));
  // a name no shard resolved yet is shown as it is
  master.failoverState = 'none';
  master.addr = { host: 'redis-0', port: 6379 };
  t.deepEqual(one(await h.run('sentinel', 'get-master-addr-by-name', 'm')), arrayOf(bulk('redis-0'), bulk('6379')));
});

test('announce-hostnames: events the main thread publishes (+reset-master, +set) show the IP with no', async (t) => {
  const { h } = named();
  h.state.announceHostnames = false;
  await h.run('sentinel', 'set', 'm', 'quorum', '2');
  await h.run('sentinel', 'reset', 'm');
  h.state.announceHostnames = true;
  await h.run('sentinel', 'reset', 'm');
  t.deepEqual(h.events.map((e) => `${e.type} ${e.text}`), [
    '+set master m 10.1.0.1 6379 quorum 2',
    '+reset-master master m 10.1.0.1 6379',
    '+reset-master master m redis-0 6379',
  ]);
});
