import test from 'ava';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

test('tilt: a stalled process enters TILT, reports no false SDOWN, and leaves TILT once fresh', async (t) => {
  const master = await startRedisServer();
  const argus = await startSentinel(`sentinel monitor m 127.0.0.1 ${master.port} 1\nsentinel down-after-milliseconds m 1000\n`);
  t.teardown(async () => {
    argus.child.kill('SIGCONT');
    await argus.cleanup();
    await master.stop();
  });
  const events = await EventRecorder.open(argus.port);
  t.teardown(() => events.close());
  const client = await RawClient.open(argus.port);
  t.teardown(() => client.close());
  await waitFor(async () => fields((await client.call('SENTINEL', 'MASTER', 'm')).value).flags === 'master', {
    what: 'master connected',
  });

  // The fault itself is a stall of known length: stop the whole process for 3 s.
  argus.child.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, 3_000));
  argus.child.kill('SIGCONT');

  const entered = await events.wait('+tilt', '#tilt mode entered');
  const info = String((await client.call('INFO', 'sentinel')).value);
  t.regex(info, /sentinel_total_tilt:1\r\n/);
  const exited = await events.wait('-tilt', '#tilt mode exited', { timeout: 10_000 });
  t.true(exited.at - entered.at < 5_000, `left TILT ${exited.at - entered.at} ms after entering (Redis: 30 s)`);
  t.is(events.count('+sdown'), 0, 'the stall did not make the healthy master look down');
  t.regex(argus.stdout(), /TILT entered: event loop stalled \d+ ms/);
});
