import test from 'ava';
import { WallStepWatch, wallStepLine } from '../../../src/runtime/wall-step.js';

const M0 = 5_000_000;
const W0 = 1_800_000_000_000;

test('wall step: clocks moving together, or a stalled main thread, are no step', (t) => {
  const w = new WallStepWatch(M0, W0);
  t.is(w.observe(M0 + 100, W0 + 100, 2000), null);
  t.is(w.observe(M0 + 60_100, W0 + 60_100, 2000), null, 'a 60 s stall moves both clocks');
  t.is(w.observe(M0 + 60_200, W0 + 60_200 + 2000, 2000), null, 'exactly the threshold is not a step');
});

test('wall step: forward and backward steps beyond the threshold, signed', (t) => {
  const w = new WallStepWatch(M0, W0);
  t.is(w.observe(M0 + 100, W0 + 100 + 60_000, 2000), 60_000);
  t.is(w.observe(M0 + 200, W0 + 200 + 60_000, 2000), null, 'measured from the last reading, so reported once');
  t.is(w.observe(M0 + 300, W0 + 300, 2000), -60_000);
  t.is(wallStepLine(60_000), 'Wall clock stepped +60000 ms; not entering TILT (timers are monotonic)');
  t.is(wallStepLine(-60_000), 'Wall clock stepped -60000 ms; not entering TILT (timers are monotonic)');
});

test('wall step: a step between start and the first tick is seen at the first tick', (t) => {
  const w = new WallStepWatch(M0, W0);
  t.is(w.observe(M0 + 900, W0 + 900 - 60_000, 2000), -60_000);
});

test('wall step: a backward step hidden in a stall is still the difference of the deltas', (t) => {
  const w = new WallStepWatch(M0, W0);
  // 10 s stall during which the wall clock was set back 30 s: the wall moved -20 s
  t.is(w.observe(M0 + 10_000, W0 - 20_000, 2000), -30_000);
});
