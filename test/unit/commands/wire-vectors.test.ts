/**
 * Reply bytes compared with what a real Redis 7.0.15 sentinel (Debian's redis-sentinel) sent for
 * the same request, captured once over a raw socket (redis-sentinel started with `port N` and
 * `sentinel monitor mymaster 127.0.0.1 16379 2`, nothing listening on 16379). Each vector notes
 * how it was adapted where Argus follows Redis 7.2 / Valkey 9 on purpose.
 */
import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { createMaster } from '../../../src/sentinel/state.js';
import { REDIS_COMPAT_VERSION } from '../../../src/version.js';
import { harness, wire } from '../../helpers/fake-context.js';

function withMaster(quorum = 2) {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, quorum, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  return { h, master: created.value };
}

/** Exact vectors: request, protocol, bytes from redis-sentinel 7.0.15. */
const EXACT: [string[], 2 | 3, string][] = [
  [['GET', 'x', 'y'], 2, "-ERR unknown command 'GET', with args beginning with: 'x' 'y' \r\n"],
  [['foo'], 2, "-ERR unknown command 'foo', with args beginning with: \r\n"],
  [['foo', 'a\r\nb'], 2, "-ERR unknown command 'foo', with args beginning with: 'a  b' \r\n"],
  [['sentinel', 'foo'], 2, "-ERR unknown subcommand 'foo'. Try SENTINEL HELP.\r\n"],
  [['sentinel', 'foo\nbar'], 2, "-ERR unknown subcommand 'foo bar'. Try SENTINEL HELP.\r\n"],
  [['sentinel'], 2, "-ERR wrong number of arguments for 'sentinel' command\r\n"],
  [['sentinel', 'master'], 2, "-ERR wrong number of arguments for 'sentinel|master' command\r\n"],
  [['SENTINEL', 'MYID', 'x'], 2, "-ERR wrong number of arguments for 'sentinel|myid' command\r\n"],
  [['sentinel', 'info-cache'], 2, "-ERR wrong number of arguments for 'sentinel|info-cache' command\r\n"],
  [['ping', 'a', 'b'], 2, "-ERR wrong number of arguments for 'ping' command\r\n"],
  [['ROLE', 'x'], 2, "-ERR wrong number of arguments for 'role' command\r\n"],
  [['sentinel', 'get-master-addr-by-name', 'nope'], 2, '*-1\r\n'],
  [['sentinel', 'get-master-addr-by-name', 'nope'], 3, '_\r\n'],
  [['sentinel', 'get-master-addr-by-name', 'mymaster'], 2, '*2\r\n$9\r\n127.0.0.1\r\n$5\r\n16379\r\n'],
  [['sentinel', 'failover', 'nope'], 2, '-ERR No such master with that name\r\n'],
  [['sentinel', 'failover', 'mymaster'], 2, '-NOGOODSLAVE No suitable replica to promote\r\n'],
  [
    ['sentinel', 'ckquorum', 'mymaster'],
    2,
    '-NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master\r\n',
  ],
  [['sentinel', 'pending-scripts'], 2, '*0\r\n'],
  [['sentinel', 'slaves', 'mymaster'], 2, '*0\r\n'],
  [['sentinel', 'reset', 'nomatch*'], 2, ':0\r\n'],
  [['sentinel', 'info-cache', 'mymaster', 'nope', 'mymaster'], 2, '*2\r\n$8\r\nmymaster\r\n*1\r\n*2\r\n:0\r\n$-1\r\n'],
  [['sentinel', 'simulate-failure', 'help'], 2, '*2\r\n$20\r\ncrash-after-election\r\n$21\r\ncrash-after-promotion\r\n'],
  [['sentinel', 'simulate-failure', 'foo'], 2, '-ERR Unknown failure simulation specified\r\n'],
  [['sentinel', 'debug', 'foo'], 2, "-ERR Unknown option or number of arguments for SENTINEL DEBUG 'foo'\r\n"],
  [['sentinel', 'debug', 'info-period', '0'], 2, "-ERR Invalid argument '0' for SENTINEL DEBUG 'info-period'\r\n"],
  [['sentinel', 'is-master-down-by-addr', '127.0.0.1', 'x', '0', '*'], 2, '-ERR value is not an integer or out of range\r\n'],
  [['sentinel', 'is-master-down-by-addr', '1.1.1.1', '16379', '0', '*'], 2, '*3\r\n:0\r\n$1\r\n*\r\n:0\r\n'],
  [['sentinel', 'monitor', 'm2', '127.0.0.1', 'x', 'y'], 2, '-ERR Invalid quorum\r\n'],
  [['sentinel', 'monitor', 'm2', '127.0.0.1', 'x', '2'], 2, '-ERR Invalid port\r\n'],
  [['sentinel', 'monitor', 'm2', '127.0.0.1', '6379', '0'], 2, '-ERR Quorum must be 1 or greater.\r\n'],
  [['sentinel', 'monitor', 'm2', 'localhost', '6379', '1'], 2, '-ERR Invalid IP address or hostname specified\r\n'],
  [['sentinel', 'monitor', 'mymaster', '127.0.0.1', '6379', '1'], 2, '-ERR Duplicate master name.\r\n'],
  [['sentinel', 'monitor', 'mymaster', '127.0.0.1', '70000', '1'], 2, '-ERR Invalid port number.\r\n'],
  [['sentinel', 'set', 'nope', 'quorum', '1'], 2, '-ERR No such master with that name\r\n'],
  [['sentinel', 'set', 'mymaster', 'quorum', '0'], 2, "-ERR Invalid argument '0' for SENTINEL SET 'quorum'\r\n"],
  [['sentinel', 'set', 'mymaster', 'quorum', '01'], 2, "-ERR Invalid argument '01' for SENTINEL SET 'quorum'\r\n"],
  [
    ['sentinel', 'set', 'mymaster', 'quorum', '2', 'foo', '1'],
    2,
    "-ERR Unknown option or number of arguments for SENTINEL SET 'foo'\r\n",
  ],
  [
    ['sentinel', 'set', 'mymaster', 'notification-script', '/bin/true'],
    2,
    '-ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration\r\n',
  ],
  [['sentinel', 'set', 'mymaster', 'rename-command', 'CONFIG', ''], 2, "-ERR Invalid argument '' for SENTINEL SET 'rename-command'\r\n"],
  [
    ['sentinel', 'set', 'mymaster', 'master-reboot-down-after-period', '-1'],
    2,
    "-ERR Invalid argument '-1' for SENTINEL SET 'master-reboot-down-after-period'\r\n",
  ],
  [['sentinel', 'remove', 'nope'], 2, '-ERR No such master with that name\r\n'],
  [['sentinel', 'config', 'set', 'announce-port', 'x'], 2, "-ERR Invalid value 'x' to SENTINEL CONFIG SET 'announce-port'\r\n"],
  [['sentinel', 'config', 'set', 'foo', 'x'], 2, "-ERR Invalid argument 'foo' to SENTINEL CONFIG SET\r\n"],
  [
    ['sentinel', 'config', 'get', 'ANNOUNCE*'],
    2,
    '*6\r\n$18\r\nannounce-hostnames\r\n$2\r\nno\r\n$11\r\nannounce-ip\r\n$0\r\n\r\n$13\r\nannounce-port\r\n$1\r\n0\r\n',
  ],
  [
    ['sentinel', 'debug'],
    3,
    '%13\r\n$11\r\nINFO-PERIOD\r\n$5\r\n10000\r\n$11\r\nPING-PERIOD\r\n$4\r\n1000\r\n$10\r\nASK-PERIOD\r\n$4\r\n1000\r\n' +
      '$14\r\nPUBLISH-PERIOD\r\n$4\r\n2000\r\n$18\r\nDEFAULT-DOWN-AFTER\r\n$5\r\n30000\r\n$24\r\nDEFAULT-FAILOVER-TIMEOUT\r\n' +
      '$6\r\n180000\r\n$12\r\nTILT-TRIGGER\r\n$4\r\n2000\r\n$11\r\nTILT-PERIOD\r\n$5\r\n30000\r\n$20\r\nSLAVE-RECONF-TIMEOUT\r\n' +
      '$5\r\n10000\r\n$25\r\nMIN-LINK-RECONNECT-PERIOD\r\n$5\r\n15000\r\n$16\r\nELECTION-TIMEOUT\r\n$5\r\n10000\r\n' +
      '$18\r\nSCRIPT-MAX-RUNTIME\r\n$5\r\n60000\r\n$18\r\nSCRIPT-RETRY-DELAY\r\n$5\r\n30000\r\n',
  ],
  [['ROLE'], 2, '*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n'],
  [['PING'], 2, '+PONG\r\n'],
  [['PUBLISH', '__sentinel__:hello', 'b'], 2, ':1\r\n'],
  [['PUBLISH', 'a', 'b'], 2, '-ERR Only HELLO messages are accepted by Sentinel instances.\r\n'],
  [['PUBLISH', '__SENTINEL__:hello', 'b'], 2, '-ERR Only HELLO messages are accepted by Sentinel instances.\r\n'],
  [['UNSUBSCRIBE'], 2, '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n'],
  [['UNSUBSCRIBE'], 3, '>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n'],
  [['PUNSUBSCRIBE'], 2, '*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n'],
  [['UNSUBSCRIBE', 'a'], 2, '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n'],
  [
    ['SUBSCRIBE', 'a', 'b', 'a'],
    2,
    '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n',
  ],
  [['SUBSCRIBE', 'a'], 3, '>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n'],
  [['AUTH', 'x'], 2, '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n'],
  [['AUTH', 'default', 'x'], 2, '+OK\r\n'],
  [['AUTH', 'bob', 'x'], 2, '-WRONGPASS invalid username-password pair or user is disabled.\r\n'],
  [['AUTH', 'a', 'b', 'c'], 2, '-ERR syntax error\r\n'],
  [['HELLO', '4'], 2, '-NOPROTO unsupported protocol version\r\n'],
  [['HELLO', 'abc'], 2, '-ERR Protocol version is not an integer or out of range\r\n'],
  [['HELLO', '3', 'foo'], 2, "-ERR Syntax error in HELLO option 'foo'\r\n"],
  [['HELLO', '3', 'SETNAME', 'a b'], 2, '-ERR Client names cannot contain spaces, newlines or special characters.\r\n'],
  [['SHUTDOWN', 'foo'], 2, '-ERR syntax error\r\n'],
  [['SHUTDOWN', 'ABORT'], 2, '-ERR No shutdown in progress.\r\n'],
  [['CLIENT', 'foo'], 2, "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n"],
  [['CLIENT'], 2, "-ERR wrong number of arguments for 'client' command\r\n"],
  [['CLIENT', 'ID', 'x'], 2, "-ERR wrong number of arguments for 'client|id' command\r\n"],
  [['CLIENT', 'LIST', 'TYPE', 'foo'], 2, "-ERR Unknown client type 'foo'\r\n"],
  [['CLIENT', 'LIST', 'ID', '1', 'x'], 2, '-ERR Invalid client ID\r\n'],
  [['CLIENT', 'LIST', 'ID', '99'], 2, '$0\r\n\r\n'],
  [['CLIENT', 'LIST', 'foo'], 2, '-ERR syntax error\r\n'],
  [['CLIENT', 'KILL', '1.2.3.4:5'], 2, '-ERR No such client\r\n'],
  [['CLIENT', 'KILL', 'ID', '0'], 2, '-ERR client-id should be greater than 0\r\n'],
  [['CLIENT', 'KILL', 'ID', '99'], 2, ':0\r\n'],
  [['CLIENT', 'KILL', 'USER', 'bob'], 2, "-ERR No such user 'bob'\r\n"],
  [['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'no'], 2, ':0\r\n'],
  [['CLIENT', 'SETNAME', 'a b'], 2, '-ERR Client names cannot contain spaces, newlines or special characters.\r\n'],
  [['CLIENT', 'GETNAME'], 2, '$-1\r\n'],
  [['CLIENT', 'TRACKINGINFO'], 2, '*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n'],
  [['CLIENT', 'GETREDIR'], 2, ':-1\r\n'],
  [['CLIENT', 'UNBLOCK', '5'], 2, ':0\r\n'],
  [['CLIENT', 'PAUSE', 'x'], 2, '-ERR timeout is not an integer or out of range\r\n'],
  [['CLIENT', 'PAUSE', '1', '2', '3'], 2, "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n"],
  [
    ['COMMAND', 'INFO', 'ping', 'foo'],
    2,
    '*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n' +
      '*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n$-1\r\n',
  ],
  [
    ['COMMAND', 'INFO', 'client|id'],
    2,
    '*1\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n',
  ],
  [
    ['COMMAND', 'INFO', 'sentinel|masters'],
    2,
    '*1\r\n*10\r\n$16\r\nsentinel|masters\r\n:2\r\n*1\r\n+admin\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n',
  ],
  [['COMMAND', 'GETKEYS', 'foo', 'x'], 2, '-ERR Invalid command specified\r\n'],
  [['COMMAND', 'GETKEYS', 'ping', 'x'], 2, '-ERR The command has no key arguments\r\n'],
  [['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'], 2, '*0\r\n'],
  [['COMMAND', 'foo'], 2, "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n"],
];

test('wire: replies byte-identical to redis-sentinel 7.0.15', async (t) => {
  for (const [argv, proto, bytes] of EXACT) {
    const { h } = withMaster();
    // the captured mymaster had no replica: its owner answers SENTINEL FAILOVER with NOGOODSLAVE
    h.monitors.failoverReply = 'NOGOODSLAVE';
    h.client.resp = proto;
    t.is(wire(await h.run(...argv), proto), bytes, `${argv.join(' ')} (RESP${proto})`);
  }
});

test('wire: SENTINEL MASTER in RESP2 and RESP3 as redis-sentinel 7.0.15 sends it', async (t) => {
  const body = (age: number) =>
    '$4\r\nname\r\n$8\r\nmymaster\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n16379\r\n$5\r\nrunid\r\n$0\r\n\r\n' +
    '$5\r\nflags\r\n$19\r\nmaster,disconnected\r\n$21\r\nlink-pending-commands\r\n$1\r\n3\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n' +
    `$14\r\nlast-ping-sent\r\n$3\r\n${age}\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n${age}\r\n$15\r\nlast-ping-reply\r\n$3\r\n${age}\r\n` +
    '$23\r\ndown-after-milliseconds\r\n$5\r\n30000\r\n$12\r\ninfo-refresh\r\n$1\r\n0\r\n$13\r\nrole-reported\r\n$6\r\nmaster\r\n' +
    `$18\r\nrole-reported-time\r\n$3\r\n${age}\r\n$12\r\nconfig-epoch\r\n$1\r\n0\r\n$10\r\nnum-slaves\r\n$1\r\n0\r\n` +
    '$19\r\nnum-other-sentinels\r\n$1\r\n0\r\n$6\r\nquorum\r\n$1\r\n3\r\n$16\r\nfailover-timeout\r\n$6\r\n180000\r\n' +
    '$14\r\nparallel-syncs\r\n$1\r\n1\r\n';
  for (const [proto, age, head] of [[2, 150, '*40\r\n'], [3, 452, '%20\r\n']] as const) {
    const { h, master } = withMaster(3);
    master.link.pendingCommands = 3;
    h.clock.advance(age);
    t.is(wire(await h.run('sentinel', 'master', 'mymaster'), proto), head + body(age));
  }
});

test('wire: SENTINEL MASTER of a master in SDOWN as redis-sentinel 7.0.15 sends it', async (t) => {
  const { h, master } = withMaster(2);
  master.link.pendingCommands = 3;
  h.clock.advance(30075);
  master.flags |= SRI.S_DOWN;
  master.sdownSinceTime = h.clock.monotonic();
  h.clock.advance(102505);
  t.is(
    wire(await h.run('sentinel', 'master', 'mymaster'), 2),
    '*42\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n16379\r\n$5\r\nrunid\r\n$0\r\n\r\n' +
      '$5\r\nflags\r\n$26\r\ns_down,master,disconnected\r\n$21\r\nlink-pending-commands\r\n$1\r\n3\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n' +
      '$14\r\nlast-ping-sent\r\n$6\r\n132580\r\n$18\r\nlast-ok-ping-reply\r\n$6\r\n132580\r\n$15\r\nlast-ping-reply\r\n$6\r\n132580\r\n' +
      '$11\r\ns-down-time\r\n$6\r\n102505\r\n$23\r\ndown-after-milliseconds\r\n$5\r\n30000\r\n$12\r\ninfo-refresh\r\n$1\r\n0\r\n' +
      '$13\r\nrole-reported\r\n$6\r\nmaster\r\n$18\r\nrole-reported-time\r\n$6\r\n132580\r\n$12\r\nconfig-epoch\r\n$1\r\n0\r\n' +
      '$10\r\nnum-slaves\r\n$1\r\n0\r\n$19\r\nnum-other-sentinels\r\n$1\r\n0\r\n$6\r\nquorum\r\n$1\r\n2\r\n' +
      '$16\r\nfailover-timeout\r\n$6\r\n180000\r\n$14\r\nparallel-syncs\r\n$1\r\n1\r\n',
  );
});

test('wire: IS-MASTER-DOWN-BY-ADDR of a master in SDOWN as redis-sentinel 7.0.15 sends it', async (t) => {
  const { h } = withMaster();
  // the owner answers as the captured sentinel did: SDOWN there, no vote asked ("*"), none reported
  h.monitors.vote = { down: 1, leader: '*', leaderEpoch: 0, currentEpoch: 0, mustFlush: false };
  t.is(wire(await h.run('sentinel', 'is-master-down-by-addr', '127.0.0.1', '16379', '0', '*')), '*3\r\n:1\r\n$1\r\n*\r\n:0\r\n');
  t.deepEqual(h.monitors.calls, ['isMasterDownByAddr:mymaster:0:*']);
});

test('wire: INFO sentinel as 7.0.15 sends it, plus the sentinel_total_tilt line of Valkey 9', async (t) => {
  // captured (7.0.15): no sentinel_total_tilt line; Argus adds it after sentinel_tilt_since_seconds
  const captured =
    '# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\nsentinel_running_scripts:0\r\n' +
    'sentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:0\r\n' +
    'master0:name=mymaster,status=sdown,address=127.0.0.1:16379,slaves=0,sentinels=1\r\n';
  t.is(captured.length, 258);
  const expected = captured.replace('sentinel_running_scripts', 'sentinel_total_tilt:0\r\nsentinel_running_scripts');
  for (const proto of [2, 3] as const) {
    const { h, master } = withMaster();
    master.flags |= SRI.S_DOWN;
    h.client.resp = proto;
    t.is(wire(await h.run('INFO', 'sentinel'), proto), `$${expected.length}\r\n${expected}\r\n`);
  }
});

test('wire: HELLO 3 as 7.0.15 sends it, with the emulated Redis version', async (t) => {
  const { h } = withMaster();
  const captured =
    '%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:22\r\n' +
    '$4\r\nmode\r\n$8\r\nsentinel\r\n$7\r\nmodules\r\n*0\r\n';
  const expected = captured
    .replace('$6\r\n7.0.15', `$${REDIS_COMPAT_VERSION.length}\r\n${REDIS_COMPAT_VERSION}`)
    .replace(':22', `:${h.client.id}`);
  t.is(wire(await h.run('HELLO', '3'), 3), expected);
});

test('wire: SENTINEL CONFIG GET * as 7.0.15 sends it, plus the 7.2 loglevel parameter', async (t) => {
  const { h } = withMaster();
  const captured =
    '%6\r\n$17\r\nresolve-hostnames\r\n$2\r\nno\r\n$18\r\nannounce-hostnames\r\n$2\r\nno\r\n$11\r\nannounce-ip\r\n$0\r\n\r\n' +
    '$13\r\nannounce-port\r\n$1\r\n0\r\n$13\r\nsentinel-user\r\n$0\r\n\r\n$13\r\nsentinel-pass\r\n$0\r\n\r\n';
  const expected = `${captured.replace('%6', '%7')}$8\r\nloglevel\r\n$6\r\nnotice\r\n`;
  t.is(wire(await h.run('sentinel', 'config', 'get', '*'), 3), expected);
});

test('wire: subscribed RESP2 context as 7.0.15 sends it', async (t) => {
  const { h } = withMaster();
  await h.run('SUBSCRIBE', 'a');
  t.is(wire(await h.run('PING')), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
  t.is(wire(await h.run('PING', 'hi')), '*2\r\n$4\r\npong\r\n$2\r\nhi\r\n');
  t.is(
    wire(await h.run('CLIENT', 'ID')),
    "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
  );
  await h.run('PSUBSCRIBE', 'x*');
  t.is(wire(await h.run('PUNSUBSCRIBE')), '*3\r\n$12\r\npunsubscribe\r\n$2\r\nx*\r\n:1\r\n');
});

test('wire: NOAUTH as 7.0.15 sends it', async (t) => {
  const { h } = withMaster();
  h.server.set('requirepass', ['secret']);
  h.client.authenticated = false;
  t.is(wire(await h.run('PING')), '-NOAUTH Authentication required.\r\n');
  t.is(wire(await h.run('HELLO', '2', 'AUTH', 'default', 'wrong')), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
});

test('wire: the 128-character cuts of unknown command errors as 7.0.15 sends them', async (t) => {
  const { h } = withMaster();
  const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(60));
  t.is(
    wire(await h.run('foo', a!, b!, c!, 'd')),
    `-ERR unknown command 'foo', with args beginning with: '${a}' '${b}' 'cc' \r\n`,
  );
  t.is(wire(await h.run('L'.repeat(150), 'x')), `-ERR unknown command '${'L'.repeat(128)}', with args beginning with: 'x' \r\n`);
  t.is(wire(await h.run('CLIENT', 'L'.repeat(150))), `-ERR unknown subcommand '${'L'.repeat(128)}'. Try CLIENT HELP.\r\n`);
});
