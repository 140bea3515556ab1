import type { Clock } from '../runtime/clock.js';

/** process.hrtime in ms: CLOCK_MONOTONIC, one clock for every thread of the process. */
export const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6;

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
