/**
 * What crosses the thread boundary between the main thread and a shard worker, and nothing else.
 *
 * Two channels per shard:
 *  - main → shard: control calls, `ShardApi`, over comlink on the worker's parentPort. The method
 *    set is closed; comlink turns each call into one request message and one reply.
 *  - shard → main: `ShardToMain` on a dedicated MessagePort, one encoded message per batch
 *    (src/actors/wire.ts), so a thousand dirty masters cost one post, not a thousand.
 *
 * Everything here is plain data: no classes, no Maps, nothing a structured clone or msgpack could
 * not carry. Records travel as `MasterSnapshot`s; the field-ownership table below decides which
 * side may change which field.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SentinelEvent } from '../events/event.js';
import type { LineLevel } from '../runtime/logger.js';
import type { Addr } from '../sentinel/address.js';
import type {
  LinkState,
  MasterRecord,
  RenamedCommand,
  ReplicaRecord,
  SentinelRecord,
} from '../sentinel/instance.js';
import type { ShardGlobals, UserFailoverReply, VoteAnswer } from './coordinator.js';

/** Bumped whenever a message shape changes; a worker of another version is refused at start. */
export const PROTOCOL_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// Field ownership: the one place that says who writes what
// ---------------------------------------------------------------------------------------------

/**
 * - identity: fixed at creation (name, kind, created time); never overwritten
 * - operator: set by the config file and commands on the main thread (MONITOR, SET, CONFIG);
 *   pushed to the shard with `applyConfig`, never taken back from a snapshot
 * - runtime: learned by the shard (links, INFO, hellos, SDOWN/ODOWN, failover); a snapshot
 *   overwrites the main thread's mirror with it
 * - vote: the master's own vote (leader, leaderEpoch). Runtime-owned, but the main thread may
 *   record a vote too (IS-MASTER-DOWN-BY-ADDR), so a snapshot never takes it back to an older
 *   epoch: the pair is applied only when the snapshot's leaderEpoch is not lower
 * - on-demand: the INFO text; left out of regular snapshots (it is the bulk of a record) and
 *   fetched by `infoCache` for SENTINEL INFO-CACHE
 * - follows-master: a replica's or peer's down-after period, which is the master's (operator)
 * - collection: replicas, sentinels (runtime: rebuilt from the snapshot) and renamed commands
 *   (operator), carried as arrays
 *
 * A field without a row is runtime-owned (most new fields are: send times, parsed INFO). A unit
 * test (test/unit/actors/protocol.test.ts) fails until every field of a fresh record has its row,
 * so each new field gets a decision without blocking anyone's build; the compiler refuses rows
 * for fields that do not exist.
 */
export type FieldOwner = 'identity' | 'operator' | 'runtime' | 'vote' | 'on-demand' | 'follows-master' | 'collection';

export const MASTER_FIELDS = {
  kind: 'identity',
  name: 'identity',
  createdTime: 'identity',
  quorum: 'operator',
  downAfterPeriod: 'operator',
  failoverTimeout: 'operator',
  parallelSyncs: 'operator',
  notificationScript: 'operator',
  clientReconfigScript: 'operator',
  authPass: 'operator',
  authUser: 'operator',
  masterRebootDownAfterPeriod: 'operator',
  argusPingPeriod: 'operator',
  renamedCommands: 'collection',
  addr: 'runtime',
  runid: 'runtime',
  flags: 'runtime',
  link: 'runtime',
  sdownSinceTime: 'runtime',
  odownSinceTime: 'runtime',
  infoRefresh: 'runtime',
  roleReported: 'runtime',
  roleReportedTime: 'runtime',
  configEpoch: 'runtime',
  failoverState: 'runtime',
  failoverEpoch: 'runtime',
  failoverStateChangeTime: 'runtime',
  failoverStartTime: 'runtime',
  failoverDelayLogged: 'runtime',
  failoverJitter: 'runtime',
  failoverJitterFor: 'runtime',
  masterRebootSinceTime: 'runtime',
  lastPubTime: 'runtime',
  helloSentTime: 'runtime',
  infoSentTime: 'runtime',
  monitoredFailoverState: 'runtime',
  monitoredFailoverChangeTime: 'runtime',
  leader: 'vote',
  leaderEpoch: 'vote',
  info: 'on-demand',
  replicas: 'collection',
  sentinels: 'collection',
} as const satisfies Partial<Record<keyof MasterRecord, FieldOwner>>;

export const REPLICA_FIELDS = {
  kind: 'identity',
  name: 'identity',
  downAfterPeriod: 'follows-master',
  info: 'on-demand',
  addr: 'runtime',
  runid: 'runtime',
  flags: 'runtime',
  link: 'runtime',
  sdownSinceTime: 'runtime',
  odownSinceTime: 'runtime',
  infoRefresh: 'runtime',
  roleReported: 'runtime',
  roleReportedTime: 'runtime',
  masterLinkDownTime: 'runtime',
  slaveMasterHost: 'runtime',
  slaveMasterPort: 'runtime',
  slaveMasterLinkStatusUp: 'runtime',
  slavePriority: 'runtime',
  slaveReplOffset: 'runtime',
  replicaAnnounced: 'runtime',
  slaveConfChangeTime: 'runtime',
  lastPubTime: 'runtime',
  helloSentTime: 'runtime',
  infoSentTime: 'runtime',
  monitoredFailoverState: 'runtime',
  monitoredFailoverChangeTime: 'runtime',
  slaveReconfSentTime: 'runtime',
} as const satisfies Partial<Record<keyof ReplicaRecord, FieldOwner>>;

export const SENTINEL_FIELDS = {
  kind: 'identity',
  name: 'identity',
  downAfterPeriod: 'follows-master',
  addr: 'runtime',
  runid: 'runtime',
  flags: 'runtime',
  link: 'runtime',
  sdownSinceTime: 'runtime',
  odownSinceTime: 'runtime',
  lastHelloTime: 'runtime',
  lastPubTime: 'runtime',
  helloSentTime: 'runtime',
  leader: 'runtime',
  leaderEpoch: 'runtime',
  lastMasterDownReplyTime: 'runtime',
  askSentTime: 'runtime',
  askEpoch: 'runtime',
} as const satisfies Partial<Record<keyof SentinelRecord, FieldOwner>>;

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

/** Carries `permErrors` (Argus: commands the instance refuses), shown by SENTINEL MASTER & co. and INFO. */
export type LinkSnapshot = Readonly<LinkState>;

export type ReplicaSnapshot = Readonly<Omit<ReplicaRecord, 'info' | 'link' | 'addr'>> & {
  readonly addr: Addr;
  readonly link: LinkSnapshot;
};

export type SentinelSnapshot = Readonly<Omit<SentinelRecord, 'link' | 'addr'>> & {
  readonly addr: Addr;
  readonly link: LinkSnapshot;
};

/** The serializable form of a MasterRecord with its replicas and peers, INFO text left out. */
export type MasterSnapshot = Readonly<
  Omit<MasterRecord, 'info' | 'link' | 'addr' | 'renamedCommands' | 'replicas' | 'sentinels'>
> & {
  readonly addr: Addr;
  readonly link: LinkSnapshot;
  readonly renamedCommands: readonly RenamedCommand[];
  readonly replicas: readonly ReplicaSnapshot[];
  readonly sentinels: readonly SentinelSnapshot[];
};

type Row = Record<string, unknown>;
type Table = Readonly<Record<string, FieldOwner>>;

/** The owner of a field: its row, or runtime for a field without one. */
export const ownerOf = (table: Table, key: string): FieldOwner => table[key] ?? 'runtime';

/** Copies a record's plain fields the filter keeps (links and addresses copied, not shared). */
function copyFields(from: object, table: Table, skip: (owner: FieldOwner) => boolean): Row {
  const src = from as Row;
  const out: Row = {};
  for (const key of Object.keys(src)) {
    if (skip(ownerOf(table, key))) continue;
    const v = src[key];
    out[key] = key === 'link' || key === 'addr' ? { ...(v as object) } : v;
  }
  return out;
}

const skipOnDemand = (o: FieldOwner): boolean => o === 'on-demand' || o === 'collection';

export function toSnapshot(m: MasterRecord): MasterSnapshot {
  const out = copyFields(m, MASTER_FIELDS, skipOnDemand);
  out.renamedCommands = [...m.renamedCommands.values()].map((rc) => ({ ...rc }));
  out.replicas = [...m.replicas.values()].map((r) => copyFields(r, REPLICA_FIELDS, skipOnDemand));
  out.sentinels = [...m.sentinels.values()].map((s) => copyFields(s, SENTINEL_FIELDS, skipOnDemand));
  return out as unknown as MasterSnapshot;
}

function replicaFrom(s: ReplicaSnapshot, downAfterPeriod: number, info: string | null): ReplicaRecord {
  const r = copyFields(s, REPLICA_FIELDS, skipOnDemand);
  r.downAfterPeriod = downAfterPeriod;
  r.info = info;
  return r as unknown as ReplicaRecord;
}

function sentinelFrom(s: SentinelSnapshot, downAfterPeriod: number): SentinelRecord {
  const r = copyFields(s, SENTINEL_FIELDS, skipOnDemand);
  r.downAfterPeriod = downAfterPeriod;
  return r as unknown as SentinelRecord;
}

/** A fresh, independent MasterRecord (INFO texts unknown) from a snapshot. */
export function fromSnapshot(s: MasterSnapshot): MasterRecord {
  const m = copyFields(s, MASTER_FIELDS, skipOnDemand) as unknown as MasterRecord;
  m.info = null;
  m.renamedCommands = new Map(s.renamedCommands.map((rc) => [rc.command.toLowerCase(), { ...rc }]));
  m.replicas = new Map(s.replicas.map((r) => [r.name, replicaFrom(r, s.downAfterPeriod, null)]));
  m.sentinels = new Map(s.sentinels.map((p) => [p.name, sentinelFrom(p, s.downAfterPeriod)]));
  return m;
}

/**
 * Brings the main thread's mirror of a master up to a shard's snapshot: runtime-owned fields
 * are overwritten, operator-owned and identity fields are kept, the vote only moves forward,
 * replicas and peers are rebuilt (keeping any INFO text already fetched for a replica), and
 * their down-after period follows the mirror's master.
 */
export function applySnapshot(mirror: MasterRecord, s: MasterSnapshot): void {
  const dst = mirror as unknown as Row;
  const src = s as unknown as Row;
  for (const key of Object.keys(src)) {
    if (ownerOf(MASTER_FIELDS, key) !== 'runtime') continue;
    const v = src[key];
    dst[key] = key === 'link' || key === 'addr' ? { ...(v as object) } : v;
  }
  if (s.leaderEpoch >= mirror.leaderEpoch) {
    mirror.leader = s.leader;
    mirror.leaderEpoch = s.leaderEpoch;
  }
  const replicas = new Map<string, ReplicaRecord>();
  for (const r of s.replicas) {
    replicas.set(r.name, replicaFrom(r, mirror.downAfterPeriod, mirror.replicas.get(r.name)?.info ?? null));
  }
  mirror.replicas = replicas;
  mirror.sentinels = new Map(s.sentinels.map((p) => [p.name, sentinelFrom(p, mirror.downAfterPeriod)]));
}

/** The operator-owned fields alone, in a stable text form: what `applyConfig` has to carry. */
export function operatorKey(m: MasterRecord): string {
  const out: unknown[] = [];
  for (const [key, owner] of Object.entries(MASTER_FIELDS)) {
    if (owner === 'operator') out.push((m as unknown as Row)[key]);
  }
  out.push([...m.renamedCommands.values()].map((rc) => [rc.command, rc.renamed]));
  return JSON.stringify(out);
}

// ---------------------------------------------------------------------------------------------
// main → shard: the control API (comlink) and the thread's start parameters
// ---------------------------------------------------------------------------------------------

/**
 * A snapshot with the generation the main thread gave the master when it last replaced the
 * shard's view of it (MONITOR, RESET, a shard restart). A snapshot of an older generation was
 * taken before that change reached the shard and is dropped.
 */
export interface StampedSnapshot {
  readonly gen: number;
  readonly snapshot: MasterSnapshot;
}

/** One node's cached INFO for SENTINEL INFO-CACHE; `infoRefresh` on the shared monotonic scale. */
export interface InfoCacheNode {
  readonly name: string;
  readonly info: string | null;
  readonly infoRefresh: number;
}

export interface InfoCacheEntry {
  readonly master: InfoCacheNode;
  readonly replicas: readonly InfoCacheNode[];
}

/** The calls the main thread makes into a shard. Each resolves once the shard has applied it. */
export interface ShardApi {
  addMaster(entry: StampedSnapshot): void;
  /** start-up and restart: many masters in one message */
  addMasters(entries: readonly StampedSnapshot[]): void;
  removeMaster(name: string): void;
  resetMaster(name: string, gen: number): void;
  /** operator-owned fields changed on the main thread (SENTINEL SET) */
  applyConfig(snapshot: MasterSnapshot): void;
  dropDataLinks(name: string): void;
  dropPeerLinks(): void;
  /**
   * `ackSeq`: the last batch of this shard the main thread had applied when it sent these, so a
   * shard holding a local TILT after a stall knows whether the main thread has seen that stall
   */
  setGlobals(globals: ShardGlobals, ackSeq: number): void;
  /** INFO texts and refresh times of the named masters hosted here (unknown names skipped) */
  infoCache(names: readonly string[]): Record<string, InfoCacheEntry>;
  snapshotAll(): StampedSnapshot[];
  /** stop every coordinator and send the last batch; the thread then has nothing left to run */
  shutdown(): void;
  /** tests only: the thread calls process.exit(code) right after replying */
  exitForTest(code: number): void;
  /** SENTINEL IS-MASTER-DOWN-BY-ADDR for the master `name` (found by address on the main thread) */
  isMasterDownByAddr(name: string, reqEpoch: number, runid: string): VoteAnswer | null;
  /** a hello received through the Sentinel PUBLISH command, for the master it names */
  hello(name: string, payload: string): void;
  /** SENTINEL FAILOVER */
  failover(name: string): UserFailoverReply | null;
  /** +sentinel-invalid-addr elsewhere: forget this run id under every master here */
  forgetSentinel(runid: string): void;
}

/** workerData of a shard thread. */
export interface ShardInit {
  readonly shard: number;
  readonly protocolVersion: number;
  /** the port ShardToMain messages go out on (transferred) */
  readonly port: MessagePort;
  /**
   * main's `clock.monotonic()` minus process.hrtime in ms at spawn: hrtime is one clock for all
   * threads, so the shard's monotonic times are on the main thread's scale even after a restart
   */
  readonly monotonicOffset: number;
  readonly globals: ShardGlobals;
  /** the process-wide current epoch (src/actors/shared-epoch.ts) */
  readonly epochBuffer: SharedArrayBuffer;
  readonly batchIntervalMs: number;
  readonly heartbeatMs: number;
  /** passed through to test coordinator factories; null in production */
  readonly extra: unknown;
}

// ---------------------------------------------------------------------------------------------
// shard → main: the batch stream
// ---------------------------------------------------------------------------------------------

export interface ShardLogLine {
  readonly level: LineLevel;
  readonly message: string;
}

/** A heartbeat gap: `ms` long, ended at `at` (monotonic, main's scale). */
export interface ShardStall {
  readonly ms: number;
  readonly at: number;
}

export interface ShardBatch {
  readonly type: 'batch';
  readonly shard: number;
  /** 1, 2, 3 ... per thread incarnation; a gap is a protocol error */
  readonly seq: number;
  /** in emission order; pre-formatted, published as they are */
  readonly events: readonly SentinelEvent[];
  /** masters whose records changed since the last batch, at their latest state */
  readonly snapshots: readonly StampedSnapshot[];
  /** persisted state changed: the main thread rewrites the config (after applying snapshots) */
  readonly flushRequested: boolean;
  /** the shard's current epoch, raised by hellos or its own failovers; main keeps the maximum */
  readonly currentEpoch: number;
  /** valid replies since the last batch (TILT bookkeeping) */
  readonly freshReplies: number;
  /**
   * In TILT only (null otherwise): the oldest last-valid-reply time among this shard's instances
   * that are not SDOWN (MAX_SAFE_INTEGER when it has none), so the main thread can tell when
   * every instance has answered since the stall (src/actors/tilt-watch.ts)
   */
  readonly freshSince: number | null;
  /** event-loop stalls above tilt-trigger since the last batch */
  readonly stalls: readonly ShardStall[];
  /** lines to log on the main thread: workers never write to stdout or stderr */
  readonly logs: readonly ShardLogLine[];
  /** client-reconfig scripts to queue (argv each), in order */
  readonly scripts: readonly (readonly string[])[];
  /** run ids another master of this shard saw replaced (+sentinel-invalid-addr): forget them everywhere */
  readonly forgetSentinels: readonly string[];
  /** SENTINEL SIMULATE-FAILURE fired: flush and exit 99 once this batch is applied */
  readonly crash: boolean;
}

export type ShardToMain =
  | { readonly type: 'ready'; readonly shard: number; readonly protocolVersion: number }
  | ShardBatch;
