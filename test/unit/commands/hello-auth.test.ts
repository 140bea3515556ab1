import test from 'ava';
import { array, bulk, err, int, map, ok } from '../../../src/resp/reply.js';
import { REDIS_COMPAT_VERSION } from '../../../src/version.js';
import { harness, one } from '../../helpers/fake-context.js';

const helloMap = (proto: number, id: number) =>
  map([
    ['server', bulk('redis')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', int(proto)],
    ['id', int(id)],
    ['mode', bulk('sentinel')],
    ['modules', array([])],
  ]);

test('hello: six fields in sentinel mode, and the protocol switch', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('HELLO')), helloMap(2, h.client.id));
  t.deepEqual(one(await h.run('hello', '3')), helloMap(3, h.client.id));
  t.is(h.client.resp, 3);
  t.deepEqual(one(await h.run('hello', '2')), helloMap(2, h.client.id));
  t.is(h.client.resp, 2);
});

test('hello: protocol version errors', async (t) => {
  const h = harness();
  for (const v of ['1', '4', '-1']) t.deepEqual(one(await h.run('hello', v)), err('NOPROTO unsupported protocol version'), v);
  for (const v of ['abc', '99999999999999999999', '3.0']) {
    t.deepEqual(one(await h.run('hello', v)), err('ERR Protocol version is not an integer or out of range'), v);
  }
  t.is(h.client.resp, 2);
});

test('hello: option syntax errors name the option as sent', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('hello', '3', 'foo')), err("ERR Syntax error in HELLO option 'foo'"));
  t.deepEqual(one(await h.run('hello', '3', 'SETNAME')), err("ERR Syntax error in HELLO option 'SETNAME'"));
  t.deepEqual(one(await h.run('hello', '3', 'AUTH', 'default')), err("ERR Syntax error in HELLO option 'AUTH'"));
  t.is(h.client.resp, 2);
});

test('hello: SETNAME validates like CLIENT SETNAME and applies only on success', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('hello', '3', 'SETNAME', 'a b')), err('ERR Client names cannot contain spaces, newlines or special characters.'));
  t.is(h.client.resp, 2);
  t.deepEqual(one(await h.run('hello', '3', 'setname', 'app-1')), helloMap(3, h.client.id));
  t.is(h.client.name, 'app-1');
});

test('hello: AUTH logs in with requirepass; a bare HELLO is refused until then', async (t) => {
  const h = harness();
  h.server.set('requirepass', ['secret']);
  h.client.authenticated = false;
  t.deepEqual(
    one(await h.run('hello', '3')),
    err(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    ),
  );
  t.deepEqual(one(await h.run('hello', '3', 'AUTH', 'default', 'wrong')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.is(h.client.resp, 2);
  t.deepEqual(one(await h.run('hello', '3', 'SETNAME', 'n', 'AUTH', 'default', 'secret')), helloMap(3, h.client.id));
  t.true(h.client.authenticated);
  t.is(h.client.name, 'n');
});

test('hello: AUTH with any password works for the default user without requirepass; unknown users fail', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('hello', '2', 'AUTH', 'default', 'whatever')), helloMap(2, h.client.id));
  t.deepEqual(one(await h.run('hello', '2', 'AUTH', 'bob', 'x')), err('WRONGPASS invalid username-password pair or user is disabled.'));
});

test('auth: one-argument form errors when the default user has no password', async (t) => {
  const h = harness();
  t.deepEqual(
    one(await h.run('auth', 'x')),
    err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'),
  );
  t.deepEqual(one(await h.run('auth', 'default', 'x')), ok);
  t.deepEqual(one(await h.run('auth', 'bob', 'x')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.deepEqual(one(await h.run('auth', 'a', 'b', 'c')), err('ERR syntax error'));
});

test('auth: requirepass checks both forms; a failure keeps an earlier login', async (t) => {
  const h = harness();
  h.server.set('requirepass', ['secret']);
  h.client.authenticated = false;
  t.deepEqual(one(await h.run('auth', 'nope')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.false(h.client.authenticated);
  t.deepEqual(one(await h.run('auth', 'default', 'secret')), ok);
  t.true(h.client.authenticated);
  t.is(h.client.user, 'default');
  t.deepEqual(one(await h.run('auth', 'nope')), err('WRONGPASS invalid username-password pair or user is disabled.'));
  t.true(h.client.authenticated);
});
