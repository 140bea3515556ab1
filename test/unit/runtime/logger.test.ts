import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventFields } from '../../../src/events/event-fields.js';
import type { SentinelEvent } from '../../../src/events/event.js';
import { Logger } from '../../../src/runtime/logger.js';
import { FakeClock } from '../../helpers/fake-context.js';
import { tempDir } from '../../helpers/tmp.js';

function logTo(t: { teardown(fn: () => void): void }, format: 'redis' | 'json', level: 'debug' | 'notice' = 'notice') {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const file = join(tmp.dir, 'argus.log');
  const clock = new FakeClock();
  const log = new Logger(clock, level, file, format);
  return { log, clock, lines: () => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') };
}

test('logger json: one object per line with time (epoch ms), Redis level names, pid and msg', (t) => {
  const { log, clock, lines } = logTo(t, 'json', 'debug');
  log.warning('Configuration loaded');
  log.notice('Sentinel ID is abc');
  log.verbose('v');
  log.debug('d');
  const parsed = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(parsed[0], { level: 'warning', time: clock.wall(), pid: process.pid, msg: 'Configuration loaded' });
  t.deepEqual(parsed.map((p) => p.level), ['warning', 'notice', 'verbose', 'debug']);
});

test('logger json: lines below loglevel are dropped, and setLevel applies at once', (t) => {
  const { log, lines } = logTo(t, 'json');
  log.verbose('hidden');
  log.setLevel('verbose');
  log.verbose('shown');
  t.deepEqual(lines().map((l) => (JSON.parse(l) as { msg: string }).msg), ['shown']);
});

test('logger json: an event line carries event, master, instance, role, epoch and text', (t) => {
  const { log, lines } = logTo(t, 'json');
  const events: SentinelEvent[] = [
    { level: 'warning', type: '+monitor', text: 'master m 127.0.0.1 6379 quorum 2', master: 'm', time: 0 },
    { level: 'warning', type: '+new-epoch', text: '3', master: 'm', time: 0 },
  ];
  for (const e of events) log.log(e.level, `${e.type} ${e.text}`, eventFields(e));
  const [monitor, epoch] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(monitor, {
    level: 'warning', msg: '+monitor master m 127.0.0.1 6379 quorum 2', event: '+monitor', master: 'm',
    instance: '127.0.0.1:6379', role: 'master', text: 'master m 127.0.0.1 6379 quorum 2',
  });
  t.like(epoch, { event: '+new-epoch', epoch: 3, master: 'm' });
});

test('logger json: text Argus holds as latin1 bytes is written as the UTF-8 it was; raw lines are warnings', (t) => {
  const { log, lines } = logTo(t, 'json');
  log.notice(Buffer.from('maître', 'utf8').toString('latin1'));
  log.raw('1:signal-handler (1) Received SIGTERM scheduling shutdown...\n');
  const [a, b] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  t.is(a!.msg, 'maître');
  t.like(b, { level: 'warning', msg: '1:signal-handler (1) Received SIGTERM scheduling shutdown...' });
});

test('logger redis: the default format is untouched; fields are not shown', (t) => {
  const { log, lines } = logTo(t, 'redis');
  log.log('warning', '+monitor master m 1.2.3.4 5 quorum 1', { event: '+monitor' });
  t.regex(lines()[0]!, new RegExp(`^${process.pid}:X \\d\\d \\w{3} \\d{4} [\\d:.]+ # \\+monitor master m 1\\.2\\.3\\.4 5 quorum 1$`));
});
