import type { ConnectionKind, LinkReply } from '../links/types.js';
import type { Effect } from './effects.js';
import { SRI, type InstanceRecord, type MasterRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

/** The text of a status or error reply; null for anything else (bulk-less values, arrays). */
function replyText(reply: LinkReply): string | null {
  if (reply.kind === 'error') return reply.message;
  if (reply.kind === 'ok' && typeof reply.value === 'string') return reply.value;
  return null;
}

/**
 * sentinel.c sentinelPingReplyCallback. A reply starting with PONG, LOADING or MASTERDOWN
 * proves the instance is alive: last-avail time = now and no PING is pending any more; a PONG
 * also ends a master_reboot. `-BUSY` from an SDOWN instance asks once for SCRIPT KILL (the flag
 * is set even if the kill cannot be sent, as in sentinel.c; -sdown clears it). Any reply
 * refreshes last-pong time; a PING lost with its connection (`closed`) changes nothing.
 */
export function onPingReply(ri: InstanceRecord, master: MasterRecord, reply: LinkReply, ctx: RuleContext): Effect[] {
  if (reply.kind === 'closed') return [];
  const { link } = ri;
  const text = replyText(reply) ?? '';
  const out: Effect[] = [];
  if (text.startsWith('PONG') || text.startsWith('LOADING') || text.startsWith('MASTERDOWN')) {
    link.lastAvailTime = ctx.now;
    link.actPingTime = 0;
    if (ri.flags & SRI.MASTER_REBOOT && text.startsWith('PONG')) ri.flags &= ~SRI.MASTER_REBOOT;
  } else if (text.startsWith('BUSY') && ri.flags & SRI.S_DOWN && !(ri.flags & SRI.SCRIPT_KILL_SENT)) {
    out.push({ kind: 'script-kill', instance: ri, master });
    ri.flags |= SRI.SCRIPT_KILL_SENT;
  }
  link.lastPongTime = ctx.now;
  return out;
}

/**
 * sentinel.c sentinelSendPing, after the PING was written: last-ping time = now, and the
 * pending-PING time starts now unless an older PING is still unanswered (SDOWN counts from the
 * first unanswered one).
 */
export function onPingSent(ri: InstanceRecord, now: number): void {
  ri.link.lastPingTime = now;
  if (ri.link.actPingTime === 0) ri.link.actPingTime = now;
}

/** sentinel.c: a link is usable once the command connection, and for masters and replicas the pub/sub one, exist. */
function updateDisconnected(ri: InstanceRecord): void {
  const { link } = ri;
  link.disconnected = !(link.ccConnected && (ri.kind === 'sentinel' || link.pcConnected));
}

/**
 * A connection of `ri`'s link is up (sentinelReconnectInstance on success). A new command
 * connection starts with no pending commands, and any INFO or hello sent on the old one is
 * forgotten so they go out at once if due (the shell also sends a PING now, as sentinel.c does).
 * For a link shared by several sentinel records, call it for each record.
 */
export function onLinkConnected(ri: InstanceRecord, kind: ConnectionKind, now: number): void {
  const { link } = ri;
  if (kind === 'cc') {
    // Never pinged yet: the silence counted so far is the time the first connect took to be
    // seen here. The connect timeout (1 s) is below any down-after, so a first connect that
    // arrives later than that was completed by the kernel and noticed late by a busy thread
    // (a fleet's start-up): the count starts with the PING that goes out now, not before.
    if (link.lastPingTime === 0 && link.actPingTime !== 0) link.actPingTime = now;
    link.ccConnected = true;
    link.pendingCommands = 0;
    ri.helloSentTime = 0;
    if (ri.kind !== 'sentinel') ri.infoSentTime = 0;
  } else {
    link.pcConnected = true;
  }
  updateDisconnected(ri);
}

/**
 * A connection of `ri`'s link closed or failed (instanceLinkCloseConnection /
 * instanceLinkConnectionError): the link is disconnected; closing the command connection drops
 * its pending count. PING timing is kept: a PING pending before the drop still counts for SDOWN,
 * and a drop with none pending starts the count.
 */
export function onLinkDisconnected(ri: InstanceRecord, kind: ConnectionKind, now: number): void {
  const { link } = ri;
  // sentinel.c reconnects within a tick, counts the link as connected again from the attempt,
  // and queues a PING with it ("send a PING ASAP when reconnecting"), so a dead instance's
  // silence is counted from the first attempt after the drop, not from its last answer: SDOWN
  // comes down-after past the outage, never earlier. Argus keeps the link disconnected until it
  // is really back, and counts from the drop itself — of either connection: the CLIENT KILL of
  // a reconfiguration drops the pub/sub one of a healthy replica too.
  const wasUp = kind === 'cc' ? link.ccConnected : link.pcConnected;
  if (wasUp && link.actPingTime === 0) link.actPingTime = now;
  if (kind === 'cc') {
    link.ccConnected = false;
    link.pendingCommands = 0;
  } else {
    link.pcConnected = false;
  }
  updateDisconnected(ri);
}
