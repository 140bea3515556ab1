/**
 * Notices a step of the wall clock (NTP, an operator's `date -s`, a restored VM snapshot) on the
 * main timer's tick. Argus's timers and ages are monotonic, so a step cannot fake an outage and
 * does not enter TILT (redis-sentinel, which compares wall-clock readings, does); but log line
 * times, SENTINEL EVENTS' times and maintenance deadlines follow the wall clock, so the operator
 * is told. Two readings per tick: nothing is allocated unless the clock stepped.
 */
export class WallStepWatch {
  #prevMono: number;
  #prevWall: number;

  /**
   * The first readings, taken when the process starts rather than at the first tick: the
   * timer starts only once the shards run, and a step before that would go unseen.
   */
  constructor(monoNow: number, wallNow: number) {
    this.#prevMono = monoNow;
    this.#prevWall = wallNow;
  }

  /**
   * One tick's readings. Returns the step in ms (wall delta minus monotonic delta, + forward,
   * − backward) when its size is above `thresholdMs`, else null.
   */
  observe(monoNow: number, wallNow: number, thresholdMs: number): number | null {
    const prevMono = this.#prevMono;
    const prevWall = this.#prevWall;
    this.#prevMono = monoNow;
    this.#prevWall = wallNow;
    const step = wallNow - prevWall - (monoNow - prevMono);
    return Math.abs(step) > thresholdMs ? step : null;
  }
}

/** The warning line for a step (the same words TiltState uses). */
export const wallStepLine = (stepMs: number): string =>
  `Wall clock stepped ${stepMs > 0 ? '+' : ''}${Math.round(stepMs)} ms; not entering TILT (timers are monotonic)`;
