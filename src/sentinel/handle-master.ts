import type { Effect } from './effects.js';
import { electionTimeout, failoverStartAt, failoverStateMachine, selectionMayWait, startFailoverIfNeeded } from './failover.js';
import { freezeEvents, type FailoverContext } from './failover-context.js';
import { SRI, type MasterRecord } from './instance.js';
import { checkMaintenance, failoverSuppressed, maintenanceEndsAt } from './maintenance.js';
import { refreshReplicasInfo, replicasAwaitingInfo } from './select-slave.js';
import { askMasterStateToOtherSentinels, checkObjectivelyDown, expireMasterDownReplies, masterDownExpiry, nextAskTime } from './odown.js';

/**
 * The master part of sentinel.c sentinelHandleRedisInstance's acting half, after
 * checkSubjectivelyDown (the instance actor's job): expire old peer answers, (Argus) poll the
 * replicas of an SDOWN master for fresh INFO (refreshReplicasInfo), update ODOWN, (Argus) note
 * maintenance starting or ending (checkMaintenance), start a failover if needed and then ask the peers at once (forced: vote requests), run the
 * failover state machine to a standstill (including the switch of update_config), ask the peers
 * at the normal cadence. Nothing in TILT.
 *
 * Idempotent and cheap: the shell may call it after every input concerning this master, and
 * must call it at least
 * - after the master's own `+sdown` / `-sdown` (asking peers starts at once, not a tick later);
 * - after each IS-MASTER-DOWN-BY-ADDR reply (onIsMasterDownReply): ODOWN, and the election;
 * - after a peer's link connects (it can be asked now);
 * - after every INFO reply of one of its replicas while a failover is in progress (the
 *   promotion — promotionConfirmed then re-pointing starts at once —, reconf progress,
 *   selection data), and after a replica's link connects or disconnects or its SDOWN changes;
 * - after SENTINEL FAILOVER was accepted (startUserFailover), after TILT ends;
 * - when the timer armed with nextFailoverWake fires.
 * Perform the effects in order.
 */
export function handleMaster(master: MasterRecord, ctx: FailoverContext): Effect[] {
  if (ctx.tilt) return [];
  expireMasterDownReplies(master, ctx);
  const out = refreshReplicasInfo(master, ctx);
  out.push(...checkObjectivelyDown(master, ctx));
  out.push(...checkMaintenance(master, ctx));
  const wasIdle = !(master.flags & SRI.FAILOVER_IN_PROGRESS);
  out.push(...startFailoverIfNeeded(master, ctx));
  if (wasIdle && master.flags & SRI.FAILOVER_IN_PROGRESS) out.push(...askMasterStateToOtherSentinels(master, ctx, true));
  // The state machine may switch the master's address: what was said so far keeps the old one.
  if (master.failoverState === 'reconf_slaves' || master.failoverState === 'update_config') freezeEvents(out, ctx);
  out.push(...failoverStateMachine(master, ctx));
  out.push(...askMasterStateToOtherSentinels(master, ctx, false));
  return out;
}

/**
 * The earliest monotonic ms at which handleMaster would do something if no other input
 * arrived (possibly ≤ now: call it again now), or Infinity. Arm one timer for it after every
 * handleMaster call; every other change comes with an input listed at handleMaster.
 * Covers: peers' answers expiring (5 × ask-period), the next ask of each connected peer while
 * the master is SDOWN, the end of the retry delay of an ODOWN master (2 × failover-timeout after
 * the last start; not once this ODOWN's failover was suppressed by maintenance), the end of
 * maintenance, the election window, the promotion and failover timeouts, slave-reconf-timeout.
 * Infinity in TILT: call handleMaster when TILT ends.
 */
export function nextFailoverWake(master: MasterRecord, ctx: FailoverContext): number {
  if (ctx.tilt) return Infinity;
  let at = Infinity;
  const soon = (t: number): void => {
    if (t < at) at = t;
  };
  for (const s of master.sentinels.values()) {
    soon(masterDownExpiry(s, ctx));
    soon(nextAskTime(master, s, ctx));
  }
  soon(maintenanceEndsAt(master, ctx));
  const timeout = master.failoverTimeout;
  const changed = master.failoverStateChangeTime;
  if (!(master.flags & SRI.FAILOVER_IN_PROGRESS)) {
    if (master.failoverState === 'update_config') soon(ctx.now);
    else if (master.flags & SRI.O_DOWN && !failoverSuppressed(master)) {
      soon(Math.max(failoverStartAt(master, ctx), master.failoverStartTime === 0 ? ctx.now : master.failoverStartTime + timeout * 2));
    }
    return at;
  }
  switch (master.failoverState) {
    case 'wait_start':
      soon(master.flags & SRI.FORCE_FAILOVER ? ctx.now : master.failoverStartTime + electionTimeout(master, ctx) + 1);
      break;
    case 'send_slaveof_noone':
    case 'wait_promotion':
      soon(changed + timeout + 1);
      break;
    case 'reconf_slaves':
      soon(changed + timeout + 1);
      for (const r of master.replicas.values()) {
        if (r.flags & SRI.RECONF_SENT) soon(r.slaveReconfSentTime + ctx.timings.slaveReconfTimeout + 1);
      }
      break;
    case 'select_slave':
      // only while waiting for replicas' INFO answers (selectionMayWait)
      if (!selectionMayWait(master, ctx)) soon(ctx.now);
      soon(changed + ctx.timings.pingPeriod + 1);
      for (const r of replicasAwaitingInfo(master, ctx)) soon(r.infoSentTime + ctx.timings.pingPeriod + 1);
      break;
    case 'update_config':
      soon(ctx.now);
      break;
    default:
      break;
  }
  return at;
}
