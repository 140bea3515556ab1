import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { newSentinelState } from '../../../src/sentinel/state.js';
import { allRefreshedSince, TiltState } from '../../../src/sentinel/tilt.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';
import { eventLines, masterAt, replicaOf, T0 } from './helpers.js';

const W0 = 1_800_000_000_000;

function ticking() {
  const tilt = new TiltState(defaultTimings());
  tilt.observeTick(T0, W0);
  return tilt;
}

test('tilt: regular ticks change nothing', (t) => {
  const tilt = ticking();
  for (let i = 1; i <= 50; i++) t.deepEqual(tilt.observeTick(T0 + i * 100, W0 + i * 100), []);
  t.false(tilt.tilt);
  t.is(tilt.lastCause, null);
});

test('tilt: an event-loop stall longer than tilt-trigger enters TILT with the Redis payload and a log line', (t) => {
  const tilt = ticking();
  t.deepEqual(tilt.observeTick(T0 + 2000, W0 + 2000), [], 'exactly tilt-trigger is fine');
  const out = tilt.observeTick(T0 + 4512, W0 + 4512);
  t.deepEqual(eventLines(out), ['+tilt #tilt mode entered']);
  t.like(out[0], { kind: 'event-text', level: 'warning', master: null });
  t.deepEqual(out[1], { kind: 'log', level: 'warning', message: 'TILT entered: event loop stalled 2512 ms' });
  t.like(tilt.fields, { tilt: true, tiltStartTime: T0 + 4512, totalTilt: 1 });
  t.deepEqual(tilt.lastCause, { kind: 'event-loop-stall', ms: 2512 });
  t.is(tilt.since, T0 + 4512);
});

test('tilt: a wall-clock step is logged but does not enter TILT', (t) => {
  const tilt = ticking();
  const fwd = tilt.observeTick(T0 + 100, W0 + 3_600_100);
  t.deepEqual(fwd, [{ kind: 'log', level: 'warning', message: 'Wall clock stepped +3600000 ms; not entering TILT (timers are monotonic)' }]);
  t.false(tilt.tilt);
  t.deepEqual(tilt.lastCause, { kind: 'wall-clock-step', ms: 3_600_000 });
  const back = tilt.observeTick(T0 + 200, W0 + 200);
  t.like(back[0], { kind: 'log', message: 'Wall clock stepped -3600000 ms; not entering TILT (timers are monotonic)' });
  t.false(tilt.tilt);
  t.is(tilt.fields.totalTilt, 0);
});

test('tilt: leaves after tilt-period at the latest', (t) => {
  const tilt = ticking();
  tilt.observeTick(T0 + 3000, W0 + 3000);
  t.deepEqual(eventLines(tilt.observeTick(T0 + 3000 + 29_999, W0 + 3000 + 29_999)), ['+tilt #tilt mode entered'], 'a new stall re-enters');
  const start = T0 + 3000 + 29_999;
  let now = start;
  while (now < start + 29_900) {
    now += 100;
    t.deepEqual(tilt.observeTick(now, W0 + now - T0), []);
  }
  now += 100;
  t.deepEqual(eventLines(tilt.observeTick(now, W0 + now - T0)), ['-tilt #tilt mode exited']);
  t.false(tilt.tilt);
  t.is(tilt.fields.totalTilt, 2);
});

test('tilt: leaves as soon as every instance answered after the stall', (t) => {
  const tilt = ticking();
  tilt.observeTick(T0 + 2600, W0 + 2600);
  t.deepEqual(tilt.observeFreshness(false, T0 + 2700), []);
  t.true(tilt.tilt);
  t.deepEqual(eventLines(tilt.observeFreshness(true, T0 + 2800)), ['-tilt #tilt mode exited']);
  t.false(tilt.tilt);
  t.deepEqual(tilt.observeFreshness(true, T0 + 2900), [], 'nothing to leave');
});

test('tilt: observeFreshness also ends TILT after tilt-period without fresh answers', (t) => {
  const tilt = ticking();
  tilt.observeTick(T0 + 2600, W0 + 2600);
  t.deepEqual(tilt.observeFreshness(false, T0 + 2600 + 29_999), []);
  t.deepEqual(eventLines(tilt.observeFreshness(false, T0 + 2600 + 30_000)), ['-tilt #tilt mode exited']);
});

test('tilt: writes through to SentinelState so INFO sees it', (t) => {
  const state = newSentinelState();
  const tilt = new TiltState(state.timings, state);
  tilt.observeTick(T0, W0);
  tilt.observeTick(T0 + 5000, W0 + 5000);
  t.like(state, { tilt: true, tiltStartTime: T0 + 5000, totalTilt: 1 });
});

test('tilt: reads tilt-trigger and tilt-period at each tick (SENTINEL DEBUG)', (t) => {
  const timings = defaultTimings();
  const tilt = new TiltState(timings);
  tilt.observeTick(T0, W0);
  timings.tiltTrigger = 500;
  timings.tiltPeriod = 1000;
  t.deepEqual(eventLines(tilt.observeTick(T0 + 600, W0 + 600)), ['+tilt #tilt mode entered']);
  for (let now = T0 + 1000; now < T0 + 1600; now += 400) t.deepEqual(tilt.observeTick(now, W0 + now - T0), []);
  t.deepEqual(eventLines(tilt.observeTick(T0 + 1600, W0 + 1600)), ['-tilt #tilt mode exited']);
});

test('tilt: allRefreshedSince asks for a valid reply after the stall from every instance not already SDOWN', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  const dead = replicaOf(m, '127.0.0.1', 6381);
  dead.flags |= SRI.S_DOWN;
  dead.link.lastAvailTime = 0;
  m.link.lastAvailTime = T0 + 11;
  r.link.lastAvailTime = T0 + 10;
  t.false(allRefreshedSince([m, r, dead], T0 + 10), 'strictly after');
  r.link.lastAvailTime = T0 + 12;
  t.true(allRefreshedSince([m, r, dead], T0 + 10));
});
