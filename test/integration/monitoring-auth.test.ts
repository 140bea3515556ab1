import test from 'ava';
import { startRedisServer, startSentinel } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { redisCli } from '../helpers/redis-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const masterFlags = async (c: RawClient, name: string) => fields((await c.call('SENTINEL', 'MASTER', name)).value);

test('monitoring: auth-pass and rename-command reach a password-protected, renamed redis-server', async (t) => {
  // PING, INFO and CLIENT renamed: every periodic command and the connection's SETNAME must go
  // through the master's rename-command table.
  const renames = ['--rename-command', 'PING', 'argus-ping', '--rename-command', 'INFO', 'argus-info', '--rename-command', 'CLIENT', 'argus-client'];
  const master = await startRedisServer(['--requirepass', 's3cr3t', ...renames]);
  const argus = await startSentinel(
    `sentinel monitor m 127.0.0.1 ${master.port} 1\n` +
      'sentinel down-after-milliseconds m 2000\n' +
      'sentinel auth-pass m s3cr3t\n' +
      'sentinel rename-command m PING argus-ping\n' +
      'sentinel rename-command m INFO argus-info\n' +
      'sentinel rename-command m CLIENT argus-client\n',
  );
  t.teardown(async () => {
    await argus.cleanup();
    await master.stop();
  });
  const c = await RawClient.open(argus.port);
  t.teardown(() => c.close());

  const m = await waitFor(async () => {
    const f = await masterFlags(c, 'm');
    return f.flags === 'master' && String(f.runid).length === 40 ? f : null;
  }, { what: 'master connected through AUTH and renamed commands' });
  t.is(m['role-reported'], 'master');

  // The links are kept: one command and one pub/sub connection, named as Sentinel names them.
  const list = (await redisCli(master.port, ['argus-client', 'LIST'], ['-a', 's3cr3t', '--no-auth-warning'])).out;
  const names = [...list.matchAll(/ name=(sentinel-[0-9a-f]{8}-(?:cmd|pubsub)) /g)].map((x) => x[1]);
  t.deepEqual(names.map((n) => n!.replace(/-[0-9a-f]{8}-/, '-x-')).sort(), ['sentinel-x-cmd', 'sentinel-x-pubsub']);

  // A wrong password is not a silent stall: the master goes SDOWN (its PINGs get -NOAUTH).
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', 'wrong')).value, 'OK');
  await waitFor(async () => /s_down/.test(String((await masterFlags(c, 'm')).flags)), { what: 'SDOWN with a wrong password' });
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', 's3cr3t')).value, 'OK');
  await waitFor(async () => (await masterFlags(c, 'm')).flags === 'master', { what: 'back up with the right password' });
  t.pass();
});
