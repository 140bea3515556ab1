import test from 'ava';
import { TiltWatch } from '../../../src/actors/tilt-watch.js';
import { EventBus } from '../../../src/events/bus.js';
import type { SentinelEvent } from '../../../src/events/event.js';
import { newSentinelState } from '../../../src/sentinel/state.js';
import { FakeClock } from '../../helpers/fake-context.js';

function setup() {
  const state = newSentinelState();
  const events: SentinelEvent[] = [];
  const logs: string[] = [];
  const bus = new EventBus(new FakeClock());
  bus.subscribe((e) => events.push(e));
  const watch = new TiltWatch(state, bus, (_level, m) => logs.push(m));
  return { state, events, logs, watch };
}

test('tilt-watch: a stall enters TILT with Redis\'s payload and its size in the log only', (t) => {
  const { state, events, logs, watch } = setup();
  watch.stall(1, 2500, 10_000);
  t.true(state.tilt);
  t.is(state.tiltStartTime, 10_000);
  t.is(state.totalTilt, 1);
  t.deepEqual(events.map((e) => [e.level, e.type, e.text, e.master]), [['warning', '+tilt', '#tilt mode entered', null]]);
  t.deepEqual(logs, ['TILT entered: event loop stalled 2500 ms (shard 1)']);
});

test('tilt-watch: counts one pause that several shards report once', (t) => {
  const { state, events, watch } = setup();
  watch.stall(0, 3000, 10_000);
  watch.stall(1, 3004, 10_003);
  t.is(state.totalTilt, 1);
  t.is(events.length, 1);
  // a later, separate stall restarts TILT and counts again
  watch.stall(0, 2500, 20_000);
  t.is(state.totalTilt, 2);
  t.is(state.tiltStartTime, 20_000);
});

test('tilt-watch: leaves TILT once every running shard has been fresh since the stall', (t) => {
  const { state, events, watch } = setup();
  watch.stall(0, 2500, 10_000);
  watch.freshness(0, 10_050);
  watch.check(10_100, [0, 1]);
  t.true(state.tilt, 'shard 1 has not answered since the stall');
  watch.freshness(1, 9_000);
  watch.check(10_100, [0, 1]);
  t.true(state.tilt, 'shard 1 reported an instance not heard from since before the stall');
  watch.freshness(1, 10_020);
  watch.check(10_200, [0, 1]);
  t.false(state.tilt);
  t.deepEqual(events.at(-1)?.type, '-tilt');
  t.is(events.at(-1)?.text, '#tilt mode exited');
});

test('tilt-watch: leaves TILT after tilt-period at the latest', (t) => {
  const { state, watch } = setup();
  watch.stall(0, 2500, 10_000);
  watch.check(10_000 + state.timings.tiltPeriod - 1, [0]);
  t.true(state.tilt);
  watch.check(10_000 + state.timings.tiltPeriod, [0]);
  t.false(state.tilt);
});

test('tilt-watch: forgets what a restarted shard said', (t) => {
  const { state, watch } = setup();
  watch.stall(0, 2500, 10_000);
  watch.freshness(0, 10_050);
  watch.forget(0);
  watch.check(10_100, [0]);
  t.true(state.tilt);
});
