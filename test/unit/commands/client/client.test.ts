import test from 'ava';
import { array, bulk, err, int, map, nullBulk, ok, simple } from '../../../../src/resp/reply.js';
import { harness, one } from '../../../helpers/fake-context.js';

const text = (r: ReturnType<typeof one>): string => (r.t === 'bulk' ? String(r.b) : '');
const field = (line: string, key: string): string | undefined =>
  line.split(' ').find((f) => f.startsWith(`${key}=`))?.slice(key.length + 1);

test('client id: the connection id', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('client', 'id')), int(h.client.id));
});

test('client list: one line per client in Redis 7.2 field order, each ending in a newline', async (t) => {
  const h = harness();
  const other = h.connect({ addr: '10.0.0.2:4000', name: 'peer' });
  h.clock.advance(3500);
  const out = text(one(await h.run('client', 'list')));
  const lines = out.split('\n');
  t.is(lines.length, 3);
  t.is(lines[2], '');
  const keys = lines[0]!.split(' ').map((f) => f.slice(0, f.indexOf('=')));
  t.deepEqual(keys, [
    'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
    'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user',
    'redir', 'resp', 'lib-name', 'lib-ver',
  ]);
  t.is(field(lines[0]!, 'id'), String(h.client.id));
  t.is(field(lines[0]!, 'cmd'), 'client|list');
  t.is(field(lines[0]!, 'age'), '3');
  t.is(field(lines[0]!, 'argv-mem'), '10');
  t.is(field(lines[1]!, 'name'), 'peer');
  t.is(field(lines[1]!, 'id'), String(other.client.id));
});

test('client list: TYPE and ID filters, with Redis errors', async (t) => {
  const h = harness();
  const sub = h.connect();
  await h.runAs(sub, 'subscribe', 'x');
  const ids = (r: ReturnType<typeof one>) => text(r).split('\n').filter(Boolean).map((l) => Number(field(l, 'id')));
  t.deepEqual(ids(one(await h.run('client', 'list', 'TYPE', 'pubsub'))), [sub.client.id]);
  t.deepEqual(ids(one(await h.run('client', 'list', 'type', 'normal'))), [h.client.id]);
  t.deepEqual(ids(one(await h.run('client', 'list', 'type', 'master'))), []);
  t.deepEqual(ids(one(await h.run('client', 'list', 'id', String(sub.client.id), '999', String(h.client.id)))), [
    sub.client.id,
    h.client.id,
  ]);
  t.deepEqual(one(await h.run('client', 'list', 'type', 'foo')), err("ERR Unknown client type 'foo'"));
  t.deepEqual(one(await h.run('client', 'list', 'id', '1', 'x')), err('ERR Invalid client ID'));
  t.deepEqual(one(await h.run('client', 'list', 'foo')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('client', 'list', 'type')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('client', 'list', 'id', '99')), bulk(''));
});

test('client info: the own line; flags show tracking and no-evict', async (t) => {
  const h = harness();
  await h.run('client', 'no-evict', 'on');
  await h.run('client', 'tracking', 'on', 'bcast');
  const line = text(one(await h.run('client', 'info')));
  t.true(line.endsWith('\n'));
  t.is(field(line, 'flags'), 'tBe');
  t.is(field(line, 'redir'), '0');
  t.is(field(line, 'cmd'), 'client|info');
});

test('client kill: old form kills by address (even the caller) or says No such client', async (t) => {
  const h = harness();
  const other = h.connect({ addr: '10.0.0.2:4000' });
  t.deepEqual(one(await h.run('client', 'kill', '1.2.3.4:5')), err('ERR No such client'));
  t.deepEqual(one(await h.run('client', 'kill', '10.0.0.2:4000')), ok);
  t.deepEqual(h.clients.killed, [other.client]);
  t.deepEqual(one(await h.run('client', 'kill', h.client.addr)), ok);
  t.true(h.client.closeAfterReply);
});

test('client kill: filter form counts the killed and skips the caller unless SKIPME no', async (t) => {
  const h = harness();
  const a = h.connect({ addr: '10.0.0.2:4000', laddr: '127.0.0.1:26379' });
  const b = h.connect({ addr: '10.0.0.3:4000', laddr: '127.0.0.1:26380' });
  t.deepEqual(one(await h.run('client', 'kill', 'ID', String(a.client.id))), int(1));
  t.deepEqual(one(await h.run('client', 'kill', 'laddr', '127.0.0.1:26380', 'user', 'default')), int(1));
  t.deepEqual(h.clients.killed, [a.client, b.client]);
  t.deepEqual(one(await h.run('client', 'kill', 'type', 'normal')), int(0));
  t.false(h.client.closeAfterReply);
  t.deepEqual(one(await h.run('client', 'kill', 'type', 'normal', 'skipme', 'no')), int(1));
  t.true(h.client.closeAfterReply);
});

test('client kill: filter errors as Redis words them', async (t) => {
  const h = harness();
  const cases: [string[], string][] = [
    [['ID', '0'], 'ERR client-id should be greater than 0'],
    [['ID', 'x'], 'ERR client-id should be greater than 0'],
    [['ADDR', 'x', 'ID', 'x'], 'ERR client-id should be greater than 0'],
    [['ID', '99', 'x'], 'ERR syntax error'],
    [['USER', 'bob'], "ERR No such user 'bob'"],
    [['TYPE', 'bad'], "ERR Unknown client type 'bad'"],
    [['SKIPME', 'maybe'], 'ERR syntax error'],
    [['FOO', 'x'], 'ERR syntax error'],
  ];
  for (const [args, text] of cases) t.deepEqual(one(await h.run('client', 'kill', ...args)), err(text), args.join(' '));
  t.deepEqual(one(await h.run('client', 'kill', 'ID', '99')), int(0));
});

test('client setname/getname: validated name, empty removes it', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('client', 'getname')), nullBulk);
  t.deepEqual(one(await h.run('client', 'setname', 'a b')), err('ERR Client names cannot contain spaces, newlines or special characters.'));
  t.deepEqual(one(await h.run('client', 'setname', 'caf\xe9')), err('ERR Client names cannot contain spaces, newlines or special characters.'));
  t.deepEqual(one(await h.run('client', 'setname', 'worker-1')), ok);
  t.deepEqual(one(await h.run('client', 'getname')), bulk('worker-1'));
  t.deepEqual(one(await h.run('client', 'setname', '')), ok);
  t.deepEqual(one(await h.run('client', 'getname')), nullBulk);
});

test('client setinfo: LIB-NAME and LIB-VER with the 7.2 errors', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('client', 'setinfo', 'LIB-NAME', 'ioredis')), ok);
  t.deepEqual(one(await h.run('client', 'setinfo', 'lib-ver', '5.4.1')), ok);
  t.is(h.client.libName, 'ioredis');
  t.is(h.client.libVer, '5.4.1');
  t.deepEqual(one(await h.run('client', 'setinfo', 'lib-foo', 'x')), err("ERR Unrecognized option 'lib-foo'"));
  t.deepEqual(
    one(await h.run('client', 'setinfo', 'Lib-Name', 'a b')),
    err('ERR Lib-Name cannot contain spaces, newlines or special characters.'),
  );
});

test('client no-evict, pause, unpause, unblock: validated and accepted', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('client', 'no-evict', 'maybe')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('client', 'no-evict', 'OFF')), ok);
  t.deepEqual(one(await h.run('client', 'pause', 'x')), err('ERR timeout is not an integer or out of range'));
  t.deepEqual(one(await h.run('client', 'pause', '-1')), err('ERR timeout is negative'));
  t.deepEqual(one(await h.run('client', 'pause', '10', 'foo')), err('ERR CLIENT PAUSE mode must be WRITE or ALL'));
  t.deepEqual(
    one(await h.run('client', 'PAUSE', '1', '2', '3')),
    err("ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."),
  );
  t.deepEqual(one(await h.run('client', 'pause', '10', 'write')), ok);
  t.deepEqual(one(await h.run('client', 'unpause')), ok);
  t.deepEqual(one(await h.run('client', 'unblock', '5')), int(0));
  t.deepEqual(one(await h.run('client', 'unblock', 'x')), err('ERR value is not an integer or out of range'));
  t.deepEqual(one(await h.run('client', 'unblock', '5', 'foo')), err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'));
  t.deepEqual(
    one(await h.run('client', 'UNBLOCK', '1', '2', '3')),
    err("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP."),
  );
});

test('client tracking: options checked as Redis, state visible in TRACKINGINFO and GETREDIR', async (t) => {
  const h = harness();
  const info = (flags: string[], redirect: number, prefixes: string[] = []) =>
    map([
      ['flags', array(flags.map((f) => bulk(f)))],
      ['redirect', int(redirect)],
      ['prefixes', array(prefixes.map((p) => bulk(p)))],
    ]);
  t.deepEqual(one(await h.run('client', 'trackinginfo')), info(['off'], -1));
  t.deepEqual(one(await h.run('client', 'getredir')), int(-1));
  t.deepEqual(
    one(await h.run('client', 'caching', 'yes')),
    err('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled'),
  );
  const cases: [string[], string][] = [
    [['foo'], 'ERR syntax error'],
    [['on', 'foo'], 'ERR syntax error'],
    [['on', 'REDIRECT', '999'], 'ERR The client ID you want redirect to does not exist'],
    [['on', 'REDIRECT', 'x'], 'ERR value is not an integer or out of range'],
    [['on', 'PREFIX', 'a'], 'ERR PREFIX option requires BCAST mode to be enabled'],
    [['on', 'optin', 'optout'], "ERR You can't specify both OPTIN mode and OPTOUT mode"],
    [['on', 'bcast', 'optin'], 'ERR OPTIN and OPTOUT are not compatible with BCAST'],
  ];
  for (const [args, text] of cases) t.deepEqual(one(await h.run('client', 'tracking', ...args)), err(text), args.join(' '));
  t.deepEqual(one(await h.run('client', 'tracking', 'on', 'optin')), ok);
  t.deepEqual(one(await h.run('client', 'caching', 'no')), err('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.'));
  t.deepEqual(one(await h.run('client', 'caching', 'maybe')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('client', 'caching', 'yes')), ok);
  t.deepEqual(one(await h.run('client', 'trackinginfo')), info(['on', 'optin', 'caching-yes'], 0));
  // CACHING lasts for one command
  t.deepEqual(one(await h.run('client', 'trackinginfo')), info(['on', 'optin'], 0));
  t.deepEqual(
    one(await h.run('client', 'tracking', 'on', 'optout')),
    err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."),
  );
  t.deepEqual(one(await h.run('client', 'tracking', 'off')), ok);
  t.deepEqual(
    one(await h.run('client', 'tracking', 'on', 'bcast', 'prefix', 'a', 'prefix', 'b', 'noloop', 'redirect', String(h.client.id))),
    ok,
  );
  t.deepEqual(one(await h.run('client', 'trackinginfo')), info(['on', 'bcast', 'noloop'], h.client.id, ['a', 'b']));
  t.deepEqual(one(await h.run('client', 'getredir')), int(h.client.id));
});

test('client help: usage line first, HELP last', async (t) => {
  const h = harness();
  const r = one(await h.run('client', 'help'));
  if (r.t !== 'array') return t.fail();
  t.deepEqual(r.items[0], simple('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'));
  t.deepEqual(r.items.slice(-2), [simple('HELP'), simple('    Prints this help.')]);
});
