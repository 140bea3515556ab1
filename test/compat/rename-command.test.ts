import test from 'ava';
import { SentinelPair } from '../helpers/compat.js';
import { RawClient } from '../helpers/raw-client.js';

/**
 * Top-level `rename-command` renames the sentinel's own commands: the new name runs the command,
 * the old one is unknown, `""` hides it; errors and ACL rules keep the command's own name.
 * Compared with Debian's redis-sentinel 7.0.15 byte for byte.
 */
let pair: SentinelPair;

test.before(async () => {
  pair = await SentinelPair.start(
    'rename-command ROLE myrole\nrename-command ACL ""\nrename-command info inf2\nrename-command inf2 inf3\n' +
      'user limited on >pw -@all +role +ping\nsentinel monitor m 127.0.0.1 1 2\n',
  );
});
test.after.always(() => pair?.stop());

const SAME_BYTES: string[][] = [['ROLE'], ['myrole'], ['MyRole', 'x'], ['ACL', 'WHOAMI'], ['inf2'], ['PING']];

for (const cmd of SAME_BYTES) {
  test.serial(`rename-command: ${cmd.join(' ')} gets the same bytes as from redis-sentinel`, async (t) => {
    const { redis, argus } = await pair.both(...cmd);
    t.is(argus.raw, redis.raw);
  });
}

test.serial('rename-command: a command renamed twice runs under its last name', async (t) => {
  const { redis, argus } = await pair.both('inf3', 'sentinel');
  t.regex(String(redis.value), /^# Sentinel\r\nsentinel_masters:1\r\n/);
  t.regex(String(argus.value), /^# Sentinel\r\nsentinel_masters:1\r\n/);
});

test.serial('rename-command: ACL rules name the command, not what it is renamed to', async (t) => {
  for (const port of [pair.redis.port, pair.argus.port]) {
    const c = await RawClient.open(port);
    t.teardown(() => c.close());
    t.is((await c.call('AUTH', 'limited', 'pw')).value, 'OK');
    t.is((await c.call('MYROLE')).raw, '*2\r\n$8\r\nsentinel\r\n*1\r\n$1\r\nm\r\n');
    // 7.0 and 7.2 word NOPERM differently (README); both name `info`
    t.regex((await c.call('inf3')).raw, /^-NOPERM .*'info' command\r\n$/);
  }
});
