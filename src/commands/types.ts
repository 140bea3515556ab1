import type { Reply } from '../resp/reply.js';
import type { ServerOptions, LogLevel } from '../config/server-options.js';
import type { EventBus } from '../events/bus.js';
import type { EventHistory } from '../events/history.js';
import type { AuditRule, AuditTrail } from '../events/audit.js';
import type { Clock } from '../runtime/clock.js';
import type { SentinelState } from '../sentinel/state.js';
import type { ForgetAnswer, UserFailoverReply, VoteAnswer } from '../actors/coordinator.js';
import type { InfoCacheEntry, MasterBrief } from '../actors/protocol.js';
import type { DoctorNodeReport } from '../sentinel/doctor.js';
import type { MasterRecord } from '../sentinel/instance.js';
import type { ScriptJobView } from './sentinel/script-queue.js';
import type { UserFailoverRequest } from '../sentinel/failover.js';

/** What a command may know and change about the connection that sent it (owned by src/server). */
export interface ClientSession {
  readonly id: number;
  /** peer address `ip:port` and local address `ip:port`, as CLIENT LIST prints them */
  readonly addr: string;
  readonly laddr: string;
  name: string;
  libName: string;
  libVer: string;
  resp: 2 | 3;
  /** ACL user name the connection is authenticated as */
  user: string;
  authenticated: boolean;
  /** monotonic ms */
  readonly createdAt: number;
  lastInteraction: number;
  /** full name of the last command, lower case, `sentinel|masters` style */
  lastCommand: string;
  readonly channels: ReadonlySet<string>;
  readonly patterns: ReadonlySet<string>;
  /** true once the connection is to be closed after the pending replies are written */
  closeAfterReply: boolean;
  /** buffered bytes not yet written to the socket (CLIENT LIST omem) */
  outputBytes(): number;
  queryBufferBytes(): number;
}

/** The process-wide facts INFO, HELLO, CLIENT and COMMAND read. */
export interface ProcessInfo {
  /** per-process random 40-hex id (INFO run_id), distinct from myid */
  readonly runId: string;
  /** monotonic ms at start */
  readonly startTime: number;
  readonly configFile: string;
  readonly executable: string;
  readonly tcpPort: number;
  /** the current randomised timer frequency (INFO hz) */
  hz(): number;
  stats: ServerStats;
  /** Argus's own figures for `INFO argus`; absent in contexts that have no saver or shards */
  readonly argus?: () => ArgusProcessStats;
}

/** What `INFO argus` reports (an Argus-only section, printed only when asked for by name or by `everything`). */
export interface ArgusProcessStats {
  readonly shards: number;
  /** shard threads running now (a shard starts with its first master) */
  readonly shardsRunning: number;
  /** shard threads that died (an uncaught error, a failed start) and were started again */
  readonly shardRestarts: number;
  /**
   * Messages between the main thread and the shards since start: batches received (and their
   * bytes) and control calls made, each a request and a reply. A quiet fleet adds none.
   */
  readonly threadBatches: number;
  readonly threadBatchBytes: number;
  readonly threadCalls: number;
  /** config rewrites written, and the save requests they served (coalescing: requests ≥ saves) */
  readonly configSaves: number;
  readonly configSaveRequests: number;
  readonly configSaveFailures: number;
  readonly configLastSaveMs: number;
  /** the last rewrite's error (strerror text), null when it succeeded; a failed one is retried */
  readonly configLastSaveError: string | null;
}

export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
}

export interface PubSubHub {
  subscribe(client: ClientSession, channel: string): number;
  unsubscribe(client: ClientSession, channel: string): number;
  psubscribe(client: ClientSession, pattern: string): number;
  punsubscribe(client: ClientSession, pattern: string): number;
  channelCount(): number;
  patternCount(): number;
}

export interface ClientRegistry {
  all(): Iterable<ClientSession>;
  count(): number;
  /** close a client (after its pending output when it is the caller) */
  kill(client: ClientSession): void;
}

/** Everything a command handler can reach: the composed Argus process. */
export interface SentinelContext {
  readonly state: SentinelState;
  readonly server: ServerOptions;
  readonly clock: Clock;
  readonly events: EventBus;
  /** the last events (argus-event-history); absent in contexts built without one */
  readonly history?: EventHistory;
  /** where audited commands are recorded (spec.audit); absent = not recorded */
  readonly audit?: AuditTrail;
  readonly process: ProcessInfo;
  readonly pubsub: PubSubHub;
  readonly clients: ClientRegistry;
  /**
   * Rewrite the config file (coalesced with other saves in the same tick); resolves once the
   * new content is on disk, rejects with ARGUS_ERR_CONFIG_FLUSH if it could not be saved.
   */
  saveConfig(): Promise<void>;
  setLogLevel(level: LogLevel): void;
  /**
   * A log line that is not an event (`Executing user requested FAILOVER of ...`, the
   * SIMULATE-FAILURE warnings). Optional so contexts built before it existed keep compiling.
   */
  readonly log: (level: Exclude<LogLevel, 'nothing'>, message: string) => void;
  /** start a clean shutdown (SHUTDOWN command) */
  shutdown(reason: string): void;
  /** `SENTINEL SIMULATE-FAILURE`, `RESET`, `MONITOR`, `REMOVE` also tell the monitors */
  readonly monitors: MonitorControl;
  /** the script queue: PENDING-SCRIPTS and INFO read it, the failover calls clientReconfig */
  readonly scripts: ScriptControl;
}

/** `leader` on the sentinel that ran the failover, `observer` on every other one. */
export type ClientReconfigRole = 'leader' | 'observer';

/** The notification and client-reconfig script queue (src/scripts/script-runner.ts). */
export interface ScriptControl {
  /** jobs in queue order, oldest first */
  jobs(): readonly ScriptJobView[];
  runningCount(): number;
  /**
   * sentinel.c sentinelCallClientReconfScript: when `master` has a client-reconfig-script,
   * queue it with Sentinel's seven arguments `<master> <role> <state> <from-ip> <from-port>
   * <to-ip> <to-port>` and return true; without a script, return false. `state` is always
   * `start` in Redis 7 (scripts.md §1). Call it (a) as leader when the promoted replica reports
   * role:master, with from = the old master address and to = the promoted replica's; (b) as
   * observer when a hello switches the master address. Addresses are passed announced
   * (announceSentinelAddr): hostnames with announce-hostnames yes, else the IPs they resolve to.
   * Never blocks: the script starts later.
   */
  clientReconfig(
    master: string,
    role: ClientReconfigRole,
    state: string,
    fromIp: string,
    fromPort: number,
    toIp: string,
    toPort: number,
  ): boolean;
}

/**
 * The side of the process that talks to monitored instances (shard workers, from the monitoring
 * issue on). Config commands call it after changing SentinelState so links follow the change.
 */
export interface MonitorControl {
  masterAdded(name: string): void;
  masterRemoved(name: string): void;
  masterReset(name: string): void;
  /** auth-pass/auth-user changed: drop the master's and its replicas' links */
  masterAuthChanged(name: string): void;
  /** sentinel-user/pass changed: drop every link to peer sentinels */
  peerAuthChanged(): void;
  /**
   * The live records of the named masters (every master when null), read where they live (the
   * shard that owns each): SENTINEL MASTER(S), REPLICAS, SENTINELS, CKQUORUM show these, never
   * the main thread's records, whose runtime fields are not kept. Table order; unknown names
   * left out. The records are copies: changing them changes nothing.
   */
  view(names: readonly string[] | null): Promise<MasterRecord[]>;
  /** INFO sentinel's figures of every master, in table order */
  brief(): Promise<MasterBrief[]>;
  /** the last INFO texts of the named masters and their replicas (SENTINEL INFO-CACHE) */
  infoCache(names: readonly string[]): Promise<Map<string, InfoCacheEntry>>;
  /**
   * SENTINEL IS-MASTER-DOWN-BY-ADDR for master `name` (already found by address): the owner of
   * the master answers and may vote; null when it cannot be reached.
   */
  isMasterDownByAddr(name: string, reqEpoch: number, runid: string): Promise<VoteAnswer | null>;
  /** SENTINEL FAILOVER (COORDINATED, SWITCHOVER: `request`) for master `name`; null when its owner cannot be reached */
  userFailover(name: string, request?: UserFailoverRequest): Promise<UserFailoverReply | null>;
  /**
   * SENTINEL FORGET: drop one peer (run id) or replica (ip:port) of master `name` in its shard;
   * when something was forgotten, the main thread's record already has the new facts when this
   * resolves (the caller saves, then announces). Null when the owner cannot be reached.
   */
  forget(name: string, target: string, force: boolean): Promise<ForgetAnswer | null>;
  /**
   * SENTINEL DOCTOR: ACL DRYRUN of Sentinel's commands on each node of the named masters, by
   * master; a master whose owner cannot be reached is left out.
   */
  doctor(names: readonly string[]): Promise<Map<string, readonly DoctorNodeReport[]>>;
  /** a hello received through the Sentinel PUBLISH command */
  hello(payload: string): void;
  /**
   * Push the globals the monitors read (SENTINEL SIMULATE-FAILURE flags) now rather than on the
   * next tick, ahead of any command that follows (calls to a shard keep their order).
   */
  syncGlobals(): void;
}

export interface CommandContext {
  readonly client: ClientSession;
  readonly sentinel: SentinelContext;
}

/** A handler's answer: one reply, several (SUBSCRIBE a b c), or a promise of either. */
export type CommandResult = Reply | readonly Reply[];

export interface CommandSpec {
  /** lower case; for a subcommand, the subcommand alone (`masters`) */
  readonly name: string;
  /** Redis arity: n = exactly n arguments including the name(s), -n = at least n */
  readonly arity: number;
  /** COMMAND INFO flags, e.g. ['admin', 'noscript', 'loading', 'stale'] */
  readonly flags: readonly string[];
  /** ACL categories without '@', e.g. ['admin', 'slow', 'dangerous'] */
  readonly categories: readonly string[];
  /** one-line summary for COMMAND DOCS and HELP */
  readonly summary: string;
  readonly since: string;
  /** present on container commands (SENTINEL, CLIENT, COMMAND ...), keyed lower case */
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
  /** argv[0] is the command name (and argv[1] the subcommand name for subcommands) */
  readonly run?: (ctx: CommandContext, argv: readonly string[]) => CommandResult | Promise<CommandResult>;
  /**
   * Argus: while this command's reply waits (a shard's answer, a config flush), the client's next
   * commands run; replies still leave in request order. Only for commands whose effect does not
   * depend on the one before it from the same client: the peer protocol, where one shared link
   * carries the requests of every master and serializing them made a busy shard's answers queue
   * up for seconds behind each other (and the PINGs behind them).
   */
  readonly overlap?: true;
  /**
   * Argus: an administrative command, recorded in the audit trail (who, what, result) once it has
   * run; the rule says which calls and where the secrets are (src/events/audit.ts).
   */
  readonly audit?: AuditRule;
}
