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
 * not carry. A master's runtime state is its shard's: whole records cross only when a master is
 * handed to a shard or a command asks to see it (`view`); what flows up on its own is a master's
 * `MasterFacts`, and only when they change.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SentinelEvent } from '../events/event.js';
import type { LineLevel } from '../runtime/logger.js';
import { addrName, isIpLiteral, type Addr } from '../sentinel/address.js';
import {
  newReplicaRecord,
  newSentinelRecord,
  SRI,
  type FailoverState,
  type LinkState,
  type MasterRecord,
  type RenamedCommand,
  type ReplicaRecord,
  type SentinelRecord,
} from '../sentinel/instance.js';
import type { DoctorNodeReport } from '../sentinel/doctor.js';
import type { ForgetAnswer, ShardGlobals, UserFailoverReply, VoteAnswer } from './coordinator.js';
import type { UserFailoverRequest } from '../sentinel/failover.js';

/** Bumped whenever a message shape changes; a worker of another version is refused at start. */
export const PROTOCOL_VERSION = 6;

// ---------------------------------------------------------------------------------------------
// Whole records: what a shard is given (MONITOR, a restart) and what commands are shown (views)
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

/** The serializable form of a MasterRecord with its replicas and peers, INFO texts left out. */
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

/** A shard's resolver cache (RuleContext.lookupIp): the last IP a hostname resolved to. */
export type IpOf = (host: string) => string | undefined;

/**
 * `addr` as it leaves its shard: a name with the IP it resolves to (Addr.ip, the shard's
 * cache, else what the address already carried), an IP literal as it is.
 */
export function withIp(addr: Addr, ipOf: IpOf | undefined): Addr {
  if (isIpLiteral(addr.host)) return { host: addr.host, port: addr.port };
  const ip = ipOf?.(addr.host) ?? addr.ip;
  return ip === undefined ? { host: addr.host, port: addr.port } : { host: addr.host, port: addr.port, ip };
}

/**
 * A record's plain fields, links and addresses copied rather than shared; the INFO text (the bulk
 * of a record, fetched only by SENTINEL INFO-CACHE) and the collections are left out.
 */
function copyFields(from: object, ipOf?: IpOf): Row {
  const src = from as Row;
  const out: Row = {};
  for (const key of Object.keys(src)) {
    if (key === 'info' || key === 'replicas' || key === 'sentinels' || key === 'renamedCommands') continue;
    const v = src[key];
    out[key] = key === 'addr' ? withIp(v as Addr, ipOf) : key === 'link' ? { ...(v as object) } : v;
  }
  return out;
}

/**
 * `ipOf`: in a shard, its resolver cache, so every address that is a name carries its resolved
 * IP (what the instance maps print with announce-hostnames no).
 */
export function toSnapshot(m: MasterRecord, ipOf?: IpOf): MasterSnapshot {
  const out = copyFields(m, ipOf);
  out.renamedCommands = [...m.renamedCommands.values()].map((rc) => ({ ...rc }));
  out.replicas = [...m.replicas.values()].map((r) => copyFields(r, ipOf));
  out.sentinels = [...m.sentinels.values()].map((s) => copyFields(s, ipOf));
  return out as unknown as MasterSnapshot;
}

/** A fresh, independent MasterRecord (INFO texts unknown) from a snapshot. */
export function fromSnapshot(s: MasterSnapshot): MasterRecord {
  const m = copyFields(s) as unknown as MasterRecord;
  m.info = null;
  m.renamedCommands = new Map(s.renamedCommands.map((rc) => [rc.command.toLowerCase(), { ...rc }]));
  m.replicas = new Map(s.replicas.map((r) => [r.name, { ...copyFields(r), info: null } as unknown as ReplicaRecord]));
  m.sentinels = new Map(s.sentinels.map((p) => [p.name, copyFields(p) as unknown as SentinelRecord]));
  return m;
}

/**
 * The fields the operator owns: set by the config file and commands on the main thread (MONITOR,
 * SET), pushed to the shard with `applyConfig`. Everything else in a record is the shard's.
 */
export const OPERATOR_FIELDS = [
  'quorum',
  'downAfterPeriod',
  'failoverTimeout',
  'parallelSyncs',
  'notificationScript',
  'clientReconfigScript',
  'authPass',
  'authUser',
  'masterRebootDownAfterPeriod',
  'argusPingPeriod',
  'argusMaintenanceUntil',
] as const satisfies readonly (keyof MasterRecord)[];

/** The operator-owned fields alone, in a stable text form: what `applyConfig` has to carry. */
export function operatorKey(m: MasterRecord): string {
  const out: unknown[] = OPERATOR_FIELDS.map((key) => m[key]);
  out.push([...m.renamedCommands.values()].map((rc) => [rc.command, rc.renamed]));
  return JSON.stringify(out);
}

// ---------------------------------------------------------------------------------------------
// Facts: the little of a master's runtime state the main thread holds
// ---------------------------------------------------------------------------------------------

/**
 * A master's runtime state belongs to its coordinator in its shard; commands read it there
 * (ShardApi.view). The main thread keeps only what it needs without asking: what the config
 * rewrite writes (the address, epochs, the vote, known replicas and sentinels) and what
 * GET-MASTER-ADDR-BY-NAME answers (the address, or the promoted replica's during the last
 * failover steps). The master's and replicas' addresses carry the IP their names resolve to
 * (Addr.ip), so that answer, INFO's master lines and the main thread's events can show the IP
 * with announce-hostnames no. A shard sends a master's facts when they differ from the last
 * ones it sent: a PING answered on time changes none of them, so a quiet fleet sends nothing;
 * a name that resolves to a new IP does.
 */
export interface MasterFacts {
  readonly name: string;
  readonly addr: Addr;
  readonly configEpoch: number;
  readonly leader: string | null;
  readonly leaderEpoch: number;
  readonly failoverState: FailoverState;
  /** replica names (ip:port) in table order, and which one is PROMOTED (null: none) */
  readonly replicas: readonly Addr[];
  readonly promoted: string | null;
  /** peer run ids with their addresses, in table order */
  readonly sentinels: readonly { readonly runid: string; readonly addr: Addr }[];
}

/** `ipOf`: in a shard, its resolver cache (see MasterFacts). */
export function factsOf(m: MasterRecord, ipOf?: IpOf): MasterFacts {
  let promoted: string | null = null;
  const replicas: Addr[] = [];
  for (const r of m.replicas.values()) {
    replicas.push(withIp(r.addr, ipOf));
    if (r.flags & SRI.PROMOTED) promoted = r.name;
  }
  const sentinels: { runid: string; addr: Addr }[] = [];
  for (const s of m.sentinels.values()) if (s.runid !== null) sentinels.push({ runid: s.runid, addr: s.addr });
  return {
    name: m.name,
    addr: withIp(m.addr, ipOf),
    configEpoch: m.configEpoch,
    leader: m.leader,
    leaderEpoch: m.leaderEpoch,
    failoverState: m.failoverState,
    replicas,
    promoted,
    sentinels,
  };
}

/** A compact text of the facts: equal texts, equal facts. */
export function factsKey(f: MasterFacts): string {
  let key = `${f.addr.host} ${f.addr.port} ${f.addr.ip ?? ''} ${f.configEpoch} ${f.leader ?? ''} ${f.leaderEpoch} ${f.failoverState} ${f.promoted ?? ''}`;
  for (const r of f.replicas) key += `|${r.host} ${r.port} ${r.ip ?? ''}`;
  key += '|';
  for (const s of f.sentinels) key += `|${s.runid} ${s.addr.host} ${s.addr.port}`;
  return key;
}

/**
 * Brings the main thread's record of a master up to its shard's facts. The vote only moves
 * forward: the main thread records a vote too (IS-MASTER-DOWN-BY-ADDR answers it before the facts
 * arrive on the other channel). Replicas and peers the record already has keep their records.
 */
export function applyFacts(record: MasterRecord, f: MasterFacts, now: number): void {
  record.addr = { ...f.addr };
  record.configEpoch = f.configEpoch;
  record.failoverState = f.failoverState;
  if (f.leaderEpoch >= record.leaderEpoch) {
    record.leader = f.leader;
    record.leaderEpoch = f.leaderEpoch;
  }
  const replicas = new Map<string, ReplicaRecord>();
  for (const addr of f.replicas) {
    const name = addrName(addr);
    const r = record.replicas.get(name) ?? newReplicaRecord(name, { ...addr }, record, now);
    r.addr = { ...addr };
    r.flags = name === f.promoted ? r.flags | SRI.PROMOTED : r.flags & ~SRI.PROMOTED;
    replicas.set(name, r);
  }
  record.replicas = replicas;
  const sentinels = new Map<string, SentinelRecord>();
  for (const { runid, addr } of f.sentinels) {
    const known = record.sentinels.get(runid);
    const s = known ?? newSentinelRecord(runid, { ...addr }, record, now);
    s.addr = { ...addr };
    sentinels.set(runid, s);
  }
  record.sentinels = sentinels;
}

/** INFO sentinel's line of a master, from the shard that owns it. */
export interface MasterBrief {
  readonly name: string;
  readonly flags: number;
  readonly replicas: number;
  /** peers, this sentinel not counted */
  readonly sentinels: number;
  /** master, replicas and peers refusing one of Sentinel's commands (argus_link_errors) */
  readonly linkErrors: number;
}

export function briefOf(m: MasterRecord): MasterBrief {
  let linkErrors = m.link.permErrors.length > 0 ? 1 : 0;
  for (const r of m.replicas.values()) if (r.link.permErrors.length > 0) linkErrors++;
  for (const s of m.sentinels.values()) if (s.link.permErrors.length > 0) linkErrors++;
  return { name: m.name, flags: m.flags, replicas: m.replicas.size, sentinels: m.sentinels.size, linkErrors };
}

// ---------------------------------------------------------------------------------------------
// main → shard: the control API (comlink) and the thread's start parameters
// ---------------------------------------------------------------------------------------------

/**
 * A master handed to a shard, with the generation the main thread gave it when it last replaced
 * the shard's view of it (MONITOR, RESET, a shard restart). Facts of an older generation were
 * taken before that change reached the shard and are dropped.
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

export const infoCacheOf = (m: MasterRecord): InfoCacheEntry => ({
  master: { name: m.name, info: m.info, infoRefresh: m.infoRefresh },
  replicas: [...m.replicas.values()].map((r) => ({ name: r.name, info: r.info, infoRefresh: r.infoRefresh })),
});

/** A message from a peer sentinel for one master hosted by the shard. */
export type PeerInput =
  | { readonly kind: 'hello'; readonly master: string; readonly payload: string }
  | { readonly kind: 'vote'; readonly master: string; readonly reqEpoch: number; readonly runid: string };

/** Facts with the generation of the shard's view they come from (see StampedSnapshot). */
export interface StampedFacts {
  readonly gen: number;
  readonly facts: MasterFacts;
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
  /** the live records of the named masters hosted here (every one when null; unknown names skipped) */
  view(names: readonly string[] | null): MasterSnapshot[];
  /** INFO sentinel's figures of every master hosted here */
  brief(): MasterBrief[];
  /** every hosted master's facts, with its generation (before the last config flush at shutdown) */
  factsAll(): StampedFacts[];
  /** stop every coordinator and send the last batch; the thread then has nothing left to run */
  shutdown(): void;
  /** tests only: the thread calls process.exit(code) right after replying */
  exitForTest(code: number): void;
  /**
   * What peers sent to our RESP port in one turn of the main event loop, in arrival order: hellos
   * published to us and IS-MASTER-DOWN-BY-ADDR requests (for masters found by address on the
   * main thread). One answer per item, null for a hello or a master not hosted here.
   */
  peer(items: readonly PeerInput[]): (VoteAnswer | null)[];
  /** SENTINEL FAILOVER [COORDINATED|SAFE], SENTINEL SWITCHOVER */
  failover(name: string, request?: UserFailoverRequest): UserFailoverReply | null;
  /** +sentinel-invalid-addr elsewhere: forget this run id under every master here */
  forgetSentinel(runid: string): void;
  /** SENTINEL FORGET (null: master not hosted here) */
  forget(name: string, target: string, force: boolean): ShardForgetReply | null;
  /** SENTINEL DOCTOR: the findings of the named masters hosted here (unknown names skipped) */
  doctor(names: readonly string[]): Promise<DoctorReport[]>;
}

/** SENTINEL DOCTOR's findings about one master: its node first, then each replica. */
export interface DoctorReport {
  readonly master: string;
  readonly nodes: readonly DoctorNodeReport[];
}

/**
 * SENTINEL FORGET's answer, with the master's facts when something was forgotten: they come
 * with the reply, not on the batch port, so the main thread has them before it saves and replies.
 */
export interface ShardForgetReply {
  readonly answer: ForgetAnswer;
  readonly facts: StampedFacts | null;
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
  /** masters whose facts changed since they were last sent, at their latest state */
  readonly facts: readonly StampedFacts[];
  /** persisted state changed: the main thread rewrites the config (after applying the facts) */
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
