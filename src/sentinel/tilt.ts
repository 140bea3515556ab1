import type { Effect } from './effects.js';
import { SRI, type InstanceRecord } from './instance.js';
import type { SentinelTimings } from './timings.js';

/** The TILT fields of SentinelState (monotonic ms), so INFO can read them directly. */
export interface TiltFields {
  tilt: boolean;
  tiltStartTime: number;
  totalTilt: number;
}

/** Why the last tick was unusual: an event-loop stall (enters TILT) or a wall-clock step (logged only). */
export type TiltCause =
  | { readonly kind: 'event-loop-stall'; readonly ms: number }
  | { readonly kind: 'wall-clock-step'; readonly ms: number };

const entered = (): Effect => ({
  kind: 'event-text',
  level: 'warning',
  type: '+tilt',
  text: '#tilt mode entered',
  master: null,
});
const exited = (): Effect => ({
  kind: 'event-text',
  level: 'warning',
  type: '-tilt',
  text: '#tilt mode exited',
  master: null,
});

/**
 * TILT (sentinel.c sentinelCheckTiltCondition, monitoring.md §9), fed by the shell's tick.
 *
 * Why TILT exists: when the process is blocked (swap, a stopped VM, a synchronous disk write),
 * every timer looks expired at once and every instance looks down for reasons that are ours,
 * not theirs. So after such a gap Sentinel keeps observing but does not act.
 *
 * Deviations from sentinel.c, both deliberate:
 * - sentinel.c compares successive wall-clock readings, so it cannot tell a stall from a clock
 *   step (NTP, an operator) and enters TILT for both. Argus's timers and ages are monotonic, so a
 *   wall-clock step cannot fake an outage: it is logged and TILT is not entered. An event-loop
 *   stall (monotonic gap between ticks > tilt-trigger) enters TILT exactly as Redis does, with
 *   the same `+tilt #tilt mode entered` payload (the cause and size go to the log only).
 * - sentinel.c then stays blind for the whole tilt-period (30 s), even after a 2.5 s pause.
 *   Argus leaves TILT as soon as every instance that was not already SDOWN has given a valid
 *   reply after the stall (the shell pings everything on entry), because from then on no
 *   timer still carries stall time: each instance's silence is measured from a fresh answer.
 *   At the latest it leaves after tilt-period, as Redis does. Each new stall restarts it.
 */
export class TiltState {
  readonly fields: TiltFields;
  /** what the last tick that was out of line found (null before any) */
  lastCause: TiltCause | null = null;
  readonly #timings: SentinelTimings;
  #prevMono: number | null = null;
  #prevWall = 0;

  /**
   * `timings` is read on every call (SENTINEL DEBUG may change tilt-trigger and tilt-period);
   * `fields` defaults to a fresh object; pass SentinelState to keep INFO in step.
   */
  constructor(timings: SentinelTimings, fields: TiltFields = { tilt: false, tiltStartTime: 0, totalTilt: 0 }) {
    this.#timings = timings;
    this.fields = fields;
  }

  get tilt(): boolean {
    return this.fields.tilt;
  }

  /** Monotonic time TILT was last entered: freshness is counted from here. */
  get since(): number {
    return this.fields.tiltStartTime;
  }

  /**
   * One tick of the shell's timer. The first call only takes the readings. A monotonic gap
   * above tilt-trigger enters (or re-enters) TILT: `+tilt` plus a warning log line naming the
   * stall; a wall-clock step (wall delta minus monotonic delta beyond tilt-trigger either way)
   * gives a warning log line only. TILT older than tilt-period is left here as well.
   */
  observeTick(monoNow: number, wallNow: number): Effect[] {
    const out: Effect[] = [];
    if (this.#prevMono === null) {
      this.#prevMono = monoNow;
      this.#prevWall = wallNow;
      return out;
    }
    const monoGap = monoNow - this.#prevMono;
    const step = wallNow - this.#prevWall - monoGap;
    this.#prevMono = monoNow;
    this.#prevWall = wallNow;
    const trigger = this.#timings.tiltTrigger;

    if (Math.abs(step) > trigger) {
      this.lastCause = { kind: 'wall-clock-step', ms: step };
      out.push({
        kind: 'log',
        level: 'warning',
        message: `Wall clock stepped ${step > 0 ? '+' : ''}${step} ms; not entering TILT (timers are monotonic)`,
      });
    }
    if (monoGap > trigger) {
      this.lastCause = { kind: 'event-loop-stall', ms: monoGap };
      this.fields.tilt = true;
      this.fields.tiltStartTime = monoNow;
      this.fields.totalTilt++;
      out.push(entered(), { kind: 'log', level: 'warning', message: `TILT entered: event loop stalled ${monoGap} ms` });
      return out;
    }
    out.push(...this.#expire(monoNow));
    return out;
  }

  /**
   * The shell's answer to "has every instance given a valid reply since `since`?"
   * (see allRefreshedSince). Leaves TILT when it has, or when tilt-period has passed.
   */
  observeFreshness(allInstancesRefreshedSince: boolean, monoNow: number): Effect[] {
    if (!this.fields.tilt) return [];
    if (allInstancesRefreshedSince) return this.#leave();
    return this.#expire(monoNow);
  }

  #expire(monoNow: number): Effect[] {
    if (!this.fields.tilt || monoNow - this.fields.tiltStartTime < this.#timings.tiltPeriod) return [];
    return this.#leave();
  }

  #leave(): Effect[] {
    this.fields.tilt = false;
    return [exited()];
  }
}

/**
 * The freshness question for observeFreshness: every record that is not SDOWN has had a valid
 * reply (PONG, LOADING, MASTERDOWN) strictly after `since`. Records already SDOWN are skipped:
 * they were down before the stall and stay down either way, so they cannot produce a false
 * +sdown, and waiting for them would always last the whole tilt-period.
 */
export function allRefreshedSince(records: Iterable<InstanceRecord>, since: number): boolean {
  for (const ri of records) {
    if (ri.flags & SRI.S_DOWN) continue;
    if (ri.link.lastAvailTime <= since) return false;
  }
  return true;
}
