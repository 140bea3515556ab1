import { addrName, isIpLiteral, type Addr } from './address.js';
import { addrEqualsHostname, announceHost } from './addr-match.js';
import { instanceEvent, type Effect } from './effects.js';
import { parseInfo, type ParsedInfo } from './info-parse.js';
import { newReplicaRecord, SRI, type InstanceRecord, type MasterRecord, type ReplicaRecord } from './instance.js';
import { promotionConfirmed } from './promotion.js';
import type { RuleContext } from './rule-context.js';
import { sameAddrOrHostname } from './switch-master.js';

/**
 * sentinel.c sentinelMasterLooksSane: the record is a master, reports itself one, is neither
 * SDOWN nor ODOWN, and its INFO is younger than two INFO periods.
 */
export function masterLooksSane(master: MasterRecord, ctx: RuleContext): boolean {
  return (
    (master.flags & SRI.MASTER) !== 0 &&
    master.roleReported === 'master' &&
    (master.flags & (SRI.S_DOWN | SRI.O_DOWN)) === 0 &&
    ctx.now - master.infoRefresh < ctx.timings.infoPeriod * 2
  );
}

/**
 * sentinel.c sentinelRedisInstanceNoDownFor: no SDOWN or ODOWN began in the last `ms` (the
 * since-times are not cleared when the state ends, so this is "not down recently").
 */
export function noDownFor(ri: InstanceRecord, ms: number, now: number): boolean {
  const mostRecent = Math.max(ri.sdownSinceTime, ri.odownSinceTime);
  return mostRecent === 0 || now - mostRecent > ms;
}

/** The replica this sentinel's failover promoted (sentinel.c master->promoted_slave). */
export const promotedReplica = (master: MasterRecord): ReplicaRecord | null => {
  for (const r of master.replicas.values()) if (r.flags & SRI.PROMOTED) return r;
  return null;
};

/**
 * sentinelSendSlaveOf as an effect, aimed at `to` in its announced form; V9 aborts a FAILOVER
 * the instance reports in progress first (SLAVEOF is refused during one).
 */
const sendSlaveOf = (ri: ReplicaRecord, master: MasterRecord, to: Addr, ctx: RuleContext): Effect => ({
  kind: 'send-slaveof',
  instance: ri,
  master,
  host: announceHost(to, ctx),
  port: to.port,
  abortFailover: ri.monitoredFailoverState === 'failover',
});

/**
 * A `slave<N>:` address not yet known under this master becomes a replica record
 * (createSentinelRedisInstance + `+slave` + flush). Refused as sentinel.c refuses: a port out
 * of range, or a hostname without resolve-hostnames. Names use the address as reported.
 *
 * Known means: a record of that name, or one at the same address by IP or by hostname
 * (sentinelAddrOrHostnameEqual, names through the links' cache). sentinel.c looks a replica up
 * by its announced address (sentinelRedisInstanceLookupSlave), so with announce-hostnames no a
 * replica known by name (a known-replica line, the old master after a switch) and reported by
 * IP in INFO is the same record; with yes it gets a second record. Argus keeps one in both
 * cases: records are shown by their IP with announce-hostnames no, and a second record would
 * show the same replica twice.
 */
function discoverReplica(master: MasterRecord, host: string, port: number, ctx: RuleContext): Effect[] {
  if (port < 0 || port > 65535) return [];
  if (!isIpLiteral(host) && !ctx.resolveHostnames) return [];
  const addr: Addr = { host, port };
  const name = addrName(addr);
  if (master.replicas.has(name)) return [];
  for (const r of master.replicas.values()) if (sameAddrOrHostname(r.addr, addr, ctx)) return [];
  const replica = newReplicaRecord(name, addr, master, ctx.now);
  master.replicas.set(name, replica);
  return [
    instanceEvent('notice', '+slave', replica, master),
    { kind: 'replica-added', replica, master },
    { kind: 'flush-config' },
  ];
}

/** Store what a replica's INFO says about its own replication (fields read after role:slave). */
function storeReplicaFields(ri: ReplicaRecord, p: ParsedInfo, now: number): void {
  if (p.masterHost !== null) {
    if (ri.slaveMasterHost === null || ri.slaveMasterHost.toLowerCase() !== p.masterHost.toLowerCase()) {
      ri.slaveMasterHost = p.masterHost;
      ri.slaveConfChangeTime = now;
    }
  }
  if (p.masterPort !== null && ri.slaveMasterPort !== p.masterPort) {
    ri.slaveMasterPort = p.masterPort;
    ri.slaveConfChangeTime = now;
  }
  if (p.masterLinkStatusUp !== null) ri.slaveMasterLinkStatusUp = p.masterLinkStatusUp;
  if (p.slavePriority !== null) ri.slavePriority = p.slavePriority;
  if (p.slaveReplOffset !== null) ri.slaveReplOffset = p.slaveReplOffset;
  if (p.replicaAnnounced !== null) ri.replicaAnnounced = p.replicaAnnounced;
}

/**
 * sentinel.c sentinelRefreshInstanceInfo: an INFO reply from a master or replica record.
 * `master` is the record itself for a master, else the replica's master.
 *
 * Parsing half (also in TILT): cache the text, run id (+reboot, master_reboot), replica
 * discovery from a master's INFO (+slave), the replica's replication fields, V9 failover state,
 * info-refresh, role change (+role-change / -role-change). Acting half (not in TILT): our
 * promoted replica reporting master confirms the promotion (promotion.ts: +promoted-slave,
 * +failover-state-reconf-slaves), another replica reporting master is converted back
 * (+convert-to-slave), a replica following the wrong master
 * or stuck in a V9 FAILOVER is fixed (+fix-slave-config), and the INFO-driven steps of a
 * replica reconfiguration (+slave-reconf-inprog, +slave-reconf-done).
 *
 * Deviation: an INFO without any `role:` line leaves the reported role as it was (sentinel.c
 * records "role 0" and emits a -role-change saying "slave").
 */
export function refreshInstanceInfo(
  ri: MasterRecord | ReplicaRecord,
  master: MasterRecord,
  infoText: string,
  ctx: RuleContext,
): Effect[] {
  const { now, timings } = ctx;
  const out: Effect[] = [];
  ri.info = infoText;
  const p = parseInfo(infoText);

  if (p.runId !== null) {
    if (ri.runid === null) {
      ri.runid = p.runId;
    } else if (ri.runid !== p.runId) {
      out.push(instanceEvent('notice', '+reboot', ri, master));
      if (ri.kind === 'master' && ri.masterRebootDownAfterPeriod !== 0) {
        ri.flags |= SRI.MASTER_REBOOT;
        ri.masterRebootSinceTime = now;
      }
      ri.runid = p.runId;
    }
  }

  if (ri.kind === 'master') for (const r of p.replicas) out.push(...discoverReplica(ri, r.host, r.port, ctx));

  if (ri.kind === 'slave') {
    ri.masterLinkDownTime = p.masterLinkDownTime;
    storeReplicaFields(ri, p, now);
  }

  if (p.failoverState !== null && p.failoverState !== ri.monitoredFailoverState) {
    ri.monitoredFailoverState = p.failoverState;
    ri.monitoredFailoverChangeTime = now;
  }
  ri.infoRefresh = now;

  // Acting half. The role change is remembered (and told) even in TILT.
  const role = p.role;
  if (role !== null && role !== ri.roleReported) {
    ri.roleReportedTime = now;
    ri.roleReported = role;
    if (role === 'slave' && ri.kind === 'slave') ri.slaveConfChangeTime = now;
    const type = (ri.kind === 'master') === (role === 'master') ? '+role-change' : '-role-change';
    out.push(instanceEvent('verbose', type, ri, master, `new reported role is ${role}`));
  }

  if (ctx.tilt) return out;

  // A master reporting role:slave: nothing here; sdown.ts counts it down after a while.
  if (ri.kind !== 'slave') return out;

  if (role === 'master') {
    const promoting = master.flags & SRI.FAILOVER_IN_PROGRESS && master.failoverState === 'wait_promotion';
    if (ri.flags & SRI.PROMOTED && promoting) {
      // Promotion confirmed (failover.md §5.4): the failover moves on to reconf_slaves.
      out.push(...promotionConfirmed(master, ri, ctx));
      return out;
    }
    // A replica turned master on its own: force our view after a quiet period, so that a newer
    // configuration (a hello) has time to arrive first.
    const wait = timings.publishPeriod * 4;
    if (
      !(ri.flags & SRI.PROMOTED) &&
      masterLooksSane(master, ctx) &&
      noDownFor(ri, wait, now) &&
      now - ri.roleReportedTime > wait
    ) {
      out.push(sendSlaveOf(ri, master, master.addr, ctx), instanceEvent('notice', '+convert-to-slave', ri, master));
    }
  }

  if (role !== 'slave') return out;

  // V9: a replica stuck in a FAILOVER for longer than failover-timeout (the SLAVEOF aborts it).
  if (ri.monitoredFailoverState === 'failover') {
    const wait = master.failoverTimeout;
    if (masterLooksSane(master, ctx) && noDownFor(ri, wait, now) && now - ri.monitoredFailoverChangeTime > wait) {
      out.push(sendSlaveOf(ri, master, master.addr, ctx), instanceEvent('notice', '+fix-slave-config', ri, master));
    }
  }

  // A replica replicating from another address than its master record.
  if (ri.slaveMasterPort !== master.addr.port || !addrEqualsHostname(master.addr, ri.slaveMasterHost, ctx)) {
    const wait = master.failoverTimeout;
    if (masterLooksSane(master, ctx) && noDownFor(ri, wait, now) && now - ri.slaveConfChangeTime > wait) {
      out.push(sendSlaveOf(ri, master, master.addr, ctx), instanceEvent('notice', '+fix-slave-config', ri, master));
    }
  }

  // A replica being reconfigured by our failover: reconf_sent → reconf_inprog → reconf_done.
  if (ri.flags & (SRI.RECONF_SENT | SRI.RECONF_INPROG)) {
    const promoted = promotedReplica(master);
    if (
      ri.flags & SRI.RECONF_SENT &&
      promoted !== null &&
      ri.slaveMasterHost !== null &&
      addrEqualsHostname(promoted.addr, ri.slaveMasterHost, ctx) &&
      ri.slaveMasterPort === promoted.addr.port
    ) {
      ri.flags = (ri.flags & ~SRI.RECONF_SENT) | SRI.RECONF_INPROG;
      out.push(instanceEvent('notice', '+slave-reconf-inprog', ri, master));
    }
    if (ri.flags & SRI.RECONF_INPROG && ri.slaveMasterLinkStatusUp) {
      ri.flags = (ri.flags & ~SRI.RECONF_INPROG) | SRI.RECONF_DONE;
      out.push(instanceEvent('notice', '+slave-reconf-done', ri, master));
    }
  }
  return out;
}
