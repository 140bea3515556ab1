import type { Effect } from './effects.js';
import type { InstanceRecord, MasterRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/** The connection facts the links keep (monotonic ms); null = that connection is not up. */
export interface LinkActivity {
  /** when the command connection came up (sentinel.c cc_conn_time) */
  ccConnectedAt: number | null;
  /** when the pub/sub connection came up (pc_conn_time); always null for sentinel records */
  pcConnectedAt: number | null;
  /** last frame of any kind on the pub/sub connection (pc_last_activity) */
  pcLastActivity: number;
}

/**
 * First ms each close rule holds, Infinity when it cannot (the cc rule needs a pending PING).
 * Both rules only apply to connections older than min-link-reconnect-period.
 */
function closeTimes(ri: InstanceRecord, ctx: RuleContext, a: LinkActivity): { cc: number; pc: number } {
  const { link } = ri;
  const t = ctx.timings;
  const half = Math.floor(ri.downAfterPeriod / 2);
  const cc =
    a.ccConnectedAt === null || link.actPingTime === 0
      ? Infinity
      : Math.max(a.ccConnectedAt + t.minLinkReconnectPeriod, link.actPingTime + half, link.lastPongTime + half) + 1;
  const pc =
    a.pcConnectedAt === null
      ? Infinity
      : Math.max(a.pcConnectedAt + t.minLinkReconnectPeriod, a.pcLastActivity + t.publishPeriod * 3) + 1;
  return { cc, pc };
}

/**
 * The inactivity half of sentinel.c sentinelCheckSubjectivelyDown (monitoring.md §3): a
 * connection that looks open but is dead gets closed so the link reconnects.
 * - cc: up for more than min-link-reconnect-period, a PING pending for more than down-after/2,
 *   and no reply of any kind for more than down-after/2;
 * - pc: up for more than min-link-reconnect-period and silent for more than 3 × publish-period
 *   (a healthy one carries our own hello every publish-period).
 * Not in TILT. The shell closes the connection and then calls onLinkDisconnected.
 */
export function checkLinkInactivity(
  ri: InstanceRecord,
  _master: MasterRecord,
  ctx: RuleContext,
  activity: LinkActivity,
): Effect[] {
  if (ctx.tilt) return [];
  const { cc, pc } = closeTimes(ri, ctx, activity);
  const out: Effect[] = [];
  if (ctx.now >= cc) out.push({ kind: 'close-link', instance: ri, which: 'cc' });
  if (ctx.now >= pc) out.push({ kind: 'close-link', instance: ri, which: 'pc' });
  return out;
}

/**
 * The earliest monotonic ms at which checkLinkInactivity would close something if nothing
 * changes meanwhile (possibly already past); Infinity in TILT or when no rule can fire.
 * Recompute after every reply, PING sent, pub/sub frame and connect.
 */
export function linkInactivityDeadline(
  ri: InstanceRecord,
  _master: MasterRecord,
  ctx: RuleContext,
  activity: LinkActivity,
): number {
  if (ctx.tilt) return Infinity;
  const { cc, pc } = closeTimes(ri, ctx, activity);
  return Math.min(cc, pc);
}
