import test from 'ava';
import { sentinelSection } from '../../../src/commands/info.js';
import { pendingScriptsReply } from '../../../src/commands/sentinel/pending-scripts.js';
import { EventBus } from '../../../src/events/bus.js';
import type { SentinelEvent } from '../../../src/events/event.js';
import { ScriptRunner } from '../../../src/scripts/script-runner.js';
import type { ScriptSpawner, SpawnHandlers } from '../../../src/scripts/spawner.js';
import { createMaster, newSentinelState } from '../../../src/sentinel/state.js';
import { harness, wire } from '../../helpers/fake-context.js';
import { FakeTime } from './fake-time.js';

/** Records spawns; the test answers for the "process". */
class FakeSpawner implements ScriptSpawner {
  readonly spawned: { id: number; argv: readonly string[]; on: SpawnHandlers }[] = [];
  readonly killed: number[] = [];
  spawn(id: number, argv: readonly string[], on: SpawnHandlers): void {
    this.spawned.push({ id, argv, on });
  }
  kill(id: number): void {
    this.killed.push(id);
  }
  async close(): Promise<void> {}
}

function setup() {
  const time = new FakeTime();
  const state = newSentinelState();
  const m1 = createMaster(state, 'm1', '127.0.0.1', 6379, 1, time.monotonic());
  const m2 = createMaster(state, 'm2', '127.0.0.1', 6380, 1, time.monotonic());
  if (!m1.ok || !m2.ok) throw new Error('createMaster');
  m1.value.notificationScript = '/opt/notify.sh';
  m1.value.clientReconfigScript = '/opt/reconfig.sh';
  const events = new EventBus(time);
  const seen: SentinelEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const spawner = new FakeSpawner();
  const runner = new ScriptRunner({ state, events, clock: time, spawner, timers: time });
  events.subscribe((e) => runner.notify(e));
  const scriptEvents = () => seen.filter((e) => e.type.includes('script')).map((e) => `${e.level} ${e.type} ${e.text}`);
  return { time, state, m1: m1.value, events, seen, spawner, runner, scriptEvents };
}

test('script runner: a warning event of a master with notification-script queues [path, type, text]', (t) => {
  const { time, events, m1, spawner, runner } = setup();
  events.instanceEvent('warning', '+sdown', m1, m1);
  t.deepEqual(runner.jobs().map((j) => j.argv), [['/opt/notify.sh', '+sdown', 'master m1 127.0.0.1 6379']]);
  t.is(spawner.spawned.length, 0, 'starts on the next turn, as on the next Sentinel tick');
  time.advance(0);
  t.deepEqual(spawner.spawned.map((s) => s.argv), [['/opt/notify.sh', '+sdown', 'master m1 127.0.0.1 6379']]);
});

test('script runner: no job for non-warning events, events without instance, or masters without a script', (t) => {
  const { events, m1, state, runner } = setup();
  events.instanceEvent('notice', '+slave', m1, m1);
  events.publish('warning', '+tilt', '#tilt mode entered');
  events.instanceEvent('warning', '+sdown', state.masters.get('m2')!, state.masters.get('m2')!);
  t.deepEqual(runner.jobs(), []);
  // instance-less text but an instance inside (sentinel.c passes the master): it runs
  events.publish('warning', '+new-epoch', '7', 'm1');
  t.deepEqual(runner.jobs().map((j) => j.argv), [['/opt/notify.sh', '+new-epoch', '7']]);
});

test('script runner: Sentinel events for a child: +script-child, -script-child, -script-error on exit 2', (t) => {
  const { time, runner, spawner, scriptEvents } = setup();
  runner.schedule(['/opt/notify.sh', 'a', 'b']);
  time.advance(0);
  const child = spawner.spawned[0]!;
  child.on.spawned(321);
  t.like(runner.jobs()[0], { running: true, pid: 321, retryNum: 1 });
  child.on.exited(2, 0);
  t.deepEqual(scriptEvents(), [
    'debug +script-child 321',
    'debug -script-child 321 2 0',
    'warning -script-error /opt/notify.sh 0 2',
  ]);
  t.deepEqual(runner.jobs(), []);
});

test('script runner: -script-error events have no instance, so they never run a notification script', (t) => {
  const { time, runner, spawner, seen } = setup();
  runner.schedule(['/opt/notify.sh', 'x', 'y']);
  time.advance(0);
  spawner.spawned[0]!.on.exited(3, 0);
  t.is(seen.find((e) => e.type === '-script-error')?.master, null);
  t.deepEqual(runner.jobs(), []);
});

test('script runner: exit 1 retries after script-retry-delay on the timer, to the millisecond', (t) => {
  const { time, runner, spawner } = setup();
  runner.schedule(['/opt/notify.sh', 'a', 'b']);
  time.advance(0);
  spawner.spawned[0]!.on.spawned(10);
  time.advance(5);
  spawner.spawned[0]!.on.exited(1, 0);
  t.like(runner.jobs()[0], { running: false, pid: 0, retryNum: 1 });
  time.advance(29_999);
  t.is(spawner.spawned.length, 1);
  time.advance(1);
  t.is(spawner.spawned.length, 2);
  t.like(runner.jobs()[0], { running: true, retryNum: 2 });
});

test('script runner: after script-max-runtime the child gets SIGKILL and -script-timeout, then a retry', (t) => {
  const { time, runner, spawner, scriptEvents } = setup();
  runner.schedule(['/opt/notify.sh', 'a', 'b']);
  time.advance(0);
  const child = spawner.spawned[0]!;
  child.on.spawned(555);
  time.advance(60_000);
  t.deepEqual(spawner.killed, []);
  time.advance(1);
  t.deepEqual(spawner.killed, [child.id]);
  t.true(scriptEvents().includes('warning -script-timeout /opt/notify.sh 555'));
  child.on.exited(0, 9);
  t.true(scriptEvents().includes('debug -script-child 555 0 9'));
  t.false(scriptEvents().some((e) => e.includes('-script-error')));
  time.advance(30_000);
  t.is(spawner.spawned.length, 2);
});

test('script runner: a SENTINEL DEBUG script-max-runtime change reaches a script already running', (t) => {
  const { time, state, runner, spawner } = setup();
  runner.schedule(['/opt/notify.sh', 'a', 'b']);
  time.advance(0);
  state.timings.scriptMaxRuntime = 200;
  time.advance(1_000);
  t.deepEqual(spawner.killed, [spawner.spawned[0]!.id]);
});

test('script runner: clientReconfig queues the seven arguments, or returns false without a script', (t) => {
  const { runner } = setup();
  t.true(runner.clientReconfig('m1', 'leader', 'start', '127.0.0.1', 6379, '127.0.0.1', 6380));
  t.true(runner.clientReconfig('m1', 'observer', 'start', 'old.example', 6379, 'new.example', 7000));
  t.false(runner.clientReconfig('m2', 'leader', 'start', '127.0.0.1', 6380, '127.0.0.1', 6381));
  t.false(runner.clientReconfig('nope', 'leader', 'start', '127.0.0.1', 1, '127.0.0.1', 2));
  t.deepEqual(runner.jobs().map((j) => j.argv), [
    ['/opt/reconfig.sh', 'm1', 'leader', 'start', '127.0.0.1', '6379', '127.0.0.1', '6380'],
    ['/opt/reconfig.sh', 'm1', 'observer', 'start', 'old.example', '6379', 'new.example', '7000'],
  ]);
});

test('script runner: argv is cut at 16 entries (SENTINEL_SCRIPT_MAX_ARGS)', (t) => {
  const { runner } = setup();
  runner.schedule(Array.from({ length: 20 }, (_, i) => String(i)));
  t.is(runner.jobs()[0]!.argv.length, 16);
});

test('script runner: PENDING-SCRIPTS and INFO read the live queue with Sentinel fields', (t) => {
  const { time, runner, spawner } = setup();
  for (let i = 0; i < 18; i++) runner.schedule(['/opt/notify.sh', '+sdown', `e${i}`]);
  time.advance(0);
  spawner.spawned[0]!.on.spawned(4001);
  spawner.spawned[1]!.on.spawned(4002);
  time.advance(250);
  spawner.spawned[1]!.on.exited(1, 0); // e1 waits 30 s for its retry
  time.advance(100);
  const h = harness();
  const sentinel = { ...h.sentinel, scripts: runner, clock: time };
  const info = sentinelSection(sentinel, []);
  t.regex(info, /sentinel_running_scripts:16\r\nsentinel_scripts_queue_length:18\r\n/);
  const reply = wire(pendingScriptsReply(runner.jobs(), time.monotonic()));
  const first =
    '*10\r\n$4\r\nargv\r\n*3\r\n$14\r\n/opt/notify.sh\r\n$6\r\n+sdown\r\n$2\r\ne0\r\n' +
    '$5\r\nflags\r\n$7\r\nrunning\r\n$3\r\npid\r\n$4\r\n4001\r\n$8\r\nrun-time\r\n$3\r\n350\r\n$9\r\nretry-num\r\n$1\r\n1\r\n';
  const second =
    '*10\r\n$4\r\nargv\r\n*3\r\n$14\r\n/opt/notify.sh\r\n$6\r\n+sdown\r\n$2\r\ne1\r\n' +
    '$5\r\nflags\r\n$9\r\nscheduled\r\n$3\r\npid\r\n$1\r\n0\r\n$9\r\nrun-delay\r\n$5\r\n29900\r\n$9\r\nretry-num\r\n$1\r\n1\r\n';
  t.true(reply.startsWith(`*18\r\n${first}${second}`));
  // e1 freed a slot, so e16 runs; e17 waits for one: scheduled, due now
  t.true(reply.endsWith('$9\r\nscheduled\r\n$3\r\npid\r\n$1\r\n0\r\n$9\r\nrun-delay\r\n$1\r\n0\r\n$9\r\nretry-num\r\n$1\r\n0\r\n'));
});
