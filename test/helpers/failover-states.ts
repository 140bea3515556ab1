/**
 * The failover leader's states (sentinel.c SENTINEL_FAILOVER_STATE_*) as a test sees them from
 * outside: through the events the leader publishes. For fault tests that stop the leader in a
 * given state.
 */
import type { FailoverState as AnyFailoverState } from '../../src/sentinel/instance.js';
import type { SeenEvent } from './events.js';

/** a state a failover is in (not `none`) */
export type FailoverState = Exclude<AnyFailoverState, 'none'>;

/** The states in the order a failover goes through them; `switched` is after update_config. */
export const FAILOVER_STATES: readonly FailoverState[] = [
  'wait_start',
  'select_slave',
  'send_slaveof_noone',
  'wait_promotion',
  'reconf_slaves',
  'update_config',
];

/**
 * How a test reaches a state: SIGKILL the sentinel as soon as it publishes `event`, or arm
 * SENTINEL SIMULATE-FAILURE `flag` on every sentinel, so whichever leads exits (99) there by
 * itself, when the state lasts too short a time for a kill from outside to land in it.
 */
export type StateTrigger =
  | { readonly kind: 'event'; readonly event: string }
  | { readonly kind: 'simulate'; readonly flag: 'crash-after-election' | 'crash-after-promotion' };

/** Which event marks the leader as being in each state, by the last one it published. */
const STATE_OF_EVENT: Readonly<Record<string, FailoverState | 'switched'>> = {
  '+try-failover': 'wait_start',
  '+elected-leader': 'select_slave',
  '+failover-state-select-slave': 'select_slave',
  '+selected-slave': 'send_slaveof_noone',
  '+failover-state-send-slaveof-noone': 'send_slaveof_noone',
  '+failover-state-wait-promotion': 'wait_promotion',
  '+promoted-slave': 'reconf_slaves',
  '+failover-state-reconf-slaves': 'reconf_slaves',
  '+slave-reconf-sent': 'reconf_slaves',
  '+slave-reconf-inprog': 'reconf_slaves',
  '+slave-reconf-done': 'reconf_slaves',
  '+failover-end': 'update_config',
  '+failover-end-for-timeout': 'update_config',
  '+switch-master': 'switched',
};

const ORDER: readonly (FailoverState | 'switched')[] = [...FAILOVER_STATES, 'switched'];

/** The event types a sentinel's log shows, in order: `pid:X 07 Dec 2026 03:29:52.123 # +elected-leader …`. */
export function loggedEventTypes(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/^\d+:[A-Z] .*? [#*.-] ([+-][a-z-]+) /gm)) out.push(m[1]!);
  return out;
}

/**
 * The furthest failover step a sentinel took, by its last failover event among `types` (event
 * channels in order) and the state that event puts it in. Null when it published none.
 */
function lastStep(types: readonly string[]): { event: string; state: FailoverState | 'switched' } | null {
  for (let i = types.length - 1; i >= 0; i--) {
    const state = STATE_OF_EVENT[types[i]!];
    if (state !== undefined) return { event: types[i]!, state };
  }
  return null;
}

/**
 * Where a sentinel was when it died: the furthest step in what it published to subscribers and
 * what it wrote to its log (a process that exits may never send its last events, and a log may
 * lag the events), or null when neither shows a failover step.
 */
export function lastFailoverStep(events: readonly SeenEvent[], log = ''): { event: string; state: FailoverState | 'switched' } | null {
  const a = lastStep(events.map((e) => e.channel));
  const b = lastStep(loggedEventTypes(log));
  if (a === null || b === null) return a ?? b;
  return ORDER.indexOf(b.state) > ORDER.indexOf(a.state) ? b : a;
}

/**
 * Promotions per epoch in one sentinel's event stream: a `+promoted-slave` belongs to the epoch
 * of that sentinel's failover, the `+new-epoch` just before its last `+try-failover`
 * (`startEpoch` + 1 when the stream holds none: a failover started before the stream did). The
 * event carries no epoch, and a leader may adopt a higher one from a rival's vote request while
 * its own failover goes on.
 */
export function promotionsByEpoch(events: readonly SeenEvent[], startEpoch: number): Map<number, number> {
  const out = new Map<number, number>();
  let latest = startEpoch;
  let failoverEpoch = startEpoch + 1;
  for (const e of events) {
    if (e.channel === '+new-epoch') latest = Math.max(latest, Number(e.text));
    else if (e.channel === '+try-failover') failoverEpoch = latest;
    else if (e.channel === '+promoted-slave') out.set(failoverEpoch, (out.get(failoverEpoch) ?? 0) + 1);
  }
  return out;
}

/** The highest epoch a sentinel published (`+new-epoch`, `+vote-for-leader <id> <epoch>`), 0 for none. */
export function highestPublishedEpoch(events: readonly SeenEvent[]): number {
  let max = 0;
  for (const e of events) {
    if (e.channel === '+new-epoch') max = Math.max(max, Number(e.text));
    else if (e.channel === '+vote-for-leader') max = Math.max(max, Number(e.text.split(' ')[1]));
  }
  return max;
}

/** `sentinel current-epoch` and the master's `sentinel config-epoch` in a sentinel's config text. */
export function savedEpochs(config: string, name: string): { current: number | null; config: number | null } {
  const cur = /^sentinel current-epoch (\d+)$/m.exec(config);
  const cfg = new RegExp(`^sentinel config-epoch ${name} (\\d+)$`, 'm').exec(config);
  return { current: cur ? Number(cur[1]) : null, config: cfg ? Number(cfg[1]) : null };
}
