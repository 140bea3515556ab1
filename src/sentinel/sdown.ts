import { instanceEvent, type Effect } from './effects.js';
import { SRI, type InstanceRecord, type MasterRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/**
 * The start of the "no answer" interval (sentinel.c's `elapsed`): the oldest unanswered PING;
 * with none pending, the last valid reply if the link is disconnected; otherwise none (null).
 */
const silentSince = (ri: InstanceRecord): number | null =>
  ri.link.actPingTime ? ri.link.actPingTime : ri.link.disconnected ? ri.link.lastAvailTime : null;

/** A master that keeps saying role:slave counts as down after down-after plus two INFO periods. */
const claimsSlaveLimit = (ri: InstanceRecord, ctx: RuleContext): number =>
  ri.downAfterPeriod + ctx.timings.infoPeriod * 2;

/**
 * sentinel.c sentinelCheckSubjectivelyDown (the link-inactivity half is link-inactivity.ts).
 * SDOWN when any of:
 * 1. no valid answer for more than down-after (PING pending, or link down, that long);
 * 2. a master record reporting role:slave for more than down-after + 2 × info-period;
 * 3. master_reboot set for more than master-reboot-down-after-period.
 * Entering: flag, since-time, `+sdown`; leaving: clear s_down and script_kill_sent, `-sdown`
 * (the since-time stays: noDownFor reads it). Not evaluated in TILT: SDOWN is frozen there.
 */
export function checkSubjectivelyDown(ri: InstanceRecord, master: MasterRecord, ctx: RuleContext): Effect[] {
  if (ctx.tilt) return [];
  const { now } = ctx;
  const since = silentSince(ri);
  const elapsed = since === null ? 0 : now - since;
  const down =
    elapsed > ri.downAfterPeriod ||
    (ri.kind === 'master' && ri.roleReported === 'slave' && now - ri.roleReportedTime > claimsSlaveLimit(ri, ctx)) ||
    (ri.kind === 'master' && (ri.flags & SRI.MASTER_REBOOT) !== 0 &&
      now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod);

  if (down) {
    if (ri.flags & SRI.S_DOWN) return [];
    ri.flags |= SRI.S_DOWN;
    ri.sdownSinceTime = now;
    return [instanceEvent('warning', '+sdown', ri, master)];
  }
  if (!(ri.flags & SRI.S_DOWN)) return [];
  ri.flags &= ~(SRI.S_DOWN | SRI.SCRIPT_KILL_SENT);
  return [instanceEvent('warning', '-sdown', ri, master)];
}

/**
 * The earliest monotonic ms at which checkSubjectivelyDown would report `+sdown` if nothing
 * changes meanwhile (no reply, no PING sent, no INFO): the first ms where one of its strict `>`
 * conditions holds, possibly already past. Infinity when the record is already SDOWN, in TILT
 * (re-evaluate every record when TILT ends), or when no condition can ever fire as things
 * stand (a connected link with no PING pending). Recompute after every reply, PING sent,
 * connect/disconnect and INFO.
 */
export function sdownDeadline(ri: InstanceRecord, _master: MasterRecord, ctx: RuleContext): number {
  if (ctx.tilt || ri.flags & SRI.S_DOWN) return Infinity;
  const since = silentSince(ri);
  let deadline = since === null ? Infinity : since + ri.downAfterPeriod + 1;
  if (ri.kind === 'master') {
    if (ri.roleReported === 'slave') deadline = Math.min(deadline, ri.roleReportedTime + claimsSlaveLimit(ri, ctx) + 1);
    if (ri.flags & SRI.MASTER_REBOOT) {
      deadline = Math.min(deadline, ri.masterRebootSinceTime + ri.masterRebootDownAfterPeriod + 1);
    }
  }
  return deadline;
}
