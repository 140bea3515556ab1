import test from 'ava';
import type { VoteAnswer } from '../../../../src/actors/coordinator.js';
import { pendingScriptsReply } from '../../../../src/commands/sentinel/pending-scripts.js';
import { array, arrayOf, bulk, bulkMap, err, int, map, nullBulk, ok, simple } from '../../../../src/resp/reply.js';
import { SRI } from '../../../../src/sentinel/instance.js';
import { addKnownReplica, addKnownSentinel, createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

function setup(quorum = 2) {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, quorum, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  return { h, master: created.value };
}

const peer = (n: number) => String(n).repeat(40).slice(0, 40);

test('sentinel reset: glob over names, case-sensitive; clears learned state and emits +reset-master', async (t) => {
  const { h } = setup();
  let master = h.state.masters.get('mymaster')!;
  createMaster(h.state, 'other', '10.0.0.1', 6379, 1, h.clock.monotonic());
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, peer(1), h.clock.monotonic());
  master.flags |= SRI.S_DOWN | SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS | SRI.MASTER_REBOOT;
  master.failoverState = 'wait_promotion';
  master.leader = peer(2);
  master.leaderEpoch = 5;
  master.runid = 'f'.repeat(40);
  master.roleReported = 'slave';
  master.link.disconnected = false;
  master.link.pendingCommands = 4;
  h.clock.advance(5000);

  t.deepEqual(one(await h.run('sentinel', 'reset', 'MY*')), int(0));
  t.deepEqual(one(await h.run('sentinel', 'reset', 'my*')), int(1));
  const now = h.clock.monotonic();
  master = h.state.masters.get('mymaster')!;
  t.is(master.replicas.size, 0);
  t.is(master.sentinels.size, 0);
  t.is(master.flags, SRI.MASTER);
  t.is(master.failoverState, 'none');
  t.is(master.leader, null);
  t.is(master.runid, null);
  t.is(master.roleReported, 'master');
  t.is(master.roleReportedTime, now);
  t.is(master.link.actPingTime, now);
  t.is(master.link.lastPongTime, now);
  t.is(master.link.lastAvailTime, now);
  t.is(master.link.lastPingTime, 0);
  t.true(master.link.disconnected);
  t.is(master.link.pendingCommands, 0);
  t.deepEqual(h.events.map((e) => `${e.level} ${e.type} ${e.text}`), ['warning +reset-master master mymaster 127.0.0.1 16379']);
  t.deepEqual(h.monitors.calls, ['masterReset:mymaster']);
  t.is(h.saves, 0);
  t.deepEqual(one(await h.run('sentinel', 'reset', '*')), int(2));
});

test('sentinel failover: replies no such master without asking any owner when the name is unknown', async (t) => {
  const { h } = setup();
  const noSuch = err('ERR No such master with that name');
  t.deepEqual(one(await h.run('sentinel', 'failover', 'nope')), noSuch);
  // names are case-sensitive, and the name is checked before the option
  t.deepEqual(one(await h.run('sentinel', 'failover', 'MYMASTER')), noSuch);
  t.deepEqual(one(await h.run('sentinel', 'failover', 'nope', 'sideways')), noSuch);
  t.deepEqual(one(await h.run('sentinel', 'failover', 'nope', 'coordinated')), noSuch);
  t.deepEqual(h.monitors.calls, []);
});

test("sentinel failover: asks the master's owner and replies +OK when it starts the failover", async (t) => {
  const { h, master } = setup();
  createMaster(h.state, 'other', '10.0.0.1', 6379, 1, h.clock.monotonic());
  h.monitors.failoverReply = 'OK';
  t.deepEqual(one(await h.run('sentinel', 'FAILOVER', 'mymaster')), ok);
  t.deepEqual(h.monitors.calls, ['userFailover:mymaster']);
  // the owner runs the failover: the main thread's mirror, events and config are left alone
  t.is(h.state.currentEpoch, 0);
  t.is(master.flags, SRI.MASTER);
  t.deepEqual(h.events, []);
  t.is(h.saves, 0);
});

test("sentinel failover: maps the owner's INPROG and NOGOODSLAVE to their errors, and an unreachable owner to NOGOODSLAVE", async (t) => {
  const cases = [
    ['INPROG', err('INPROG Failover already in progress')],
    ['NOGOODSLAVE', err('NOGOODSLAVE No suitable replica to promote')],
    [null, err('NOGOODSLAVE No suitable replica to promote')],
  ] as const;
  for (const [answer, reply] of cases) {
    const { h } = setup();
    h.monitors.failoverReply = answer;
    t.deepEqual(one(await h.run('sentinel', 'failover', 'mymaster')), reply, `owner answers ${answer}`);
    t.deepEqual(h.monitors.calls, ['userFailover:mymaster'], `owner answers ${answer}`);
  }
});

test('sentinel failover: COORDINATED is parsed as Valkey 9 does, before the owner is asked', async (t) => {
  const { h } = setup();
  // an INPROG from the owner would show if it were asked before the option is checked
  h.monitors.failoverReply = 'INPROG';
  t.deepEqual(one(await h.run('sentinel', 'failover', 'mymaster', 'sideways')), err('ERR Unknown failover option specified'));
  t.deepEqual(h.monitors.calls, []);
});

test('sentinel failover: COORDINATED and SAFE ask the owner for a coordinated failover and relay its refusal', async (t) => {
  const { h } = setup();
  h.monitors.failoverReply = 'OK';
  t.deepEqual(one(await h.run('sentinel', 'failover', 'mymaster', 'Coordinated')), ok);
  t.deepEqual(one(await h.run('sentinel', 'failover', 'mymaster', 'safe')), ok);
  const refused = 'ERR coordinated failover needs Redis 6.2 or later on the master (it runs 6.0.16)';
  h.monitors.failoverReply = { refused };
  t.deepEqual(one(await h.run('sentinel', 'failover', 'mymaster', 'SAFE')), err(refused));
  t.deepEqual(h.monitors.calls, Array(3).fill('userFailover:mymaster:{"coordinated":true}'));
  t.is(h.state.currentEpoch, 0);
});

test('sentinel switchover: checks the master name and the port here, the rest in the owner', async (t) => {
  const { h } = setup();
  t.deepEqual(one(await h.run('sentinel', 'switchover', 'nope', '127.0.0.1', '6380')), err('ERR No such master with that name'));
  t.deepEqual(one(await h.run('sentinel', 'switchover', 'mymaster', '127.0.0.1', 'x')), err('ERR Invalid port'));
  t.deepEqual(h.monitors.calls, []);
  h.monitors.failoverReply = 'INPROG';
  t.deepEqual(one(await h.run('sentinel', 'switchover', 'mymaster', '127.0.0.1', '6380')), err('INPROG Failover already in progress'));
  h.monitors.failoverReply = { refused: 'ERR No such replica with that address' };
  t.deepEqual(one(await h.run('sentinel', 'switchover', 'mymaster', '10.0.0.9', '6380')), err('ERR No such replica with that address'));
  h.monitors.failoverReply = 'OK';
  t.deepEqual(one(await h.run('sentinel', 'switchover', 'mymaster', '127.0.0.1', '6380')), ok);
  t.is(h.monitors.calls.at(-1), 'userFailover:mymaster:{"coordinated":true,"target":{"host":"127.0.0.1","port":6380}}');
});

test('sentinel ckquorum: OK as a status line when quorum and majority are reachable', async (t) => {
  const { h, master } = setup(2);
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, peer(1), h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26381, peer(2), h.clock.monotonic());
  t.deepEqual(
    one(await h.run('sentinel', 'ckquorum', 'mymaster')),
    simple('OK 3 usable Sentinels. Quorum and failover authorization can be reached'),
  );
});

test('sentinel ckquorum: NOQUORUM names the quorum, the majority, or both', async (t) => {
  const { h, master } = setup(2);
  t.deepEqual(
    one(await h.run('sentinel', 'ckquorum', 'mymaster')),
    err('NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master'),
  );
  master.quorum = 1;
  for (const n of [1, 2, 3]) addKnownSentinel(h.state, master, '127.0.0.1', 26380 + n, peer(n), h.clock.monotonic());
  for (const n of [1, 2]) master.sentinels.get(peer(n))!.flags |= SRI.S_DOWN;
  t.deepEqual(
    one(await h.run('sentinel', 'ckquorum', 'mymaster')),
    err('NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover'),
  );
  master.quorum = 3;
  t.deepEqual(
    one(await h.run('sentinel', 'ckquorum', 'mymaster')),
    err(
      'NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. ' +
        'Not enough available Sentinels to reach the majority and authorize a failover',
    ),
  );
  t.deepEqual(one(await h.run('sentinel', 'ckquorum', 'nope')), err('ERR No such master with that name'));
});

/** A vote answer from the master's owner, the empty one unless overridden. */
const vote = (over: Partial<VoteAnswer> = {}): VoteAnswer => ({ down: 0, leader: '*', leaderEpoch: 0, currentEpoch: 0, mustFlush: false, ...over });
const EMPTY = arrayOf(int(0), bulk('*'), int(0));

test('sentinel is-master-down-by-addr: replies the empty answer without asking any owner when no master has the address', async (t) => {
  const { h } = setup();
  h.state.resolveHostnames = true;
  createMaster(h.state, 'host', 'redis.local', 7001, 1, h.clock.monotonic());
  h.state.resolveHostnames = false;
  // what the owner would answer if it were asked
  h.monitors.vote = vote({ down: 1, leader: peer(7), leaderEpoch: 5 });
  const misses: [string, string][] = [
    ['1.1.1.1', '16379'], // unknown IP
    ['127.0.0.1', '16380'], // right IP, wrong port
    ['mymaster', '16379'], // a name is not an address
    ['127.0.0.1', '81915'], // 16379 + 65536: out of range, not wrapped
    ['127.0.0.1', '-1'],
    ['redis.local', '7001'], // a hostname needs resolve-hostnames
  ];
  for (const [host, port] of misses) {
    t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', host, port, '0', peer(8))), EMPTY, `${host} ${port}`);
  }
  t.deepEqual(h.monitors.calls, []);
});

test('sentinel is-master-down-by-addr: finds the master by address and passes the request epoch and run id as sent', async (t) => {
  const { h } = setup();
  createMaster(h.state, 'seven', '127.0.0.1', 7000, 1, h.clock.monotonic());
  createMaster(h.state, 'six', '::1', 7000, 1, h.clock.monotonic());
  h.state.resolveHostnames = true;
  createMaster(h.state, 'host', 'Redis.Local', 7001, 1, h.clock.monotonic());
  await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '7000', '5', peer(8));
  await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '0', '*');
  // IPv6 compared in canonical form
  await h.run('sentinel', 'is-master-down-by-addr', '0:0:0:0:0:0:0:1', '7000', '12', 'ABCDEF');
  // a hostname, with resolve-hostnames, compared ignoring case
  await h.run('sentinel', 'is-master-down-by-addr', 'redis.local', '7001', '-1', peer(9));
  t.deepEqual(h.monitors.calls, [
    `isMasterDownByAddr:seven:5:${peer(8)}`,
    'isMasterDownByAddr:mymaster:0:*',
    'isMasterDownByAddr:six:12:ABCDEF',
    `isMasterDownByAddr:host:-1:${peer(9)}`,
  ]);
});

test("sentinel is-master-down-by-addr: replies the owner's down flag, vote and vote epoch, under both spellings", async (t) => {
  const { h } = setup();
  // the current epoch is not part of the reply: only the epoch of the vote held
  h.monitors.vote = vote({ down: 1, leader: peer(7), leaderEpoch: 5, currentEpoch: 9 });
  const expected = arrayOf(int(1), bulk(peer(7)), int(5));
  t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '5', peer(8))), expected);
  t.deepEqual(one(await h.run('sentinel', 'is-primary-down-by-addr', '127.0.0.1', '16379', '5', peer(8))), expected);
  h.monitors.vote = vote({ down: 0, leader: peer(3), leaderEpoch: 2, currentEpoch: 2 });
  t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '2', peer(3))), arrayOf(int(0), bulk(peer(3)), int(2)));
  t.is(h.monitors.calls.length, 3);
  t.is(h.saves, 0);
});

test("sentinel is-master-down-by-addr: replies the empty answer when the master's owner is unreachable", async (t) => {
  const { h } = setup();
  h.monitors.vote = null;
  t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '3', peer(8))), EMPTY);
  t.deepEqual(h.monitors.calls, [`isMasterDownByAddr:mymaster:3:${peer(8)}`]);
  t.is(h.saves, 0);
});

test('sentinel is-master-down-by-addr: the reply waits for the config save when the owner says the vote must be flushed', async (t) => {
  const { h } = setup();
  h.monitors.vote = vote({ leader: peer(8), leaderEpoch: 6, currentEpoch: 6, mustFlush: true });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const saveConfig = h.sentinel.saveConfig.bind(h.sentinel);
  (h.sentinel as { saveConfig: () => Promise<void> }).saveConfig = async () => {
    await gate;
    await saveConfig();
  };
  let replied = false;
  const pending = h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '6', peer(8)).then((r) => {
    replied = true;
    return r;
  });
  await new Promise((resolve) => setImmediate(resolve));
  t.false(replied, 'no reply while the save is pending');
  t.is(h.saves, 0);
  release();
  t.deepEqual(one(await pending), arrayOf(int(0), bulk(peer(8)), int(6)));
  t.is(h.saves, 1);
});

test('sentinel is-master-down-by-addr: still replies the vote when the flush fails', async (t) => {
  const { h } = setup();
  h.monitors.vote = vote({ down: 1, leader: peer(8), leaderEpoch: 6, currentEpoch: 6, mustFlush: true });
  h.failSaves = true;
  t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '6', peer(8))), arrayOf(int(1), bulk(peer(8)), int(6)));
  t.is(h.saves, 1);
});

test('sentinel is-master-down-by-addr: port and epoch must be integers as Redis parses them, before any lookup', async (t) => {
  const { h } = setup();
  const notInt = err('ERR value is not an integer or out of range');
  for (const bad of ['x', '+16379', '016379', ' 16379', '16379.0', '']) {
    t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', bad, '0', '*')), notInt, `port ${JSON.stringify(bad)}`);
  }
  for (const bad of ['y', '+1', '01', '1.5', '99999999999999999999']) {
    t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', bad, '*')), notInt, `epoch ${JSON.stringify(bad)}`);
  }
  // an unknown address does not hide a bad epoch
  t.deepEqual(one(await h.run('sentinel', 'is-master-down-by-addr', '1.1.1.1', '1', 'y', '*')), notInt);
  t.deepEqual(h.monitors.calls, []);
});

test('sentinel info-cache: named masters once, unknown skipped, replica age quirk kept', async (t) => {
  const { h, master } = setup();
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  const replica = master.replicas.get('127.0.0.1:16380')!;
  t.deepEqual(
    one(await h.run('sentinel', 'info-cache', 'mymaster', 'nope', 'mymaster')),
    arrayOf(bulk('mymaster'), arrayOf(arrayOf(int(0), nullBulk), arrayOf(int(0), nullBulk))),
  );
  master.infoRefresh = h.clock.monotonic();
  master.info = '# Replication\r\nrole:master\r\n';
  h.clock.advance(250);
  const now = h.clock.monotonic();
  // the replica never answered: its age is now - 0, as sentinel.c computes it
  t.deepEqual(
    one(await h.run('sentinel', 'info-cache', 'mymaster')),
    arrayOf(bulk('mymaster'), arrayOf(arrayOf(int(250), bulk(master.info)), arrayOf(int(now), nullBulk))),
  );
  replica.infoRefresh = now - 40;
  replica.info = 'role:slave\r\n';
  t.deepEqual(
    one(await h.run('sentinel', 'info-cache', 'mymaster')),
    arrayOf(bulk('mymaster'), arrayOf(arrayOf(int(250), bulk(master.info)), arrayOf(int(40), bulk('role:slave\r\n')))),
  );
  t.deepEqual(one(await h.run('sentinel', 'info-cache', 'nope')), array([]));
});

test('sentinel simulate-failure: flags set left to right, HELP answers at once, unknown stops', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'simulate-failure', 'CRASH-AFTER-ELECTION', 'crash-after-promotion')), ok);
  t.is(h.state.simFailureFlags, 3);
  t.is(h.logs.length, 2);
  t.deepEqual(one(await h.run('sentinel', 'simulate-failure', 'crash-after-promotion', 'bogus')), err('ERR Unknown failure simulation specified'));
  t.is(h.state.simFailureFlags, 2);
  t.deepEqual(
    one(await h.run('sentinel', 'simulate-failure', 'crash-after-election', 'help')),
    arrayOf(bulk('crash-after-election'), bulk('crash-after-promotion')),
  );
  t.is(h.state.simFailureFlags, 1);
});

test('sentinel simulate-failure: the flags reach the monitors before the reply, every time', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'simulate-failure', 'crash-after-election')), ok);
  t.deepEqual(h.monitors.calls, ['syncGlobals']);
  t.deepEqual(one(await h.run('sentinel', 'simulate-failure', 'bogus')), err('ERR Unknown failure simulation specified'));
  t.deepEqual(h.monitors.calls, ['syncGlobals', 'syncGlobals'], 'cleared flags too');
});

test('sentinel debug: the 13 timers, upper-case, in Redis order', async (t) => {
  const h = harness();
  t.deepEqual(
    one(await h.run('sentinel', 'debug')),
    bulkMap([
      ['INFO-PERIOD', '10000'],
      ['PING-PERIOD', '1000'],
      ['ASK-PERIOD', '1000'],
      ['PUBLISH-PERIOD', '2000'],
      ['DEFAULT-DOWN-AFTER', '30000'],
      ['DEFAULT-FAILOVER-TIMEOUT', '180000'],
      ['TILT-TRIGGER', '2000'],
      ['TILT-PERIOD', '30000'],
      ['SLAVE-RECONF-TIMEOUT', '10000'],
      ['MIN-LINK-RECONNECT-PERIOD', '15000'],
      ['ELECTION-TIMEOUT', '10000'],
      ['SCRIPT-MAX-RUNTIME', '60000'],
      ['SCRIPT-RETRY-DELAY', '30000'],
    ]),
  );
});

test('sentinel debug: pairs applied left to right; an error stops there and keeps what was set', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'debug', 'INFO-PERIOD', '500', 'default-down-after', '2000')), ok);
  t.is(h.state.timings.infoPeriod, 500);
  t.is(h.state.timings.defaultDownAfter, 2000);
  t.deepEqual(
    one(await h.run('sentinel', 'debug', 'ping-period', '300', 'tilt-period', '0')),
    err("ERR Invalid argument '0' for SENTINEL DEBUG 'tilt-period'"),
  );
  t.is(h.state.timings.pingPeriod, 300);
  t.deepEqual(one(await h.run('sentinel', 'debug', 'foo', '1')), err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'foo'"));
  t.deepEqual(one(await h.run('sentinel', 'debug', 'ask-period')), err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'ask-period'"));
  t.deepEqual(one(await h.run('sentinel', 'debug', 'ask-period', 'x')), err("ERR Invalid argument 'x' for SENTINEL DEBUG 'ask-period'"));
  // masters created later take the new default
  t.deepEqual(one(await h.run('sentinel', 'monitor', 'm', '127.0.0.1', '6379', '1')), ok);
  t.is(h.state.masters.get('m')!.downAfterPeriod, 2000);
  t.is(h.saves, 1);
});

test('sentinel pending-scripts: an empty array while nothing is queued', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'pending-scripts')), array([]));
});

test('sentinel pending-scripts: five fields per job, run-time when running, run-delay otherwise', (t) => {
  const jobs = [
    { argv: ['/bin/notify', '+sdown', 'master m 1.2.3.4 6379'], running: true, pid: 4242, startTime: 1000, retryNum: 1 },
    { argv: ['/bin/notify', '-sdown'], running: false, pid: 0, startTime: 9000, retryNum: 2 },
    { argv: ['/bin/reconf'], running: false, pid: 0, startTime: 0, retryNum: 0 },
    { argv: ['/bin/late'], running: false, pid: 0, startTime: 100, retryNum: 3 },
  ];
  t.deepEqual(
    pendingScriptsReply(jobs, 5000),
    array([
      map([
        ['argv', arrayOf(bulk('/bin/notify'), bulk('+sdown'), bulk('master m 1.2.3.4 6379'))],
        ['flags', bulk('running')],
        ['pid', bulk('4242')],
        ['run-time', bulk('4000')],
        ['retry-num', bulk('1')],
      ]),
      map([
        ['argv', arrayOf(bulk('/bin/notify'), bulk('-sdown'))],
        ['flags', bulk('scheduled')],
        ['pid', bulk('0')],
        ['run-delay', bulk('4000')],
        ['retry-num', bulk('2')],
      ]),
      map([['argv', arrayOf(bulk('/bin/reconf'))], ['flags', bulk('scheduled')], ['pid', bulk('0')], ['run-delay', bulk('0')], ['retry-num', bulk('0')]]),
      map([['argv', arrayOf(bulk('/bin/late'))], ['flags', bulk('scheduled')], ['pid', bulk('0')], ['run-delay', bulk('0')], ['retry-num', bulk('3')]]),
    ]),
  );
});

test('sentinel help: status lines, usage first and HELP last', async (t) => {
  const h = harness();
  const r = one(await h.run('sentinel', 'help'));
  if (r.t !== 'array') return t.fail();
  t.deepEqual(r.items[0], simple('SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'));
  t.deepEqual(r.items.slice(-2), [simple('HELP'), simple('    Prints this help.')]);
  t.true(r.items.every((i) => i.t === 'simple'));
});

test('sentinel help: runs without authentication checks beyond the usual ones', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'HELP')).t, 'array');
});
