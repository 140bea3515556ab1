/**
 * Time is a parameter. Timers and ages run on monotonic time so a wall-clock step cannot fake
 * an outage; wall time is kept beside it for log lines and reports.
 */
export interface Clock {
  /** milliseconds on a monotonic scale (performance.now based); only differences mean anything */
  monotonic(): number;
  /** milliseconds since the epoch */
  wall(): number;
}

export const systemClock: Clock = {
  monotonic: () => Math.floor(performance.timeOrigin + performance.now()),
  wall: () => Date.now(),
};

export interface Random {
  /** an integer in [0, maxExclusive) */
  int(maxExclusive: number): number;
  /** `n` random lower-case hex characters */
  hex(n: number): string;
}
