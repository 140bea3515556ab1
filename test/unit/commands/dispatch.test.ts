import test from 'ava';
import { dispatch } from '../../../src/commands/dispatch.js';
import { err, int, simple } from '../../../src/resp/reply.js';
import { harness, one, wire } from '../../helpers/fake-context.js';

test('dispatch: unknown command lists the arguments, each quoted and followed by a space', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('GET', 'x', 'y')), err("ERR unknown command 'GET', with args beginning with: 'x' 'y' "));
  t.deepEqual(one(await h.run('foo')), err("ERR unknown command 'foo', with args beginning with: "));
});

test('dispatch: unknown command cuts the argument list at 128 characters', async (t) => {
  const h = harness();
  const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(60));
  t.deepEqual(
    one(await h.run('foo', a!, b!, c!, 'd')),
    err(`ERR unknown command 'foo', with args beginning with: '${a}' '${b}' 'cc' `),
  );
  const long = 'L'.repeat(150);
  t.deepEqual(
    one(await h.run(long, 'x')),
    err(`ERR unknown command '${'L'.repeat(128)}', with args beginning with: 'x' `),
  );
});

test('dispatch: CR and LF inside an unknown command become spaces', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('foo', 'a\r\nb')), err("ERR unknown command 'foo', with args beginning with: 'a  b' "));
  t.deepEqual(one(await h.run('sentinel', 'foo\nbar')), err("ERR unknown subcommand 'foo bar'. Try SENTINEL HELP."));
});

test('dispatch: command and subcommand names are case-insensitive', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('PiNg')), simple('PONG'));
  t.is(h.client.lastCommand, 'ping');
  t.deepEqual(one(await h.run('SENTINEL', 'MyId')).t, 'bulk');
  t.is(h.client.lastCommand, 'sentinel|myid');
});

test('dispatch: an unknown subcommand names the container upper-cased', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'foo')), err("ERR unknown subcommand 'foo'. Try SENTINEL HELP."));
  t.deepEqual(one(await h.run('client', 'foo')), err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  t.deepEqual(one(await h.run('Command', 'foo')), err("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
  t.deepEqual(
    one(await h.run('CLIENT', 'L'.repeat(150))),
    err(`ERR unknown subcommand '${'L'.repeat(128)}'. Try CLIENT HELP.`),
  );
});

test('dispatch: wrong arity names the full command in lower case', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('SENTINEL')), err("ERR wrong number of arguments for 'sentinel' command"));
  t.deepEqual(one(await h.run('sentinel', 'MASTER')), err("ERR wrong number of arguments for 'sentinel|master' command"));
  t.deepEqual(one(await h.run('SENTINEL', 'MYID', 'x')), err("ERR wrong number of arguments for 'sentinel|myid' command"));
  t.deepEqual(one(await h.run('role', 'x')), err("ERR wrong number of arguments for 'role' command"));
  t.deepEqual(one(await h.run('client')), err("ERR wrong number of arguments for 'client' command"));
  t.deepEqual(one(await h.run('auth')), err("ERR wrong number of arguments for 'auth' command"));
  t.deepEqual(one(await h.run('ping', 'a', 'b')), err("ERR wrong number of arguments for 'ping' command"));
});

test('dispatch: every subcommand rejects a wrong argument count with its own name', async (t) => {
  const h = harness();
  const cases: [string[], string][] = [
    [['sentinel', 'masters', 'x'], 'sentinel|masters'],
    [['sentinel', 'replicas'], 'sentinel|replicas'],
    [['sentinel', 'slaves'], 'sentinel|slaves'],
    [['sentinel', 'sentinels'], 'sentinel|sentinels'],
    [['sentinel', 'get-master-addr-by-name'], 'sentinel|get-master-addr-by-name'],
    [['sentinel', 'is-master-down-by-addr', '1', '2', '3'], 'sentinel|is-master-down-by-addr'],
    [['sentinel', 'reset'], 'sentinel|reset'],
    [['sentinel', 'failover'], 'sentinel|failover'],
    [['sentinel', 'failover', 'm', 'coordinated', 'x'], 'sentinel|failover'],
    [['sentinel', 'monitor', 'm', '1', '2'], 'sentinel|monitor'],
    [['sentinel', 'remove'], 'sentinel|remove'],
    [['sentinel', 'set', 'm', 'quorum'], 'sentinel|set'],
    [['sentinel', 'flushconfig', 'x'], 'sentinel|flushconfig'],
    [['sentinel', 'ckquorum'], 'sentinel|ckquorum'],
    [['sentinel', 'config', 'get'], 'sentinel|config'],
    [['sentinel', 'pending-scripts', 'x'], 'sentinel|pending-scripts'],
    [['sentinel', 'info-cache'], 'sentinel|info-cache'],
    [['sentinel', 'simulate-failure'], 'sentinel|simulate-failure'],
    [['sentinel', 'help', 'x'], 'sentinel|help'],
    [['sentinel', 'primary'], 'sentinel|primary'],
    [['client', 'id', 'x'], 'client|id'],
    [['client', 'setname'], 'client|setname'],
    [['client', 'setinfo', 'lib-name'], 'client|setinfo'],
    [['command', 'count', 'x'], 'command|count'],
    [['command', 'getkeys', 'ping'], 'command|getkeys'],
    [['publish', 'a'], 'publish'],
    [['subscribe'], 'subscribe'],
    [['psubscribe'], 'psubscribe'],
  ];
  for (const [argv, name] of cases) {
    t.deepEqual(one(await h.run(...argv)), err(`ERR wrong number of arguments for '${name}' command`), argv.join(' '));
  }
});

test('dispatch: NOAUTH before any command but AUTH, HELLO and QUIT when requirepass is set', async (t) => {
  const h = harness();
  h.server.set('requirepass', ['secret']);
  h.client.authenticated = false;
  t.deepEqual(one(await h.run('PING')), err('NOAUTH Authentication required.'));
  t.deepEqual(one(await h.run('client', 'id')), err('NOAUTH Authentication required.'));
  t.deepEqual(one(await h.run('sentinel', 'masters')), err('NOAUTH Authentication required.'));
  // lookup and arity come first, as in processCommand
  t.deepEqual(one(await h.run('foo', 'a')), err("ERR unknown command 'foo', with args beginning with: 'a' "));
  t.deepEqual(one(await h.run('sentinel')), err("ERR wrong number of arguments for 'sentinel' command"));
  t.deepEqual(one(await h.run('sentinel', 'foo')), err("ERR unknown subcommand 'foo'. Try SENTINEL HELP."));
  t.deepEqual(one(await h.run('AUTH', 'nope')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.deepEqual(one(await h.run('AUTH', 'secret')), simple('OK'));
  t.deepEqual(one(await h.run('PING')), simple('PONG'));
});

test('dispatch: a requirepass set, changed or removed after the first command applies to the next one', async (t) => {
  const h = harness();
  h.client.authenticated = false;
  t.deepEqual(one(await h.run('PING')), simple('PONG'));
  h.server.set('requirepass', ['one']);
  t.deepEqual(one(await h.run('PING')), err('NOAUTH Authentication required.'));
  h.server.set('requirepass', ['two']);
  t.deepEqual(one(await h.run('AUTH', 'one')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.deepEqual(one(await h.run('AUTH', 'two')), simple('OK'));
  h.server.delete('requirepass');
  h.client.authenticated = false;
  t.deepEqual(one(await h.run('PING')), simple('PONG'));
});

test('dispatch: QUIT is allowed before authentication and closes after its reply', async (t) => {
  const h = harness();
  h.server.set('requirepass', ['secret']);
  h.client.authenticated = false;
  t.deepEqual(one(await h.run('quit')), simple('OK'));
  t.true(h.client.closeAfterReply);
});

test('dispatch: RESP2 subscribed context allows only (P)(UN)SUBSCRIBE, PING and QUIT', async (t) => {
  const h = harness();
  await h.run('subscribe', 'a');
  t.deepEqual(
    one(await h.run('client', 'id')),
    err("ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"),
  );
  t.deepEqual(
    one(await h.run('sentinel', 'masters')),
    err("ERR Can't execute 'sentinel|masters': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"),
  );
  // lookup errors still come first
  t.deepEqual(one(await h.run('foo')), err("ERR unknown command 'foo', with args beginning with: "));
  t.is(one(await h.run('ping')).t, 'array');
  t.is((await h.run('psubscribe', 'x*') as unknown[]).length, 1);
});

test('dispatch: RESP3 subscribed context runs every command', async (t) => {
  const h = harness();
  h.client.resp = 3;
  await h.run('subscribe', 'a');
  t.deepEqual(one(await h.run('client', 'id')), int(h.client.id));
});

test('dispatch: counts executed commands only, and error replies for INFO', async (t) => {
  const h = harness();
  await h.run('ping');
  await h.run('foo');
  await h.run('sentinel', 'master', 'nope');
  t.is(h.process.stats.totalCommandsProcessed, 2);
  const info = one(await h.run('info', 'stats'));
  t.regex(wire(info), /total_error_replies:2\r\n/);
});

test('dispatch: an empty request gets no reply', (t) => {
  const h = harness();
  t.deepEqual(dispatch(h.ctx, []), []);
});

test('dispatch: CLIENT REPLY OFF silences every reply until ON; SKIP silences the next one', async (t) => {
  const h = harness();
  t.deepEqual(await h.run('client', 'reply', 'off'), []);
  t.deepEqual(await h.run('ping'), []);
  t.deepEqual(await h.run('foo'), []);
  t.deepEqual(one(await h.run('client', 'reply', 'on')), simple('OK'));
  t.deepEqual(await h.run('client', 'reply', 'skip'), []);
  t.deepEqual(await h.run('ping'), []);
  t.deepEqual(one(await h.run('ping')), simple('PONG'));
});
