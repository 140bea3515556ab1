import { instanceDescription } from '../events/event.js';
import type { EventLevel } from '../events/event.js';
import type { AnnounceContext } from './addr-match.js';
import type { Effect } from './effects.js';
import type { MasterRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/** sentinel.c SENTINEL_MAX_DESYNC: failover start times get a random 0–999 ms on top. */
export const SENTINEL_MAX_DESYNC = 1000;

/**
 * What the cluster rules (hello, ODOWN, votes, failover) read besides the monitoring context.
 *
 * `currentEpoch` is the process-wide sentinel.current_epoch as the caller knows it. A rule that
 * raises it does so here, in place, so the later steps of the same call see the new value (a
 * vote cast after +new-epoch, the epoch sent with the vote requests), and returns a
 * `raise-epoch` effect so the shell adopts it: max(its value, epoch), before the next rule call
 * of any master.
 */
export type FailoverContext = RuleContext & {
  currentEpoch: number;
  /** a uniform integer in [0, maxExclusive) (sentinel.c rand() % n) */
  random: (maxExclusive: number) => number;
  /**
   * Optional: the wall-clock ms of a monotonic time, for the one log line that prints a date
   * ("Next failover delay: I will not start a failover before <ctime>"). Without it the line
   * gives the delay in seconds instead.
   */
  wallTime?: (monotonic: number) => number;
};

/** sentinel.current_epoch = epoch, when larger: in the context now, in the process via the effect. */
export function raiseEpoch(ctx: FailoverContext, epoch: number): Effect[] {
  if (epoch <= ctx.currentEpoch) return [];
  ctx.currentEpoch = epoch;
  return [{ kind: 'raise-epoch', epoch }];
}

/** An event without instance prefix (+new-epoch, +vote-for-leader, +switch-master) that still belongs to `master`. */
export const textEvent = (level: EventLevel, type: string, text: string, master: MasterRecord): Effect => ({
  kind: 'event-text',
  level,
  type,
  text,
  master: master.name,
});

/**
 * The shell renders an `event` effect's instance description when it performs it, from the
 * records as they are then. Events emitted before a master switches address in the same call
 * (+failover-end, +config-update-from: their text names the old address) are rendered here,
 * now, as `event-text` for the same master, so they keep the address they were emitted with.
 */
export function freezeEvents(effects: Effect[], ctx: AnnounceContext): void {
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i]!;
    if (e.kind !== 'event') continue;
    const desc = instanceDescription(e.instance, e.master, ctx);
    effects[i] = textEvent(e.level, e.type, e.detail === undefined ? desc : `${desc} ${e.detail}`, e.master);
  }
}

/** sentinel.c strcasecmp(a, b) == 0, for run ids. */
export const sameRunid = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
