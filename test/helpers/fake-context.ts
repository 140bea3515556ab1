import { AuditLog } from '../../src/events/audit.js';
import { EventRing } from '../../src/events/history.js';
import { ServerOptions, type LogLevel } from '../../src/config/server-options.js';
import { dispatch } from '../../src/commands/dispatch.js';
import type { ForgetAnswer, UserFailoverReply, VoteAnswer } from '../../src/actors/coordinator.js';
import type { UserFailoverRequest } from '../../src/sentinel/failover.js';
import { instanceDescription } from '../../src/events/event.js';
import { uncheckedNode, type DoctorNodeReport } from '../../src/sentinel/doctor.js';
import { forgetEventType, forgetInstance } from '../../src/sentinel/forget.js';
import { briefOf, infoCacheOf, type InfoCacheEntry, type MasterBrief } from '../../src/actors/protocol.js';
import type { MasterRecord } from '../../src/sentinel/instance.js';
import { newServerStats } from '../../src/server/server.js';
import type {
  ClientRegistry,
  ClientSession,
  CommandContext,
  CommandResult,
  MonitorControl,
  ProcessInfo,
  PubSubHub,
  ScriptControl,
  SentinelContext,
} from '../../src/commands/types.js';
import type { ScriptJobView } from '../../src/commands/sentinel/script-queue.js';
import { EventBus } from '../../src/events/bus.js';
import type { SentinelEvent } from '../../src/events/event.js';
import type { Reply } from '../../src/resp/reply.js';
import { writeReplies, writeReply } from '../../src/resp/reply-writer.js';
import type { Clock } from '../../src/runtime/clock.js';
import { newSentinelState, type SentinelState } from '../../src/sentinel/state.js';

/** A clock that moves only when told; monotonic and wall advance together. */
export class FakeClock implements Clock {
  #mono: number;
  #wall: number;

  constructor(mono = 1_000_000, wall = Date.UTC(2026, 10, 22, 12, 0, 0)) {
    this.#mono = mono;
    this.#wall = wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  wall(): number {
    return this.#wall;
  }

  advance(ms: number): void {
    this.#mono += ms;
    this.#wall += ms;
  }
}

/** A connection as src/server would hand it to dispatch, with settable buffer sizes. */
export interface FakeSession extends ClientSession {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  outBytes: number;
  inBytes: number;
}

let nextId = 1;

export function fakeSession(clock: Clock, over: Partial<FakeSession> = {}): FakeSession {
  const now = clock.monotonic();
  const s: FakeSession = {
    id: nextId++,
    addr: '127.0.0.1:50001',
    laddr: '127.0.0.1:26379',
    name: '',
    libName: '',
    libVer: '',
    resp: 2,
    user: 'default',
    authenticated: true,
    createdAt: now,
    lastInteraction: now,
    lastCommand: '',
    channels: new Set(),
    patterns: new Set(),
    closeAfterReply: false,
    outBytes: 0,
    inBytes: 0,
    outputBytes() {
      return this.outBytes;
    },
    queryBufferBytes() {
      return this.inBytes;
    },
    ...over,
  };
  return s;
}

/** Subscriptions kept on the sessions themselves; counts are channels + patterns, as in Redis. */
export class FakePubSub implements PubSubHub {
  readonly #members = new Set<FakeSession>();

  subscribe(c: ClientSession, ch: string): number {
    const s = c as FakeSession;
    s.channels.add(ch);
    this.#members.add(s);
    return s.channels.size + s.patterns.size;
  }

  unsubscribe(c: ClientSession, ch: string): number {
    const s = c as FakeSession;
    s.channels.delete(ch);
    return s.channels.size + s.patterns.size;
  }

  psubscribe(c: ClientSession, p: string): number {
    const s = c as FakeSession;
    s.patterns.add(p);
    this.#members.add(s);
    return s.channels.size + s.patterns.size;
  }

  punsubscribe(c: ClientSession, p: string): number {
    const s = c as FakeSession;
    s.patterns.delete(p);
    return s.channels.size + s.patterns.size;
  }

  channelCount(): number {
    return new Set([...this.#members].flatMap((s) => [...s.channels])).size;
  }

  patternCount(): number {
    return new Set([...this.#members].flatMap((s) => [...s.patterns])).size;
  }
}

export class FakeClients implements ClientRegistry {
  readonly list: ClientSession[] = [];
  readonly killed: ClientSession[] = [];

  all(): Iterable<ClientSession> {
    return this.list;
  }

  count(): number {
    return this.list.length;
  }

  kill(client: ClientSession): void {
    this.killed.push(client);
    const i = this.list.indexOf(client);
    if (i >= 0) this.list.splice(i, 1);
  }
}

/**
 * Records every MonitorControl call as `method:arg`. Reads answer from the state's own records,
 * as if every master lived on the main thread: a test sets a field and sees it in the reply.
 */
export class FakeMonitors implements MonitorControl {
  readonly calls: string[] = [];
  readonly #state: SentinelState;
  constructor(state: SentinelState) {
    this.#state = state;
  }
  async view(names: readonly string[] | null): Promise<MasterRecord[]> {
    const masters = this.#state.masters;
    if (names === null) return [...masters.values()];
    return [...new Set(names)].flatMap((n) => masters.get(n) ?? []);
  }
  async brief(): Promise<MasterBrief[]> {
    return [...this.#state.masters.values()].map(briefOf);
  }
  masterAdded(name: string): void {
    this.calls.push(`masterAdded:${name}`);
  }
  masterRemoved(name: string): void {
    this.calls.push(`masterRemoved:${name}`);
  }
  masterReset(name: string): void {
    this.calls.push(`masterReset:${name}`);
  }
  async infoCache(names: readonly string[]): Promise<Map<string, InfoCacheEntry>> {
    this.calls.push(`infoCache:${names.join(',')}`);
    return new Map((await this.view(names)).map((m) => [m.name, infoCacheOf(m)]));
  }
  /** what isMasterDownByAddr answers (null = owner unreachable) */
  vote: VoteAnswer | null = { down: 0, leader: '*', leaderEpoch: 0, currentEpoch: 0, mustFlush: false };
  async isMasterDownByAddr(name: string, reqEpoch: number, runid: string): Promise<VoteAnswer | null> {
    this.calls.push(`isMasterDownByAddr:${name}:${reqEpoch}:${runid}`);
    return this.vote;
  }
  /** what userFailover answers */
  failoverReply: UserFailoverReply | null = 'OK';
  async userFailover(name: string, request?: UserFailoverRequest): Promise<UserFailoverReply | null> {
    this.calls.push(request === undefined ? `userFailover:${name}` : `userFailover:${name}:${JSON.stringify(request)}`);
    return this.failoverReply;
  }
  async forget(name: string, target: string, force: boolean): Promise<ForgetAnswer | null> {
    this.calls.push(`forget:${name}:${target}:${force}`);
    const master = this.#state.masters.get(name);
    if (!master) return null;
    const result = forgetInstance(master, target, force);
    if (!result.ok) return result;
    const text = instanceDescription(result.instance, master, { announceHostnames: false });
    return { ok: true, type: forgetEventType(result.instance), text };
  }
  /** what doctor() answers for a master; unset: every node of it unchecked (no links here) */
  readonly doctorFindings = new Map<string, DoctorNodeReport[]>();
  async doctor(names: readonly string[]): Promise<Map<string, readonly DoctorNodeReport[]>> {
    this.calls.push(`doctor:${names.join(',')}`);
    const out = new Map<string, readonly DoctorNodeReport[]>();
    for (const name of names) {
      const m = this.#state.masters.get(name);
      if (!m) continue;
      out.set(name, this.doctorFindings.get(name) ?? [m, ...m.replicas.values()].map((ri) => uncheckedNode(m, ri, 'fake monitors')));
    }
    return out;
  }
  hello(payload: string): void {
    this.calls.push(`hello:${payload}`);
  }
  masterAuthChanged(name: string): void {
    this.calls.push(`masterAuthChanged:${name}`);
  }
  peerAuthChanged(): void {
    this.calls.push('peerAuthChanged');
  }
  syncGlobals(): void {
    this.calls.push('syncGlobals');
  }
}

/** A script queue whose jobs a test sets; records clientReconfig calls as their argv. */
export class FakeScripts implements ScriptControl {
  list: ScriptJobView[] = [];
  readonly reconfigs: string[][] = [];
  jobs(): readonly ScriptJobView[] {
    return this.list;
  }
  runningCount(): number {
    return this.list.filter((j) => j.running).length;
  }
  clientReconfig(master: string, role: string, state: string, fromIp: string, fromPort: number, toIp: string, toPort: number): boolean {
    this.reconfigs.push([master, role, state, fromIp, String(fromPort), toIp, String(toPort)]);
    return true;
  }
}

export interface Harness {
  readonly ctx: CommandContext;
  readonly sentinel: SentinelContext;
  readonly state: SentinelState;
  readonly server: ServerOptions;
  readonly client: FakeSession;
  readonly clock: FakeClock;
  readonly clients: FakeClients;
  readonly monitors: FakeMonitors;
  readonly scripts: FakeScripts;
  readonly pubsub: FakePubSub;
  readonly process: ProcessInfo;
  /** every event published, in order */
  readonly events: SentinelEvent[];
  readonly logs: [string, string][];
  /** the event history (100 events) and the audit trail, whose lines go to auditLines, not logs */
  readonly history: EventRing;
  readonly audit: AuditLog;
  readonly auditLines: string[];
  readonly logLevels: LogLevel[];
  readonly shutdowns: string[];
  /** completed saveConfig calls (successful or not) */
  saves: number;
  /** make the next saves reject */
  failSaves: boolean;
  /** a second connection on the same context */
  connect(over?: Partial<FakeSession>): CommandContext & { client: FakeSession };
  /** dispatch and await; `on` picks another connection */
  run(...argv: string[]): Promise<CommandResult>;
  runAs(ctx: CommandContext, ...argv: string[]): Promise<CommandResult>;
}

export const RUN_ID = 'a'.repeat(40);
export const MY_ID = '0123456789abcdef0123456789abcdef01234567';

export function harness(): Harness {
  const clock = new FakeClock();
  const state = newSentinelState();
  state.myid = MY_ID;
  const server = new ServerOptions();
  const events = new EventBus(clock, () => state.announceHostnames);
  const clients = new FakeClients();
  const monitors = new FakeMonitors(state);
  const scripts = new FakeScripts();
  const pubsub = new FakePubSub();
  const recorded: SentinelEvent[] = [];
  events.subscribe((e) => recorded.push(e));
  const history = new EventRing(100);
  events.subscribe(history.record);
  const auditLines: string[] = [];
  const audit = new AuditLog(100, (line) => auditLines.push(line));
  const processInfo: ProcessInfo = {
    runId: RUN_ID,
    startTime: clock.monotonic(),
    configFile: '/etc/argus/sentinel.conf',
    executable: '/usr/bin/argus-sentinel',
    tcpPort: 26379,
    hz: () => 13,
    stats: newServerStats(),
  };
  const h: Harness = {
    ctx: undefined as unknown as CommandContext,
    sentinel: undefined as unknown as SentinelContext,
    state,
    server,
    client: fakeSession(clock),
    clock,
    clients,
    monitors,
    scripts,
    pubsub,
    process: processInfo,
    events: recorded,
    logs: [],
    history,
    audit,
    auditLines,
    logLevels: [],
    shutdowns: [],
    saves: 0,
    failSaves: false,
    connect(over = {}) {
      const client = fakeSession(clock, over);
      clients.list.push(client);
      return { client, sentinel: h.sentinel };
    },
    async run(...argv) {
      return await dispatch(h.ctx, argv);
    },
    async runAs(ctx, ...argv) {
      return await dispatch(ctx, argv);
    },
  };
  const sentinel: SentinelContext = {
    state,
    server,
    clock,
    events,
    history,
    audit,
    process: processInfo,
    pubsub,
    clients,
    monitors,
    scripts,
    async saveConfig() {
      await Promise.resolve();
      h.saves++;
      if (h.failSaves) throw new Error('disk full');
    },
    setLogLevel: (level) => h.logLevels.push(level),
    log: (level, message) => h.logs.push([level, message]),
    shutdown: (reason) => h.shutdowns.push(reason),
  };
  clients.list.push(h.client);
  Object.assign(h, { sentinel, ctx: { client: h.client, sentinel } });
  return h;
}

/** The one reply of a command that sends exactly one. */
export function one(result: CommandResult): Reply {
  if (Array.isArray(result)) {
    const list = result as readonly Reply[];
    if (list.length !== 1) throw new Error(`expected one reply, got ${list.length}`);
    return list[0]!;
  }
  return result as Reply;
}

/** The bytes a client would read, latin1. */
export function wire(result: CommandResult, proto: 2 | 3 = 2): string {
  const bytes = Array.isArray(result) ? writeReplies(result as readonly Reply[], proto) : writeReply(result as Reply, proto);
  return bytes.toString('latin1');
}
