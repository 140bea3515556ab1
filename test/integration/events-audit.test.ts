import test from 'ava';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

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
  return { s, c };
}

const eventMaps = async (c: RawClient, ...args: string[]) => ((await c.call('SENTINEL', 'EVENTS', ...args)).value as Value[]).map(fields);

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
