import type { Clock } from '../runtime/clock.js';

/**
 * process.hrtime in ms: CLOCK_MONOTONIC, one clock for every thread of the process. Read as
 * performance.now() plus this thread's fixed distance to hrtime: both count libuv's monotonic
 * clock, and performance.now() costs a fraction of a BigInt hrtime (it is read several times
 * per reply).
 */
const HRTIME_FROM_PERFORMANCE = ((): number => {
  // both read once first (the first reads are slow), then the closest of a few pairs
  performance.now();
  process.hrtime.bigint();
  let distance = Infinity;
  for (let i = 0; i < 5; i++) {
    const perf = performance.now();
    distance = Math.min(distance, Number(process.hrtime.bigint()) / 1e6 - perf);
  }
  return distance;
})();
export const hrtimeMs = (): number => HRTIME_FROM_PERFORMANCE + performance.now();

/**
 * The offset that puts a shard's monotonic times on the main thread's scale: each thread's
 * `performance.timeOrigin` is taken from the wall clock when the thread starts, so two threads
 * started apart disagree by whatever the wall clock was stepped or slewed in between. Snapshots
 * carry times (last PING reply, SDOWN since) that the main thread subtracts from its own clock.
 */
export const monotonicOffset = (main: Clock): number => main.monotonic() - hrtimeMs();

/** A shard's clock: the main thread's monotonic scale, and the wall clock. */
export function alignedClock(offset: number): Clock {
  return {
    monotonic: () => Math.floor(offset + hrtimeMs()),
    wall: () => Date.now(),
  };
}
