import test from 'ava';
import { readFileSync } from 'node:fs';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { redisCli } from '../helpers/redis-cli.js';

const CONFIG =
  'sentinel monitor m 127.0.0.1 6399 2\n' +
  'user ro on >pw +sentinel|get-master-addr-by-name +auth +hello\n';

const asRo = ['--user', 'ro', '--pass', 'pw', '--no-auth-warning'];

async function started(t: { teardown(fn: () => Promise<void> | void): void }, impl: 'argus' | 'redis'): Promise<SentinelProc> {
  const s = await startSentinel(CONFIG, { impl });
  t.teardown(() => s.cleanup());
  return s;
}

test('acl: a user allowed only GET-MASTER-ADDR-BY-NAME runs it and gets NOPERM for SENTINEL MASTERS (redis-cli --user/--pass)', async (t) => {
  const argus = await started(t, 'argus');
  t.is((await redisCli(argus.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm'], asRo)).out, '127.0.0.1\n6399\n');
  t.is(
    (await redisCli(argus.port, ['SENTINEL', 'MASTERS'], asRo)).out,
    "NOPERM User ro has no permissions to run the 'sentinel|masters' command\n\n",
  );
  t.is((await redisCli(argus.port, ['PING'], asRo)).out, "NOPERM User ro has no permissions to run the 'ping' command\n\n");
  t.is((await redisCli(argus.port, ['ACL', 'WHOAMI'], asRo)).out.startsWith('NOPERM'), true);
  // the denials are in ACL LOG for the default user to read
  const log = (await redisCli(argus.port, ['ACL', 'LOG'])).out;
  t.regex(log, /reason\ncommand\ncontext\ntoplevel\nobject\nsentinel\|masters\nusername\nro\n/);
});

test('acl: the same user lines give the same answers on redis-sentinel 7.0.15 (its NOPERM text is the 7.0 one)', async (t) => {
  const redis = await started(t, 'redis');
  t.is((await redisCli(redis.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm'], asRo)).out, '127.0.0.1\n6399\n');
  t.is(
    (await redisCli(redis.port, ['SENTINEL', 'MASTERS'], asRo)).out,
    "NOPERM this user has no permissions to run the 'sentinel|masters' command\n\n",
  );
  t.is((await redisCli(redis.port, ['AUTH', 'ro', 'bad'])).out, 'WRONGPASS invalid username-password pair or user is disabled.\n\n');
});

test('acl: HELLO AUTH and AUTH with a wrong password give WRONGPASS, a right one logs in as the user', async (t) => {
  const argus = await started(t, 'argus');
  const c = await RawClient.open(argus.port);
  t.teardown(() => c.close());
  t.deepEqual((await c.call('AUTH', 'ro', 'bad')).value, { error: 'WRONGPASS invalid username-password pair or user is disabled.' });
  t.deepEqual((await c.call('HELLO', '2', 'AUTH', 'ro', 'bad')).value, { error: 'WRONGPASS invalid username-password pair or user is disabled.' });
  t.not((await c.call('HELLO', '2', 'AUTH', 'ro', 'pw')).value, null);
  t.deepEqual((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')).value, ['127.0.0.1', '6399']);
});

test('acl: SETUSER and DELUSER persist as user lines in the config and survive a restart', async (t) => {
  const argus = await started(t, 'argus');
  t.is((await redisCli(argus.port, ['ACL', 'SETUSER', 'peer', 'on', '>x', '+ping', '+publish', '+auth', '&__sentinel__:hello'])).out, 'OK\n');
  t.is((await redisCli(argus.port, ['ACL', 'DELUSER', 'ro'])).out, '1\n');
  const text = readFileSync(argus.configPath, 'latin1');
  t.regex(text, /^user peer on #[0-9a-f]{64} resetchannels &__sentinel__:hello -@all \+ping \+publish \+auth$/m);
  t.notRegex(text, /^user ro /m);
  t.regex(text, /^user default on nopass sanitize-payload ~\* &\* \+@all$/m);
  await argus.stop();
  const again = await startSentinel(text);
  t.teardown(() => again.cleanup());
  t.is((await redisCli(again.port, ['PING'], ['--user', 'peer', '--pass', 'x', '--no-auth-warning'])).out, 'PONG\n');
  t.is((await redisCli(again.port, ['ACL', 'USERS'])).out, 'default\npeer\n');
});
