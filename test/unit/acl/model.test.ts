import test from 'ava';
import { AclModel, sha256Hex } from '../../../src/acl/model.js';
import { tableCatalog } from '../../../src/acl/registry.js';

const q = (fullname: string, categories: string[] = ['admin', 'slow', 'dangerous']) => ({
  command: fullname.split('|')[0]!,
  fullname,
  categories,
});

test('acl model: the default user is on, nopass and allowed everything when there is no requirepass', (t) => {
  const m = new AclModel(tableCatalog);
  t.false(m.authRequired());
  t.true(m.checkCredentials('default', 'anything'));
  t.is(m.lines().join('\n'), 'user default on nopass sanitize-payload ~* &* +@all');
});

test('acl model: requirepass becomes the default user password', (t) => {
  const m = new AclModel(tableCatalog);
  m.setRequirepass('secret');
  t.true(m.authRequired());
  t.true(m.checkCredentials('default', 'secret'));
  t.false(m.checkCredentials('default', 'other'));
  t.is(m.lines()[0], `user default on sanitize-payload #${sha256Hex('secret')} ~* &* +@all`);
});

test('acl model: a user allowed one sentinel subcommand can run it and nothing else', (t) => {
  const m = new AclModel(tableCatalog);
  t.is(m.setUser('ro', ['on', '>pw', '+sentinel|get-master-addr-by-name', '+auth', '+hello']), null);
  const u = m.get('ro')!;
  t.true(u.canRun(q('sentinel|get-master-addr-by-name')));
  t.false(u.canRun(q('sentinel|masters')));
  t.false(u.canRun(q('ping', ['fast', 'connection'])));
  t.true(m.checkCredentials('ro', 'pw'));
  t.is(m.describe(u), `ro on #${sha256Hex('pw')} resetchannels -@all +sentinel|get-master-addr-by-name +auth +hello`);
});

test('acl model: rules apply in order, categories and whole containers included', (t) => {
  const m = new AclModel(tableCatalog);
  m.setUser('u', ['+@all', '-@admin', '+sentinel', '-sentinel|reset']);
  const u = m.get('u')!;
  t.true(u.canRun(q('ping', ['fast', 'connection'])));
  t.true(u.canRun(q('sentinel|masters')));
  t.false(u.canRun(q('sentinel|reset')));
  m.setUser('u', ['-@all']);
  t.false(m.get('u')!.canRun(q('ping', ['fast', 'connection'])));
});

test('acl model: setuser is all or nothing and names the failing rule', (t) => {
  const m = new AclModel(tableCatalog);
  t.deepEqual(m.setUser('x', ['on', 'badrule']), { rule: 'badrule', errno: 'EINVAL' });
  t.is(m.get('x'), undefined);
  t.deepEqual(m.setUser('x', ['+nosuchcommand']), { rule: '+nosuchcommand', errno: 'ENOENT' });
  t.deepEqual(m.setUser('x', ['+@nosuch']), { rule: '+@nosuch', errno: 'ENOENT' });
  t.deepEqual(m.setUser('x', ['+sentinel|set|x']), { rule: '+sentinel|set|x', errno: 'ECHILD' });
  t.deepEqual(m.setUser('x', ['+sentinel|nosuch']), { rule: '+sentinel|nosuch', errno: 'ENOENT' });
  t.deepEqual(m.setUser('x', ['#abc']), { rule: '#abc', errno: 'EBADMSG' });
  t.deepEqual(m.setUser('x', ['<nope']), { rule: '<nope', errno: 'ENODEV' });
  t.deepEqual(m.setUser('x', ['allchannels', '&foo']), { rule: '&foo', errno: 'EISDIR' });
});

test('acl model: channels match as glob patterns, subscribe patterns only literally', (t) => {
  const m = new AclModel(tableCatalog);
  m.setUser('p', ['&__sentinel__:*']);
  const u = m.get('p')!;
  t.true(u.canUseChannel('__sentinel__:hello', false));
  t.false(u.canUseChannel('other', false));
  t.true(u.canUseChannel('__sentinel__:*', true));
  t.false(u.canUseChannel('__sentinel__:h*', true));
  m.setUser('p', ['allchannels']);
  t.true(m.get('p')!.canUseChannel('anything', false));
});

test('acl model: off users and removed passwords fail authentication', (t) => {
  const m = new AclModel(tableCatalog);
  m.setUser('u', ['on', '>a', '>b']);
  m.setUser('u', ['<a']);
  t.false(m.checkCredentials('u', 'a'));
  t.true(m.checkCredentials('u', 'b'));
  m.setUser('u', ['off']);
  t.false(m.checkCredentials('u', 'b'));
  m.setUser('u', ['on', 'nopass']);
  t.true(m.checkCredentials('u', 'whatever'));
  t.false(m.checkCredentials('nobody', 'x'));
});

test('acl model: keys and selectors are kept for the round trip', (t) => {
  const m = new AclModel(tableCatalog);
  m.setUser('k', ['on', 'nopass', '%R~cache:*', '~other', '(~x +ping)']);
  t.is(m.describe(m.get('k')!), 'k on nopass %R~cache:* ~other resetchannels -@all (~x +ping)');
});

test('acl model: loading a default user line resets it first', (t) => {
  const m = new AclModel(tableCatalog);
  m.loadUser('default', ['on', '>pw', '+@all', '~*', '&*', '+nosuchcommand']);
  t.true(m.authRequired());
  t.is(m.lines()[0], `user default on sanitize-payload #${sha256Hex('pw')} ~* &* +@all`);
});

test('acl model: log entries with the same reason, object and user are grouped', (t) => {
  const m = new AclModel(tableCatalog);
  const e = { reason: 'command' as const, context: 'toplevel', object: 'sentinel|masters', username: 'ro', clientInfo: 'id=1' };
  m.addLog(e, 1000);
  m.addLog(e, 2000);
  m.addLog({ ...e, object: 'ping' }, 3000);
  t.is(m.log.length, 2);
  t.is(m.log[0]!.object, 'ping');
  t.is(m.log[1]!.count, 2);
  m.resetLog();
  t.is(m.log.length, 0);
});

test('acl model: +cmd|first-arg on a command without subcommands allows that first argument only', (t) => {
  const m = new AclModel(tableCatalog);
  t.is(m.setUser('f', ['+info|server']), null);
  const u = m.get('f')!;
  t.true(u.canRun({ command: 'info', fullname: 'info', categories: ['slow'], firstArg: 'server' }));
  t.false(u.canRun({ command: 'info', fullname: 'info', categories: ['slow'], firstArg: 'clients' }));
  t.false(u.canRun({ command: 'info', fullname: 'info', categories: ['slow'] }));
});
