import { bulkMap, type Reply } from '../../resp/reply.js';
import { announceHost, announceName, type AnnounceContext } from '../../sentinel/addr-match.js';
import { SRI, type InstanceRecord } from '../../sentinel/instance.js';
import { currentLinkError } from '../../sentinel/link-errors.js';
import type { SentinelContext } from '../types.js';

/**
 * How replies show addresses, decided when the reply is made (SENTINEL CONFIG SET
 * announce-hostnames applies to the next reply): names, or the IPs the shards resolved them to.
 */
export const announceOf = (sentinel: SentinelContext): AnnounceContext => ({ announceHostnames: sentinel.state.announceHostnames });

/** Flag names in the order addReplySentinelRedisInstance prints them; `disconnected` is the link's. */
const FLAG_NAMES: readonly (readonly [number | 'link', string])[] = [
  [SRI.S_DOWN, 's_down'],
  [SRI.O_DOWN, 'o_down'],
  [SRI.MASTER, 'master'],
  [SRI.SLAVE, 'slave'],
  [SRI.SENTINEL, 'sentinel'],
  ['link', 'disconnected'],
  [SRI.MASTER_DOWN, 'master_down'],
  [SRI.FAILOVER_IN_PROGRESS, 'failover_in_progress'],
  [SRI.PROMOTED, 'promoted'],
  [SRI.RECONF_SENT, 'reconf_sent'],
  [SRI.RECONF_INPROG, 'reconf_inprog'],
  [SRI.RECONF_DONE, 'reconf_done'],
  [SRI.FORCE_FAILOVER, 'force_failover'],
  [SRI.COORDINATED_FAILOVER, 'coordinated_failover'],
  [SRI.SCRIPT_KILL_SENT, 'script_kill_sent'],
  [SRI.MASTER_REBOOT, 'master_reboot'],
];

export function flagsString(ri: InstanceRecord): string {
  return FLAG_NAMES.filter(([bit]) => (bit === 'link' ? ri.link.disconnected : (ri.flags & bit) !== 0))
    .map(([, name]) => name)
    .join(',');
}

type Field = readonly [string, string | number];

/**
 * sentinel.c addReplySentinelRedisInstance: the field/value map of one instance, every value a
 * bulk string, conditional fields left out (not emptied). Ages are `now - t` on the monotonic
 * clock, so a wall-clock step never shows as a strange age.
 */
export function instanceFields(ri: InstanceRecord, now: number, announce: AnnounceContext): Field[] {
  const { link } = ri;
  const f: Field[] = [
    // a replica's name and every `ip` as announceSentinelAddr shows them: the hostname with
    // announce-hostnames yes, else its resolved IP (master-host stays as the replica reports it)
    ['name', announceName(ri, announce)],
    ['ip', announceHost(ri.addr, announce)],
    ['port', ri.addr.port],
    ['runid', ri.runid ?? ''],
    ['flags', flagsString(ri)],
    ['link-pending-commands', link.pendingCommands],
    ['link-refcount', link.refcount],
  ];
  if (ri.kind === 'master' && ri.flags & SRI.FAILOVER_IN_PROGRESS) f.push(['failover-state', ri.failoverState]);
  f.push(
    ['last-ping-sent', link.actPingTime ? now - link.actPingTime : 0],
    ['last-ok-ping-reply', now - link.lastAvailTime],
    ['last-ping-reply', now - link.lastPongTime],
  );
  if (ri.flags & SRI.S_DOWN) f.push(['s-down-time', now - ri.sdownSinceTime]);
  if (ri.flags & SRI.O_DOWN) f.push(['o-down-time', now - ri.odownSinceTime]);
  f.push(['down-after-milliseconds', ri.downAfterPeriod]);

  if (ri.kind === 'master' || ri.kind === 'slave') {
    f.push(
      ['info-refresh', ri.infoRefresh ? now - ri.infoRefresh : 0],
      ['role-reported', ri.roleReported === 'master' ? 'master' : 'slave'],
      ['role-reported-time', now - ri.roleReportedTime],
    );
  }
  if (ri.kind === 'master') {
    f.push(
      ['config-epoch', ri.configEpoch],
      ['num-slaves', ri.replicas.size],
      ['num-other-sentinels', ri.sentinels.size],
      ['quorum', ri.quorum],
      ['failover-timeout', ri.failoverTimeout],
      ['parallel-syncs', ri.parallelSyncs],
    );
    if (ri.notificationScript !== null) f.push(['notification-script', ri.notificationScript]);
    if (ri.clientReconfigScript !== null) f.push(['client-reconfig-script', ri.clientReconfigScript]);
  }
  if (ri.kind === 'slave') {
    f.push(
      ['master-link-down-time', ri.masterLinkDownTime],
      ['master-link-status', ri.slaveMasterLinkStatusUp ? 'ok' : 'err'],
      ['master-host', ri.slaveMasterHost ?? '?'],
      ['master-port', ri.slaveMasterPort],
      ['slave-priority', ri.slavePriority],
      ['slave-repl-offset', ri.slaveReplOffset],
      ['replica-announced', ri.replicaAnnounced ? 1 : 0],
    );
  }
  if (ri.kind === 'sentinel') {
    f.push(
      ['last-hello-message', now - ri.lastHelloTime],
      ['voted-leader', ri.leader ?? '?'],
      ['voted-leader-epoch', ri.leaderEpoch],
    );
  }
  // Argus: last, and only while the instance refuses a command (NOAUTH/WRONGPASS/NOPERM), so a
  // healthy instance's map stays byte-identical to redis-sentinel's.
  const linkError = currentLinkError(ri);
  if (linkError !== null) f.push(['argus-link-error', linkError]);
  // Argus: only while the master is in maintenance (as its shard last saw it): the config
  // directive's value, 0 (no expiry) or the unix ms it ends at.
  if (ri.kind === 'master' && ri.maintenanceActive) f.push(['argus-maintenance', ri.argusMaintenanceUntil ?? 0]);
  return f;
}

export const instanceMap = (ri: InstanceRecord, now: number, announce: AnnounceContext): Reply =>
  bulkMap(instanceFields(ri, now, announce));

/**
 * addReplyDictOfRedisInstances: replicas whose INFO said replica_announced:0 are left out of the
 * list (they still count in num-slaves and may still be promoted).
 */
export const instanceMaps = (records: Iterable<InstanceRecord>, now: number, announce: AnnounceContext): Reply[] =>
  [...records].filter((ri) => ri.kind !== 'slave' || ri.replicaAnnounced).map((ri) => instanceMap(ri, now, announce));
