import { instanceEvent, type Effect } from './effects.js';
import type { FailoverContext } from './failover-context.js';
import type { MasterRecord } from './instance.js';

/**
 * Argus maintenance mode (`SENTINEL MAINTENANCE <master> ON [seconds] | OFF`,
 * `sentinel argus-maintenance <master> <until>`; docs/maintenance.md). While it is on, this
 * sentinel does not start an automatic failover of the master: where startFailoverIfNeeded would
 * start one it publishes `+argus-failover-suppressed` instead, once per ODOWN. Everything else
 * goes on: monitoring, SDOWN/ODOWN, asking peers, votes for a peer's failover (the vote
 * arithmetic of the cluster must not change behind the other sentinels' backs), a failover
 * already in progress, and SENTINEL FAILOVER (an operator's explicit act).
 *
 * The operator's value, `argusMaintenanceUntil`, is wall-clock: null = off, 0 = on with no
 * expiry, else the unix ms at which it ends. Both threads compute whether it is still on from
 * that one value and the wall clock (maintenanceOn), so an expiry needs no message: the shard
 * ends it by time (nextFailoverWake wakes it then) and asks for a config flush, and the main
 * thread drops the expired value when it renders the file (endExpiredMaintenance).
 */

/** Whether maintenance is on at wall-clock `wallNow` (unix ms). */
export function maintenanceOn(m: Pick<MasterRecord, 'argusMaintenanceUntil'>, wallNow: number): boolean {
  const until = m.argusMaintenanceUntil;
  return until !== null && (until === 0 || wallNow < until);
}

/** The rules' wall clock: ctx.wallTime of now, or now itself for a context without one (tests). */
const wallNow = (ctx: FailoverContext): number => (ctx.wallTime ? ctx.wallTime(ctx.now) : ctx.now);

/**
 * Notes the start and end of maintenance on the shard's record (`maintenanceActive`):
 * `+argus-maintenance <instance> [until <unix-ms>]` when it starts (also when a shard loads a
 * master already in maintenance), `-argus-maintenance <instance> [expired]` when it ends,
 * `expired` and a config flush when it ended by time. Run before startFailoverIfNeeded, so an
 * ODOWN master whose maintenance just ended fails over in the same call.
 */
export function checkMaintenance(master: MasterRecord, ctx: FailoverContext): Effect[] {
  const on = maintenanceOn(master, wallNow(ctx));
  if (on === master.maintenanceActive) return [];
  master.maintenanceActive = on;
  master.failoverSuppressedFor = -1;
  const until = master.argusMaintenanceUntil;
  if (on) return [instanceEvent('warning', '+argus-maintenance', master, master, until ? `until ${until}` : undefined)];
  if (until === null) return [instanceEvent('warning', '-argus-maintenance', master, master)];
  return [instanceEvent('warning', '-argus-maintenance', master, master, 'expired'), { kind: 'flush-config' }];
}

/**
 * In place of starting a failover while in maintenance: `+argus-failover-suppressed <instance>`
 * once for this ODOWN (a new ODOWN, or maintenance ending and starting again, may say it again).
 */
export function suppressFailover(master: MasterRecord): Effect[] {
  if (master.failoverSuppressedFor === master.odownSinceTime) return [];
  master.failoverSuppressedFor = master.odownSinceTime;
  return [instanceEvent('warning', '+argus-failover-suppressed', master, master)];
}

/** Whether this ODOWN's failover was already suppressed: nothing to wake for until maintenance ends. */
export const failoverSuppressed = (master: MasterRecord): boolean =>
  master.maintenanceActive && master.failoverSuppressedFor === master.odownSinceTime;

/** The monotonic ms at which maintenance ends by itself, or Infinity (off, or no expiry). */
export function maintenanceEndsAt(master: MasterRecord, ctx: FailoverContext): number {
  const until = master.argusMaintenanceUntil;
  if (!master.maintenanceActive || !until) return Infinity;
  return ctx.now + Math.max(0, Math.ceil(until - wallNow(ctx)));
}

/** Main thread, before a config rewrite: expired maintenance is off (the line disappears). */
export function endExpiredMaintenance(masters: Iterable<MasterRecord>, wallNow: number): void {
  for (const m of masters) {
    if (m.argusMaintenanceUntil !== null && !maintenanceOn(m, wallNow)) m.argusMaintenanceUntil = null;
  }
}
