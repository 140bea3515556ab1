import test from 'ava';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.js';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { redisCli } from '../helpers/redis-cli.js';
import { waitFor } from '../helpers/wait-for.js';

let s: SentinelProc;
let io: Redis;

test.before(async () => {
  s = await startSentinel('sentinel monitor mymaster 127.0.0.1 1 2\nsentinel down-after-milliseconds mymaster 5000\n');
  io = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await io.connect();
});

test.after.always(async () => {
  io?.disconnect();
  await s?.cleanup();
});

test.serial('redis-cli: PING, ROLE and INFO sentinel answer as a sentinel', async (t) => {
  t.is((await redisCli(s.port, ['PING'])).out, 'PONG\n');
  t.is((await redisCli(s.port, ['ROLE'])).out, 'sentinel\nmymaster\n');
  const info = (await redisCli(s.port, ['INFO', 'sentinel'])).out;
  t.regex(info, /^# Sentinel\r\nsentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\nsentinel_total_tilt:0\r\n/);
  t.regex(info, /master0:name=mymaster,status=(ok|sdown),address=127\.0\.0\.1:1,slaves=0,sentinels=1\r\n/);
});

test.serial('redis-cli: SENTINEL MASTER and GET-MASTER-ADDR-BY-NAME', async (t) => {
  const addr = await redisCli(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster']);
  t.is(addr.out, '127.0.0.1\n1\n');
  const master = (await redisCli(s.port, ['SENTINEL', 'MASTER', 'mymaster'])).out.split('\n');
  t.deepEqual(master.filter((_, i) => i % 2 === 0).slice(0, 5), ['name', 'ip', 'port', 'runid', 'flags']);
  t.is(master[1], 'mymaster');
  t.is(master[master.indexOf('down-after-milliseconds') + 1], '5000');
  t.is((await redisCli(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'nope'])).out, '\n');
});

test.serial('ioredis: masters, unknown master null, and errors keep the connection usable', async (t) => {
  const masters = (await io.call('SENTINEL', 'MASTERS')) as string[][];
  t.is(masters.length, 1);
  t.is(fields(masters[0]!).name, 'mymaster');
  t.is(await io.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'nope'), null);
  await t.throwsAsync(io.call('SENTINEL', 'MASTER', 'nope'), { message: 'ERR No such master with that name' });
  await t.throwsAsync(io.call('GET', 'x'), { message: "ERR unknown command 'GET', with args beginning with: 'x' " });
  t.is(await io.ping(), 'PONG');
});

test.serial('MONITOR, SET and REMOVE change the config file on disk before they reply', async (t) => {
  t.is(await io.call('SENTINEL', 'MONITOR', 'other', '127.0.0.1', '2', '1'), 'OK');
  const afterMonitor = readFileSync(s.configPath, 'latin1');
  t.regex(afterMonitor, /^sentinel monitor other 127\.0\.0\.1 2 1$/m);
  t.is(await io.call('SENTINEL', 'SET', 'other', 'down-after-milliseconds', '1234', 'auth-pass', 'p w"x'), 'OK');
  const afterSet = readFileSync(s.configPath, 'latin1');
  t.regex(afterSet, /^sentinel down-after-milliseconds other 1234$/m);
  t.regex(afterSet, /^sentinel auth-pass other "p w\\"x"$/m);
  const reloaded = loadConfig(afterSet, s.configPath, [], 0);
  t.is(reloaded.state.masters.get('other')?.authPass, 'p w"x', 'the rewritten file loads back to the same value');
  t.is(await io.call('SENTINEL', 'REMOVE', 'other'), 'OK');
  t.notRegex(readFileSync(s.configPath, 'latin1'), /other/);
});

test.serial('SET with a bad pair applies nothing and writes nothing', async (t) => {
  const before = readFileSync(s.configPath, 'latin1');
  await t.throwsAsync(io.call('SENTINEL', 'SET', 'mymaster', 'quorum', '5', 'parallel-syncs', 'x'), {
    message: "ERR Invalid argument 'x' for SENTINEL SET 'parallel-syncs'",
  });
  t.is(fields(await io.call('SENTINEL', 'MASTER', 'mymaster') as string[]).quorum, '2');
  t.is(readFileSync(s.configPath, 'latin1'), before);
});

test.serial('SET with a control character is refused and the file is unchanged (config injection)', async (t) => {
  const before = readFileSync(s.configPath, 'latin1');
  await t.throwsAsync(
    io.call('SENTINEL', 'SET', 'mymaster', 'auth-pass', 'x\nsentinel notification-script mymaster /tmp/evil.sh'),
    { message: 'ERR Invalid argument at index 4 for SENTINEL SET: control characters are not allowed' },
  );
  t.is(readFileSync(s.configPath, 'latin1'), before);
});

test.serial('HELLO 3 switches to RESP3 maps and SUBSCRIBE receives +monitor pushes', async (t) => {
  const c = await RawClient.open(s.port);
  t.teardown(() => c.close());
  const hello = await c.call('HELLO', '3');
  t.true(hello.raw.startsWith('%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n'));
  t.deepEqual(Object.keys(fields(hello.value)), ['server', 'version', 'proto', 'id', 'mode', 'modules']);
  t.is(fields(hello.value).mode, 'sentinel');
  t.is((await c.call('SUBSCRIBE', '+monitor')).raw, '>3\r\n$9\r\nsubscribe\r\n$8\r\n+monitor\r\n:1\r\n');
  await io.call('SENTINEL', 'MONITOR', 'third', '127.0.0.1', '3', '1');
  const msg = await c.read();
  t.is(msg.raw, '>3\r\n$7\r\nmessage\r\n$8\r\n+monitor\r\n$38\r\nmaster third 127.0.0.1 3 quorum 1\r\n'.replace('$38', `$${'master third 127.0.0.1 3 quorum 1'.length}`));
  await io.call('SENTINEL', 'REMOVE', 'third');
});

test.serial('PSUBSCRIBE over ioredis receives events matching a pattern', async (t) => {
  const sub = new Redis({ port: s.port, host: '127.0.0.1' });
  t.teardown(() => sub.disconnect());
  const got: [string, string][] = [];
  sub.on('pmessage', (_p: string, ch: string, msg: string) => got.push([ch, msg]));
  await sub.psubscribe('*');
  await io.call('SENTINEL', 'SET', 'mymaster', 'quorum', '3');
  await waitFor(() => got.some(([ch]) => ch === '+set'), { what: '+set event' });
  t.deepEqual(got.find(([ch]) => ch === '+set'), ['+set', 'master mymaster 127.0.0.1 1 quorum 3']);
});

test.serial('a protocol error gets the Redis error and closes only that connection', async (t) => {
  const c = await RawClient.open(s.port);
  t.teardown(() => c.close());
  c.send('*1\r\n$x\r\n');
  t.deepEqual((await c.read()).value, { error: "ERR Protocol error: invalid bulk length" });
  await c.waitClosed();
  t.is(await io.ping(), 'PONG', 'the server and other clients are unaffected');
});

test.serial('inline commands work as typed in telnet', async (t) => {
  const c = await RawClient.open(s.port);
  t.teardown(() => c.close());
  c.send('PING\r\nsentinel get-master-addr-by-name mymaster\r\n');
  t.is((await c.read()).raw, '+PONG\r\n');
  t.is((await c.read()).raw, '*2\r\n$9\r\n127.0.0.1\r\n$1\r\n1\r\n');
});
