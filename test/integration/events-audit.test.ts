import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/** distinctive, so a search of the log cannot match anything else */
const SECRET = 'Audit-Secret-4d1b';

let master: Proc;
const started: SentinelProc[] = [];
const clients: RawClient[] = [];

test.before(async () => {
  master = await startRedisServer();
});

test.after.always(async () => {
  for (const c of clients) c.close();
  await Promise.all(started.map((s) => s.cleanup()));
  await master.stop();
});

async function argus(extraConfig = '', args: string[] = []) {
  const s = await startSentinel(`sentinel monitor m 127.0.0.1 ${master.port} 1\n${extraConfig}`, { args });
  started.push(s);
  const c = await RawClient.open(s.port);
  clients.push(c);
  return { s, c, addr: `${c.socket.localAddress}:${c.socket.localPort}` };
}

const eventMaps = async (c: RawClient, ...args: string[]) => ((await c.call('SENTINEL', 'EVENTS', ...args)).value as Value[]).map(fields);

/** every stdout line parsed as JSON (a line that is not JSON fails the test) */
const jsonLines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

test.serial('events: SENTINEL EVENTS shows +reset-master after SENTINEL RESET, per master and with *', async (t) => {
  const { c } = await argus();
  await waitFor(async () => (await eventMaps(c, 'm')).some((e) => e.type === '+monitor'), { what: '+monitor in the history' });
  t.is((await c.call('SENTINEL', 'RESET', 'm')).value, 1);
  const last = await eventMaps(c, 'm', '5');
  t.true(last.length <= 5);
  const reset = last.at(-1)!;
  t.like(reset, { type: '+reset-master', text: `master m 127.0.0.1 ${master.port}` });
  t.true(Math.abs(Number(reset.time) - Date.now()) < 60_000);
  const all = await eventMaps(c, '*', '100');
  t.deepEqual(all.map((e) => Number(e.id)), [...all.map((e) => Number(e.id))].sort((a, b) => a - b));
  t.true(all.some((e) => e.type === '+monitor') && all.some((e) => e.type === '+reset-master'));
  t.deepEqual((await c.call('SENTINEL', 'EVENTS', 'nosuch')).value, { error: 'ERR No such master with that name' });
  t.deepEqual((await c.call('SENTINEL', 'EVENTS', 'm', 'x')).value, { error: 'ERR value is not an integer or out of range' });
});

test.serial('audit: SENTINEL SET is logged with the client address and user, auth-pass masked', async (t) => {
  const { s, c, addr } = await argus();
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', SECRET, 'quorum', '1')).value, 'OK');
  t.is((await c.call('SENTINEL', 'SET', 'nosuch', 'quorum', '1')).value !== 'OK', true);
  const line = `Audit: ${addr} user default: SENTINEL SET m auth-pass ****** quorum 1 -> OK`;
  await waitFor(() => s.stdout().includes(line), { what: 'the audit line' });
  t.regex(s.stdout(), new RegExp(`:X .* \\* Audit: ${addr.replace(/\./g, '\\.')} user default: SENTINEL SET nosuch quorum 1 -> error: ERR No such master with that name`));
  // read-only commands leave no record
  await c.call('SENTINEL', 'MASTERS');
  t.notRegex(s.stdout(), /Audit: .*MASTERS/);
  t.false(s.stdout().includes(SECRET));
});

test.serial('json logs: argus-log-format json gives one JSON object per line, +monitor with its fields, no secret', async (t) => {
  const { s, c, addr } = await argus('argus-log-format json\n');
  await waitFor(() => s.stdout().includes('"event":"+monitor"'), { what: '+monitor line' });
  const monitor = jsonLines(s.stdout()).find((l) => l.event === '+monitor')!;
  t.like(monitor, {
    level: 'warning', pid: s.child.pid, master: 'm', instance: `127.0.0.1:${master.port}`, role: 'master',
    text: `master m 127.0.0.1 ${master.port} quorum 1`, msg: `+monitor master m 127.0.0.1 ${master.port} quorum 1`,
  });
  t.true(typeof monitor.time === 'number' && Math.abs((monitor.time as number) - Date.now()) < 60_000);
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', SECRET)).value, 'OK');
  t.is((await c.call('ACL', 'SETUSER', 'bob', 'on', `>${SECRET}`, '+@all')).value, 'OK');
  await waitFor(() => s.stdout().includes('"event":"+set"') && s.stdout().includes('ACL SETUSER'), { what: '+set and audit lines' });
  const lines = jsonLines(s.stdout());
  t.like(lines.find((l) => l.event === '+set'), { text: `master m 127.0.0.1 ${master.port} auth-pass ******` });
  t.like(lines.find((l) => String(l.msg).startsWith('Audit:')), { level: 'notice', msg: `Audit: ${addr} user default: SENTINEL SET m auth-pass ****** -> OK` });
  t.like(lines.find((l) => String(l.msg).includes('ACL SETUSER')), { msg: `Audit: ${addr} user default: ACL SETUSER bob on >****** +@all -> OK` });
  // neither the log nor the rewritten config's ACL line (hashed) holds the password in clear
  t.false(s.stdout().includes(SECRET));
  // the rewrite keeps the directive
  t.regex(readFileSync(s.configPath, 'latin1'), /^argus-log-format json$/m);
});

test.serial('json logs: --argus-log-format json on the command line writes JSON lines to the logfile', async (t) => {
  const { s } = await argus('', ['--argus-log-format', 'json', '--logfile', 'argus.log']);
  const file = join(s.dir, 'argus.log');
  await waitFor(() => readFileSync(file, 'utf8').includes('"event":"+monitor"'), { what: '+monitor in the logfile' });
  const lines = jsonLines(readFileSync(file, 'utf8'));
  t.true(lines.length >= 3);
  t.true(lines.every((l) => typeof l.msg === 'string' && ['debug', 'verbose', 'notice', 'warning'].includes(l.level as string)));
  t.is(s.stdout(), '');
});
