import test from 'ava';
import { bulk, err, int, ok, type Reply } from '../../../src/resp/reply.js';
import { harness, one, wire } from '../../helpers/fake-context.js';

const items = (r: Reply): readonly Reply[] => (r.t === 'array' ? r.items : []);
const RO = ['acl', 'setuser', 'ro', 'on', '>pw', '+sentinel|get-master-addr-by-name', '+auth', '+hello'];

test('dispatch: NOPERM with Redis 7.2 text when the user may not run the command', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run(...RO)), ok);
  const c = h.connect({ authenticated: false, user: 'default' });
  t.deepEqual(one(await h.runAs(c, 'auth', 'ro', 'pw')), ok);
  t.is(c.client.user, 'ro');
  t.is(wire(await h.runAs(c, 'sentinel', 'masters')), "-NOPERM User ro has no permissions to run the 'sentinel|masters' command\r\n");
  t.is(wire(await h.runAs(c, 'ping')), "-NOPERM User ro has no permissions to run the 'ping' command\r\n");
  t.deepEqual(one(await h.runAs(c, 'sentinel', 'get-master-addr-by-name', 'nosuch')).t, 'null-array');
});

test('dispatch: NOPERM for a channel the user has no pattern for', async (t) => {
  const h = harness();
  await h.run('acl', 'setuser', 'p', 'on', 'nopass', '+publish', '+subscribe', '+psubscribe', '&allowed*');
  const c = h.connect({ user: 'p' });
  t.is(wire(await h.runAs(c, 'publish', 'other', 'x')), '-NOPERM No permissions to access a channel\r\n');
  t.is(wire(await h.runAs(c, 'subscribe', 'allowed1', 'other')), '-NOPERM No permissions to access a channel\r\n');
  t.is(wire(await h.runAs(c, 'psubscribe', 'allowed*x')), '-NOPERM No permissions to access a channel\r\n');
  t.not(one(await h.runAs(c, 'subscribe', 'allowed1')).t, 'error');
});

test('dispatch: +@all with a rule after it, or without every channel, is still checked', async (t) => {
  const h = harness();
  await h.run('acl', 'setuser', 'a', 'on', 'nopass', 'allchannels', '+@all', '-ping');
  await h.run('acl', 'setuser', 'b', 'on', 'nopass', 'resetchannels', '+@all');
  const a = h.connect({ user: 'a' });
  const b = h.connect({ user: 'b' });
  t.is(wire(await h.runAs(a, 'ping')), "-NOPERM User a has no permissions to run the 'ping' command\r\n");
  t.not(one(await h.runAs(a, 'subscribe', 'ch')).t, 'error');
  t.is(wire(await h.runAs(b, 'subscribe', 'ch')), '-NOPERM No permissions to access a channel\r\n');
  t.not(one(await h.runAs(b, 'ping')).t, 'error');
});

test('dispatch: AUTH and HELLO pass the command check even for a user without them', async (t) => {
  const h = harness();
  await h.run('acl', 'setuser', 'none', 'on', '>pw', '-@all');
  const c = h.connect({ authenticated: false });
  t.deepEqual(one(await h.runAs(c, 'auth', 'none', 'pw')), ok);
  t.not(one(await h.runAs(c, 'hello', '3', 'auth', 'none', 'pw')).t, 'error');
});

test('auth: WRONGPASS for an unknown or disabled user, and the failure goes to ACL LOG', async (t) => {
  const h = harness();
  await h.run('acl', 'setuser', 'u', 'off', '>pw');
  t.is(wire(await h.run('auth', 'u', 'pw')), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  t.is(wire(await h.run('auth', 'nobody', 'pw')), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  const log = items(one(await h.run('acl', 'log')));
  t.is(log.length, 2);
  const first = log[0]!;
  t.is(first.t, 'map');
  const entries = first.t === 'map' ? new Map(first.entries) : new Map();
  t.deepEqual(entries.get('reason'), bulk('auth'));
  t.deepEqual(entries.get('object'), bulk('auth'));
  t.deepEqual(entries.get('username'), bulk('nobody'));
  t.deepEqual(one(await h.run('acl', 'log', 'reset')), ok);
  t.is(items(one(await h.run('acl', 'log'))).length, 0);
});

test('acl log: a denied command is logged with its full name', async (t) => {
  const h = harness();
  await h.run(...RO);
  const c = h.connect({ user: 'ro' });
  await h.runAs(c, 'sentinel', 'masters');
  const e = one(await h.run('acl', 'log', '1'));
  const m = items(e)[0]!;
  const entries = m.t === 'map' ? new Map(m.entries) : new Map();
  t.deepEqual(entries.get('reason'), bulk('command'));
  t.deepEqual(entries.get('object'), bulk('sentinel|masters'));
  t.deepEqual(entries.get('username'), bulk('ro'));
});

test('acl setuser: changes the model and saves the config', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run(...RO)), ok);
  t.is(h.saves, 1);
  t.deepEqual(one(await h.run('acl', 'users')), { t: 'array', items: [bulk('default'), bulk('ro')] });
  t.deepEqual(
    one(await h.run('acl', 'setuser', 'x', 'badrule')),
    err("ERR Error in ACL SETUSER modifier 'badrule': Syntax error"),
  );
  t.is(h.saves, 1);
});

test('acl deluser: refuses default, counts deleted users, disconnects them', async (t) => {
  const h = harness();
  await h.run(...RO);
  const c = h.connect({ user: 'ro' });
  t.deepEqual(one(await h.run('acl', 'deluser', 'default')), err("ERR The 'default' user cannot be removed"));
  t.deepEqual(one(await h.run('acl', 'deluser', 'ro', 'nobody')), int(1));
  t.true(h.clients.killed.includes(c.client));
  t.is(h.saves, 2);
});

test('acl whoami, list, getuser, dryrun: describe users as Redis does', async (t) => {
  const h = harness();
  await h.run(...RO);
  t.deepEqual(one(await h.run('acl', 'whoami')), bulk('default'));
  const list = items(one(await h.run('acl', 'list')));
  t.deepEqual(list[0], bulk('user default on nopass sanitize-payload ~* &* +@all'));
  t.regex((list[1] as { b: string }).b, /^user ro on #[0-9a-f]{64} resetchannels -@all \+sentinel\|get-master-addr-by-name \+auth \+hello$/);
  t.deepEqual(one(await h.run('acl', 'getuser', 'nobody')).t, 'null-bulk');
  t.is(one(await h.run('acl', 'getuser', 'ro')).t, 'map');
  t.deepEqual(
    one(await h.run('acl', 'dryrun', 'ro', 'sentinel', 'masters')),
    bulk("User ro has no permissions to run the 'sentinel|masters' command"),
  );
  t.deepEqual(one(await h.run('acl', 'dryrun', 'ro', 'sentinel', 'get-master-addr-by-name', 'm')), ok);
  t.deepEqual(one(await h.run('acl', 'dryrun', 'nobody', 'ping')), err("ERR User 'nobody' not found"));
});

test('acl save, load: the no-aclfile error of Redis', async (t) => {
  const h = harness();
  const text =
    '-ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.\r\n';
  t.is(wire(await h.run('acl', 'save')), text);
  t.is(wire(await h.run('acl', 'load')), text);
});

test('acl cat: the categories, the commands of one, an error for an unknown one', async (t) => {
  const h = harness();
  t.is(items(one(await h.run('acl', 'cat'))).length, 21);
  const conn = items(one(await h.run('acl', 'cat', 'connection'))).map((r) => (r as { b: string }).b);
  t.true(conn.includes('auth') && conn.includes('client|setname'));
  t.deepEqual(one(await h.run('acl', 'cat', 'nosuch')), err("ERR Unknown category 'nosuch'"));
});

test('acl genpass: 64 hex characters by default, bits rounded up to a hex digit', async (t) => {
  const h = harness();
  t.regex((one(await h.run('acl', 'genpass')) as { b: string }).b, /^[0-9a-f]{64}$/);
  t.regex((one(await h.run('acl', 'genpass', '10')) as { b: string }).b, /^[0-9a-f]{3}$/);
});

test('acl help: usage first, HELP last', async (t) => {
  const h = harness();
  const rows = items(one(await h.run('acl', 'help')));
  t.deepEqual(rows[0], { t: 'simple', s: 'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
  t.deepEqual(rows.at(-1), { t: 'simple', s: '    Prints this help.' });
});

test('acl setuser default: a password makes authentication required', async (t) => {
  const h = harness();
  await h.run('acl', 'setuser', 'default', 'resetpass', '>pw');
  const c = h.connect({ authenticated: false });
  t.is(wire(await h.runAs(c, 'ping')), '-NOAUTH Authentication required.\r\n');
  t.deepEqual(one(await h.runAs(c, 'auth', 'pw')), ok);
});
