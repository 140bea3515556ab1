import type { Addr } from './address.js';
import type { SentinelTimings } from './timings.js';
import { SENTINEL_DEFAULT_PARALLEL_SYNCS, SENTINEL_DEFAULT_SLAVE_PRIORITY } from './timings.js';

/** sentinel.c SRI_* bits. */
export const SRI = {
  MASTER: 1 << 0,
  SLAVE: 1 << 1,
  SENTINEL: 1 << 2,
  S_DOWN: 1 << 3,
  O_DOWN: 1 << 4,
  MASTER_DOWN: 1 << 5,
  FAILOVER_IN_PROGRESS: 1 << 6,
  PROMOTED: 1 << 7,
  RECONF_SENT: 1 << 8,
  RECONF_INPROG: 1 << 9,
  RECONF_DONE: 1 << 10,
  FORCE_FAILOVER: 1 << 11,
  SCRIPT_KILL_SENT: 1 << 12,
  MASTER_REBOOT: 1 << 13,
  COORDINATED_FAILOVER: 1 << 14,
} as const;

export type FailoverState =
  | 'none'
  | 'wait_start'
  | 'select_slave'
  | 'send_slaveof_noone'
  | 'wait_promotion'
  | 'reconf_slaves'
  | 'update_config';

/** sentinel.c instanceLink: the connection state shared by the records that use it. */
export interface LinkState {
  disconnected: boolean;
  pendingCommands: number;
  refcount: number;
  /** oldest unanswered PING, 0 when none is pending; starts at creation so a dead instance goes SDOWN */
  actPingTime: number;
  lastPingTime: number;
  /** last reply of any kind */
  lastPongTime: number;
  /** last valid reply (PONG, LOADING, MASTERDOWN) */
  lastAvailTime: number;
  /** sentinel.c link->cc != NULL: the command connection is up (kept by ping.ts onLinkConnected/Disconnected) */
  ccConnected: boolean;
  /** sentinel.c link->pc != NULL: the pub/sub connection is up (masters and replicas only) */
  pcConnected: boolean;
  /**
   * Argus: commands the instance currently refuses with -NOAUTH, -WRONGPASS or -NOPERM, oldest
   * first, one entry per command (link-errors.ts). Kept on the link because credentials belong
   * to the connection, and a peer's link is shared by its records. Replaced, never mutated, so
   * a snapshot may share the array.
   */
  permErrors: readonly PermError[];
}

/** A command refused for lack of credentials or permissions, and the instance's error text. */
export interface PermError {
  /** `INFO`, `CLIENT SETNAME`, `SENTINEL IS-MASTER-DOWN-BY-ADDR` ... (never arguments) */
  readonly command: string;
  readonly error: string;
}

export const newLink = (now: number): LinkState => ({
  disconnected: true,
  pendingCommands: 0,
  refcount: 1,
  actPingTime: now,
  lastPingTime: 0,
  lastPongTime: now,
  lastAvailTime: now,
  ccConnected: false,
  pcConnected: false,
  permErrors: [],
});

interface InstanceBase {
  /** master: configured name; replica: ip:port; sentinel: run id */
  readonly name: string;
  addr: Addr;
  runid: string | null;
  flags: number;
  link: LinkState;
  downAfterPeriod: number;
  sdownSinceTime: number;
  odownSinceTime: number;
  /** monotonic time of the last PUBLISH of our hello that was not answered with an error (starts at creation) */
  lastPubTime: number;
  /** monotonic time the last hello PUBLISH was sent, 0 if none (Argus: paces retries, periodic.ts) */
  helloSentTime: number;
}

/** Valkey 9: what INFO's master_failover_state says (absent = the server has no FAILOVER command). */
export type MonitoredFailoverState = 'not-supported' | 'no-failover' | 'failover';

/** Fields masters and replicas share, learned from INFO. */
interface InfoFields {
  /** monotonic time of the last INFO reply, 0 if never */
  infoRefresh: number;
  info: string | null;
  roleReported: 'master' | 'slave';
  roleReportedTime: number;
  /** monotonic time the last INFO was sent, 0 if none (Argus: paces retries, periodic.ts) */
  infoSentTime: number;
  /** V9 sentinel.c monitored_instance_failover_state and the time it last changed */
  monitoredFailoverState: MonitoredFailoverState;
  monitoredFailoverChangeTime: number;
}

export interface ReplicaRecord extends InstanceBase, InfoFields {
  readonly kind: 'slave';
  masterLinkDownTime: number;
  /** sentinel.c slave_reconf_sent_time: when our failover sent it SLAVEOF <promoted> (0 = never) */
  slaveReconfSentTime: number;
  slaveMasterHost: string | null;
  slaveMasterPort: number;
  /** last change of the reported master_host/master_port, or of the role to slave (starts at creation) */
  slaveConfChangeTime: number;
  slaveMasterLinkStatusUp: boolean;
  slavePriority: number;
  slaveReplOffset: number;
  replicaAnnounced: boolean;
}

export interface SentinelRecord extends InstanceBase {
  readonly kind: 'sentinel';
  lastHelloTime: number;
  /** the vote this peer reported to us */
  leader: string | null;
  leaderEpoch: number;
  /**
   * sentinel.c last_master_down_reply_time: the last well-formed IS-MASTER-DOWN-BY-ADDR reply
   * (starts at creation, as in sentinel.c). Answers older than 5 × ask-period expire (odown.ts).
   */
  lastMasterDownReplyTime: number;
  /**
   * Argus: when the last IS-MASTER-DOWN-BY-ADDR was sent to this peer (0 = never). sentinel.c
   * re-asks an unanswered peer on every 100 ms tick; Argus re-asks once per ask-period.
   */
  askSentTime: number;
  /** Argus: the current epoch sent with the last IS-MASTER-DOWN-BY-ADDR to this peer (0 = none) */
  askEpoch: number;
}

export interface RenamedCommand {
  /** as the operator wrote it (the map key is its lower-case form) */
  readonly command: string;
  readonly renamed: string;
}

export interface MasterRecord extends InstanceBase, InfoFields {
  readonly kind: 'master';
  quorum: number;
  failoverTimeout: number;
  parallelSyncs: number;
  notificationScript: string | null;
  clientReconfigScript: string | null;
  authPass: string | null;
  authUser: string | null;
  masterRebootDownAfterPeriod: number;
  /** when the master_reboot flag was set (a run id change with master-reboot-down-after-period > 0) */
  masterRebootSinceTime: number;
  /**
   * Argus-only, opt-in (0 = off): when > 0 it replaces ping-period in the PING rule for this
   * master's instances (periodic.ts), e.g. to detect a dead master faster than once a second.
   */
  argusPingPeriod: number;
  /**
   * Argus-only, opt-in (null = off): maintenance mode, set by SENTINEL MAINTENANCE; 0 = no
   * expiry, else the wall-clock unix ms at which it ends (maintenance.ts).
   */
  argusMaintenanceUntil: number | null;
  /** the shard's: maintenance was on when the rules last looked (checkMaintenance) */
  maintenanceActive: boolean;
  /** the odownSinceTime of the ODOWN whose failover was suppressed (-1: none; suppressFailover) */
  failoverSuppressedFor: number;
  /** Argus SENTINEL SWITCHOVER: the replica (record name) the running failover must promote, else null */
  switchoverTarget: string | null;
  configEpoch: number;
  /** our vote for this master's failover: run id and epoch */
  leader: string | null;
  leaderEpoch: number;
  failoverState: FailoverState;
  failoverEpoch: number;
  /** sentinel.c failover_state_change_time: when failoverState last changed (0 = never) */
  failoverStateChangeTime: number;
  /**
   * sentinel.c failover_start_time: the last attempt's start plus a random 0–999 ms, or the time
   * of a vote for another sentinel (plus the same); no new attempt before it + 2 × failover-timeout
   */
  failoverStartTime: number;
  /** sentinel.c failover_delay_logged: the failoverStartTime the "Next failover delay" line was logged for */
  failoverDelayLogged: number;
  /**
   * Argus: the random pause (ms) between ODOWN and the start of a failover, drawn once per ODOWN
   * (for the ODOWN that began at `failoverJitterFor`); see startFailoverIfNeeded
   */
  failoverJitter: number;
  failoverJitterFor: number;
  renamedCommands: Map<string, RenamedCommand>;
  /** keyed by addrName */
  replicas: Map<string, ReplicaRecord>;
  /** keyed by run id */
  sentinels: Map<string, SentinelRecord>;
  /** monotonic time the record was created (role-reported-time starts there) */
  readonly createdTime: number;
}

export type InstanceRecord = MasterRecord | ReplicaRecord | SentinelRecord;

export function newMasterRecord(
  name: string,
  addr: Addr,
  quorum: number,
  timings: SentinelTimings,
  now: number,
): MasterRecord {
  return {
    kind: 'master',
    name,
    addr,
    runid: null,
    flags: SRI.MASTER,
    link: newLink(now),
    downAfterPeriod: timings.defaultDownAfter,
    sdownSinceTime: 0,
    odownSinceTime: 0,
    lastPubTime: now,
    helloSentTime: 0,
    infoRefresh: 0,
    info: null,
    roleReported: 'master',
    roleReportedTime: now,
    infoSentTime: 0,
    monitoredFailoverState: 'not-supported',
    monitoredFailoverChangeTime: 0,
    quorum,
    failoverTimeout: timings.defaultFailoverTimeout,
    parallelSyncs: SENTINEL_DEFAULT_PARALLEL_SYNCS,
    notificationScript: null,
    clientReconfigScript: null,
    authPass: null,
    authUser: null,
    masterRebootDownAfterPeriod: 0,
    masterRebootSinceTime: 0,
    argusPingPeriod: 0,
    argusMaintenanceUntil: null,
    maintenanceActive: false,
    switchoverTarget: null,
    failoverSuppressedFor: -1,
    configEpoch: 0,
    leader: null,
    leaderEpoch: 0,
    failoverState: 'none',
    failoverEpoch: 0,
    failoverStateChangeTime: 0,
    failoverStartTime: 0,
    failoverDelayLogged: 0,
    failoverJitter: 0,
    failoverJitterFor: 0,
    renamedCommands: new Map(),
    replicas: new Map(),
    sentinels: new Map(),
    createdTime: now,
  };
}

export function newReplicaRecord(name: string, addr: Addr, master: MasterRecord, now: number): ReplicaRecord {
  return {
    kind: 'slave',
    name,
    addr,
    runid: null,
    flags: SRI.SLAVE,
    link: newLink(now),
    downAfterPeriod: master.downAfterPeriod,
    sdownSinceTime: 0,
    odownSinceTime: 0,
    lastPubTime: now,
    helloSentTime: 0,
    infoRefresh: 0,
    info: null,
    roleReported: 'slave',
    roleReportedTime: now,
    infoSentTime: 0,
    monitoredFailoverState: 'not-supported',
    monitoredFailoverChangeTime: 0,
    masterLinkDownTime: 0,
    slaveReconfSentTime: 0,
    slaveMasterHost: null,
    slaveMasterPort: 0,
    slaveConfChangeTime: now,
    slaveMasterLinkStatusUp: false,
    slavePriority: SENTINEL_DEFAULT_SLAVE_PRIORITY,
    slaveReplOffset: 0,
    replicaAnnounced: true,
  };
}

export function newSentinelRecord(runid: string, addr: Addr, master: MasterRecord, now: number): SentinelRecord {
  return {
    kind: 'sentinel',
    name: runid,
    addr,
    runid,
    flags: SRI.SENTINEL,
    link: newLink(now),
    downAfterPeriod: master.downAfterPeriod,
    sdownSinceTime: 0,
    odownSinceTime: 0,
    lastPubTime: now,
    helloSentTime: 0,
    lastHelloTime: now,
    leader: null,
    leaderEpoch: 0,
    lastMasterDownReplyTime: now,
    askSentTime: 0,
    askEpoch: 0,
  };
}
