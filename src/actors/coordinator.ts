import type { EventLevel, SentinelEvent } from '../events/event.js';
import type { Clock, Random } from '../runtime/clock.js';
import type { ClientTlsMaterial } from '../runtime/tls-config.js';
import type { DnsSettings } from '../links/host-resolver.js';
import type { Effect } from '../sentinel/effects.js';
import type { DoctorNodeReport } from '../sentinel/doctor.js';
import type { ForgetRefusal } from '../sentinel/forget.js';
import type { MasterRecord } from '../sentinel/instance.js';
import type { SentinelTimings } from '../sentinel/timings.js';
import type { UserFailoverRequest } from '../sentinel/failover.js';

/**
 * The contract between a shard's runtime (which hosts actors, batches their output and talks
 * to the main thread) and the coordinator actor of one master (which owns the master's
 * instance actors and runs the per-master rules). Both live in the same worker thread.
 */

/** Process-wide settings every actor reads; the main thread owns them and pushes changes. */
export interface ShardGlobals {
  readonly myid: string;
  readonly currentEpoch: number;
  readonly announceIp: string | null;
  readonly announcePort: number;
  /** the port peers should use for us (port, or tls-port with tls-replication) */
  readonly listenPort: number;
  readonly resolveHostnames: boolean;
  readonly announceHostnames: boolean;
  readonly sentinelUser: string | null;
  readonly sentinelPass: string | null;
  /** requirepass: the password sent to peers when sentinel-pass is unset */
  readonly requirepass: string | null;
  readonly timings: SentinelTimings;
  readonly tilt: boolean;
  /** SENTINEL SIMULATE-FAILURE bits: 1 crash after election, 2 crash after promotion */
  readonly simFailureFlags: number;
  /**
   * tls-replication yes: the client certificate, key and CA (PEM, read on the main thread) every
   * outgoing link uses; absent or null = plain TCP
   */
  readonly tls?: ClientTlsMaterial | null;
  /** argus-dns-timeout / argus-dns-servers, for the links' hostname lookups; absent = defaults */
  readonly dns?: DnsSettings;
}

/** What a coordinator may ask of the shard that hosts it. */
export interface ShardServices {
  readonly clock: Clock;
  readonly random: Random;
  globals(): ShardGlobals;
  /** queue an event for the main thread (logged, published, scripts) */
  emit(event: SentinelEvent): void;
  /** something that can change the master's facts happened: they go out if they did (protocol.ts MasterFacts) */
  markDirty(master: string): void;
  /** persisted state changed (new replica, epochs, address): the main thread rewrites the config */
  requestFlush(): void;
  /**
   * A hostname resolved for the first time or to a new IP: facts carry the resolved IPs of the
   * masters' and replicas' names, so every master's are looked at again. Rare (a link's connect
   * finds a new answer), never per PING.
   */
  hostResolved(): void;
  /** TILT bookkeeping: a valid reply arrived from an instance after the last stall */
  noteFreshReply(): void;
  /** a log line for the main thread's logger (not an event: never published) */
  log(level: EventLevel, message: string): void;
  /** a hello, a vote or our own failover raised the current epoch (global: main keeps the max) */
  raiseCurrentEpoch(epoch: number): void;
  /** queue the client-reconfig script on the main thread (argv: path and its 7 arguments) */
  clientReconfig(argv: readonly string[]): void;
  /**
   * +sentinel-invalid-addr: forget this run id under every master of the process; the caller
   * already did it for its own master (`from`)
   */
  forgetSentinel(runid: string, from: string): void;
  /** SENTINEL SIMULATE-FAILURE fired: the main thread flushes and exits with status 99 */
  crash(): void;
  /** every master hosted by this shard (a peer's new address applies to all of its records here) */
  shardMasters(): Iterable<MasterRecord>;
  /** effects a rule produced for another master of this shard: its coordinator performs them */
  delegate(master: string, effects: readonly Effect[]): void;
}

/** The answering side of SENTINEL IS-MASTER-DOWN-BY-ADDR, as it travels back to the main thread. */
export interface VoteAnswer {
  readonly down: 0 | 1;
  readonly leader: string;
  readonly leaderEpoch: number;
  /** the process-wide epoch after the request (it may have raised it) */
  readonly currentEpoch: number;
  /** a vote or an epoch changed: the config must be on disk before the reply leaves */
  readonly mustFlush: boolean;
}

/** SENTINEL FAILOVER's outcome; `refused` carries a whole error line (coordinated, switchover) */
export type UserFailoverReply = 'OK' | 'INPROG' | 'NOGOODSLAVE' | { readonly refused: string };

/**
 * SENTINEL FORGET as it travels back to the main thread: the event to publish once the config
 * is saved (`text` is the instance description), or why nothing was forgotten.
 */
export type ForgetAnswer =
  | { readonly ok: true; readonly type: '+forget-sentinel' | '+forget-slave'; readonly text: string }
  | { readonly ok: false; readonly error: ForgetRefusal };

export interface MasterCoordinator {
  readonly name: string;
  /** the live record (master + replicas + sentinels) this coordinator owns */
  readonly master: MasterRecord;
  /** open links and arm timers */
  start(): void;
  /** close every link and timer for good (REMOVE, shard shutdown) */
  stop(): void;
  /** operator-owned fields changed (SENTINEL SET): apply them to the live record */
  applyConfig(config: MasterRecord): void;
  /** SENTINEL RESET: forget replicas and sentinels, reconnect */
  reset(): void;
  /** auth-pass/auth-user changed: drop the links of the master and its replicas */
  dropDataLinks(): void;
  /** sentinel-user/pass changed: drop the peer links */
  dropPeerLinks(): void;
  /** TILT was entered or left (global); after a stall, ping everyone at once */
  tiltChanged(tilt: boolean): void;
  /** a peer asks whether this master is down, maybe requesting our vote */
  answerIsMasterDown(reqEpoch: number, runid: string): VoteAnswer;
  /** a hello that arrived through the Sentinel PUBLISH command (no own-id filter there) */
  publishedHello(payload: string): void;
  /** SENTINEL FAILOVER [COORDINATED|SAFE], SENTINEL SWITCHOVER */
  userFailover(request?: UserFailoverRequest): UserFailoverReply;
  /** another master saw this run id take over an address: drop it here too */
  forgetSentinel(runid: string): void;
  /** SENTINEL FORGET: drop one peer (run id) or replica (ip:port) of this master */
  forget(target: string, force: boolean): ForgetAnswer;
  /** SENTINEL DOCTOR: ACL DRYRUN on the master's and each replica's command connection */
  doctor(): Promise<DoctorNodeReport[]>;
  /** perform effects a rule run elsewhere in the shard produced for this master */
  apply(effects: readonly Effect[]): void;
  /**
   * The IP a hostname last resolved to in this shard (RuleContext.lookupIp), for what leaves the
   * shard: views and facts carry it beside each name (Addr.ip). Undefined when not known.
   */
  lookupIp(host: string): string | undefined;
}

export type CoordinatorFactory = (config: MasterRecord, services: ShardServices) => MasterCoordinator;
