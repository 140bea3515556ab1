/**
 * TILT across threads. Each shard measures its own event loop (a heartbeat gap above
 * tilt-trigger is a stall) and reports the stall with its size; the main thread decides, since
 * TILT is one global mode (sentinel.tilt) that every coordinator reads from its globals.
 *
 * Entering follows sentinel.c sentinelCheckTiltCondition: `+tilt #tilt mode entered`, the
 * start time restarted and sentinel_total_tilt counted on every stall, the size in the log only.
 * Leaving is src/sentinel/tilt.ts's rule: once every instance that is not SDOWN has answered
 * after the stall, or after tilt-period at the latest. While in TILT each shard reports the
 * oldest last-valid-reply time among its non-SDOWN instances, so the main thread can answer
 * "every instance refreshed since the stall?" without holding every link's live state.
 *
 * A stall of the main thread itself does not enter TILT: the shards kept their timers, so it
 * cannot produce a false SDOWN. The main tick's gap is only logged (by whoever drives tick).
 */
import type { EventBus } from '../events/bus.js';
import type { LineLevel } from '../runtime/logger.js';
import type { Effect } from '../sentinel/effects.js';
import type { SentinelState } from '../sentinel/state.js';
import { TiltState } from '../sentinel/tilt.js';

export class TiltWatch {
  readonly #state: SentinelState;
  readonly #events: EventBus;
  readonly #log: (level: LineLevel, message: string) => void;
  readonly #rule: TiltState;
  /** per shard: the oldest last-valid-reply time among its non-SDOWN instances, as last reported */
  readonly #freshSince = new Map<number, number>();
  #lastStallEnd = -Infinity;

  constructor(state: SentinelState, events: EventBus, log: (level: LineLevel, message: string) => void) {
    this.#state = state;
    this.#events = events;
    this.#log = log;
    this.#rule = new TiltState(state.timings, state);
  }

  /**
   * A shard's heartbeat gap above tilt-trigger, `ms` long and ended at `at`: enter (or re-enter)
   * TILT. Shards report a process-wide pause (SIGSTOP, a VM freeze, swap) each on their own; a
   * stall that overlaps the one that last entered TILT is that same pause and counts once.
   */
  stall(shard: number, ms: number, at: number): void {
    if (at - ms <= this.#lastStallEnd) {
      this.#lastStallEnd = Math.max(this.#lastStallEnd, at);
      return;
    }
    this.#lastStallEnd = at;
    const f = this.#state;
    f.tilt = true;
    f.tiltStartTime = at;
    f.totalTilt++;
    this.#events.publish('warning', '+tilt', '#tilt mode entered');
    this.#log('warning', `TILT entered: event loop stalled ${ms} ms (shard ${shard})`);
  }

  freshness(shard: number, freshSince: number): void {
    this.#freshSince.set(shard, freshSince);
  }

  /** A shard restarted: its instances are new, so nothing it said before counts. */
  forget(shard: number): void {
    this.#freshSince.delete(shard);
  }

  /** Leave TILT when every running shard is fresh, or tilt-period has passed. */
  check(now: number, runningShards: readonly number[]): void {
    if (!this.#state.tilt) return;
    const since = this.#state.tiltStartTime;
    const fresh = runningShards.every((s) => (this.#freshSince.get(s) ?? -Infinity) > since);
    this.#apply(this.#rule.observeFreshness(fresh, now));
  }

  #apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.kind === 'event-text') this.#events.publish(e.level, e.type, e.text, e.master);
      else if (e.kind === 'log') this.#log(e.level, e.message);
    }
  }
}
