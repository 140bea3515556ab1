import { instanceDescription } from '../events/event.js';
import { InstanceLink } from '../links/instance-link.js';
import { DEFAULT_DNS_SETTINGS, HostResolver } from '../links/host-resolver.js';
import { PeerLinks } from '../links/peer-links.js';
import { clientTlsOptions } from '../links/tls-context.js';
import type { ConnectionKind, LinkCredentials, LinkReply } from '../links/types.js';
import type { AnnounceContext } from '../sentinel/addr-match.js';
import type { Effect } from '../sentinel/effects.js';
import { firstError } from '../sentinel/coordinated.js';
import { failoverToRefused, startUserFailover, type UserFailoverRequest } from '../sentinel/failover.js';
import type { FailoverContext } from '../sentinel/failover-context.js';
import { handleMaster, nextFailoverWake } from '../sentinel/handle-master.js';
import { HELLO_CHANNEL } from '../sentinel/hello.js';
import { doctorPrecheck, doctorProbes, doctorUser, dryrunArgs, judgeDryruns, nodeAddress, uncheckedNode, type DataNode, type DoctorNodeReport } from '../sentinel/doctor.js';
import { forgetEventType, forgetInstance } from '../sentinel/forget.js';
import { forgetSentinel, isOwnHello, parseHello, processHelloMessage } from '../sentinel/hello-process.js';
import { SRI, type InstanceRecord, type MasterRecord, type SentinelRecord } from '../sentinel/instance.js';
import { onIsMasterDownReply } from '../sentinel/odown.js';
import { renameCommand, slaveOfCommands } from '../sentinel/reconfigure.js';
import { answerIsMasterDownByAddr } from '../sentinel/vote.js';
import type { ForgetAnswer, MasterCoordinator, ShardGlobals, ShardServices, UserFailoverReply, VoteAnswer } from './coordinator.js';
import { InstanceActor, type ActorHost } from './instance-actor.js';

/**
 * A connect attempt that takes longer than this counts as failed (sentinel.c uses the OS's).
 * A little over Linux's first SYN retransmission (1 s): at exactly 1 s, an attempt begun during
 * a network partition was given up just as its retry would have crossed the healed path, and the
 * next attempt waited for the next ping period, so a heal took up to 2 s to be seen, not 1.
 */
export const CONNECT_TIMEOUT_MS = 1_500;

/** How long SENTINEL DOCTOR waits for a node's ACL DRYRUN answers before calling it unchecked. */
const DOCTOR_TIMEOUT_MS = 5_000;

/** Distinct hellos remembered per master before the memory starts over. */
const SEEN_HELLOS_MAX = 64;

/** First connects of actors created together are spread over this window. */
const START_SPREAD_MS = 250;

/**
 * A link to a peer sentinel shared by the sentinel records of several masters in this shard
 * (sentinelTryConnectionSharing): one connection, one PING stream, one LinkState object, and the
 * link callbacks fan out to every actor using it.
 */
interface SharedPeer {
  readonly actors: Set<InstanceActor>;
}
const peerLinks = new PeerLinks<InstanceLink>();
const peerActors = new Map<string, SharedPeer>();

/**
 * One resolver per shard thread: a name is looked up once however many links use it, and its
 * last good address serves every master here (RuleContext.lookupIp, a failed re-resolve).
 */
let shardResolver: HostResolver | null = null;
function resolverOf(services: ShardServices): HostResolver {
  shardResolver ??= new HostResolver({
    log: (level, message) => services.log(level, message),
    // facts carry the resolved IPs (GET-MASTER-ADDR-BY-NAME with announce-hostnames no)
    onChange: () => services.hostResolved(),
  });
  shardResolver.configure(services.globals().dns ?? DEFAULT_DNS_SETTINGS);
  return shardResolver;
}

/**
 * The coordinator actor of one master: owns the instance actors of the master, its replicas and
 * its peer sentinels, runs the per-master rules on their effects, and reports to the shard.
 * (ODOWN, votes and the failover state machine join it in the failover issue.)
 */
class Coordinator implements MasterCoordinator, ActorHost {
  readonly name: string;
  readonly master: MasterRecord;
  readonly #services: ShardServices;
  readonly #resolver: HostResolver;
  readonly #actors = new Map<InstanceRecord, InstanceActor>();
  /** the failover/ODOWN timer (nextFailoverWake) */
  #timer: NodeJS.Timeout | null = null;
  #runScheduled = false;
  #stopped = false;
  /** hellos processed, by payload, with the peer record they were about (see #hello) */
  readonly #seenHellos = new Map<string, { record: SentinelRecord; host: string; port: number }>();
  /** the rule context's functions, made once: a context is built for every reply */
  readonly #random: (n: number) => number;
  readonly #wallTime: (t: number) => number;
  readonly #lookupIp: (host: string) => string | undefined;

  constructor(master: MasterRecord, services: ShardServices) {
    this.name = master.name;
    this.master = master;
    this.#services = services;
    this.#resolver = resolverOf(services);
    const { clock, random } = services;
    this.#random = (n) => random.int(n);
    this.#wallTime = (t) => clock.wall() + (t - clock.monotonic());
    this.#lookupIp = (host) => this.#resolver.cached(host);
  }

  start(): void {
    this.#addActor(this.master);
    for (const r of this.master.replicas.values()) this.#addActor(r);
    for (const s of this.master.sentinels.values()) this.#addActor(s);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const record of [...this.#actors.keys()]) this.#removeActor(record);
  }

  applyConfig(config: MasterRecord): void {
    const m = this.master;
    m.quorum = config.quorum;
    m.downAfterPeriod = config.downAfterPeriod;
    m.failoverTimeout = config.failoverTimeout;
    m.parallelSyncs = config.parallelSyncs;
    m.notificationScript = config.notificationScript;
    m.clientReconfigScript = config.clientReconfigScript;
    m.authPass = config.authPass;
    m.authUser = config.authUser;
    m.masterRebootDownAfterPeriod = config.masterRebootDownAfterPeriod;
    m.renamedCommands = new Map(config.renamedCommands);
    m.argusPingPeriod = config.argusPingPeriod;
    m.argusMaintenanceUntil = config.argusMaintenanceUntil;
    // Replicas and sentinels use their master's down-after (SENTINEL SET copies it to them).
    for (const r of m.replicas.values()) r.downAfterPeriod = m.downAfterPeriod;
    for (const s of m.sentinels.values()) s.downAfterPeriod = m.downAfterPeriod;
    this.#wakeAll();
    // maintenance on or off: the master rules look at once (maintenance.ts)
    this.changed();
  }

  reset(): void {
    this.stop();
    this.#stopped = false;
    const m = this.master;
    const now = this.#services.clock.monotonic();
    m.replicas.clear();
    m.sentinels.clear();
    m.runid = null;
    m.link = { ...m.link, disconnected: true, ccConnected: false, pcConnected: false, pendingCommands: 0, actPingTime: now, lastPongTime: now, lastAvailTime: now, lastPingTime: 0, permErrors: [] };
    m.roleReportedTime = now;
    this.#addActor(m);
    this.changed();
  }

  dropDataLinks(): void {
    for (const [record, actor] of this.#actors) {
      if (record.kind === 'sentinel') continue;
      actor.link.close();
      actor.disconnected('cc');
      actor.disconnected('pc');
    }
  }

  dropPeerLinks(): void {
    for (const [record, actor] of this.#actors) {
      if (record.kind !== 'sentinel') continue;
      actor.link.close();
      actor.disconnected('cc');
    }
  }

  tiltChanged(tilt: boolean): void {
    // Leaving TILT (or learning of a stall): refresh every timing at once rather than waiting
    // for the next period, so the data that ends TILT is fresh within a round trip.
    for (const actor of this.#actors.values()) {
      if (tilt) actor.pingNow();
      else actor.wake();
    }
    if (!tilt) this.#scheduleRun();
  }

  answerIsMasterDown(reqEpoch: number, runid: string): VoteAnswer {
    const ctx = this.ruleContext();
    const answer = answerIsMasterDownByAddr(this.master, reqEpoch, runid, ctx);
    this.apply(answer.effects);
    // a vote for another sentinel moves our own next failover start: re-arm
    this.#scheduleRun();
    return {
      down: answer.down,
      leader: answer.leader,
      leaderEpoch: answer.leaderEpoch,
      currentEpoch: ctx.currentEpoch,
      mustFlush: answer.mustFlush,
    };
  }

  publishedHello(payload: string): void {
    this.#hello(payload);
  }

  userFailover(request: UserFailoverRequest = {}): UserFailoverReply {
    const result = startUserFailover(this.master, this.ruleContext(), request);
    if (!result.ok) return result.error;
    this.apply(result.effects);
    // sentinel.c replies +OK and runs the failover state machine on its next timer tick: run it
    // as soon as this call's reply has left, so that a SIMULATE-FAILURE crash cannot beat the +OK
    setImmediate(() => this.#runMaster());
    return 'OK';
  }

  forgetSentinel(runid: string): void {
    this.apply(forgetSentinel([this.master], runid));
    this.changed();
  }

  forget(target: string, force: boolean): ForgetAnswer {
    const result = forgetInstance(this.master, target, force);
    if (!result.ok) return result;
    // the description as Sentinel's events print it, taken before the record is gone
    const text = instanceDescription(result.instance, this.master, this.#announce());
    this.apply(result.effects);
    this.changed();
    return { ok: true, type: forgetEventType(result.instance), text };
  }

  doctor(): Promise<DoctorNodeReport[]> {
    return Promise.all([this.master, ...this.master.replicas.values()].map((ri) => this.#doctorNode(ri)));
  }

  lookupIp(host: string): string | undefined {
    return this.#resolver.cached(host);
  }

  // ActorHost

  /** The context of every rule: monitoring's, plus the epoch and chance the cluster rules need. */
  ruleContext(): FailoverContext {
    const g = this.#services.globals();
    return {
      now: this.#services.clock.monotonic(),
      timings: g.timings,
      tilt: g.tilt,
      resolveHostnames: g.resolveHostnames,
      announceHostnames: g.announceHostnames,
      myid: g.myid,
      currentEpoch: g.currentEpoch,
      random: this.#random,
      wallTime: this.#wallTime,
      lookupIp: this.#lookupIp,
    };
  }

  apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      // A rule run here may touch another master of the shard (a peer's address, an
      // invalidated run id): its own coordinator performs that.
      const owner = 'master' in e ? e.master : null;
      if (owner !== null && typeof owner === 'object' && owner !== this.master) {
        this.#services.delegate(owner.name, [e]);
        continue;
      }
      if (this.#applyOne(e) === 'stop') return;
    }
  }

  /**
   * An actor's record changed (a reply, a connect): let the master rules look. Nothing leaves the
   * shard for it: what the main thread must know follows from events and config flushes.
   */
  changed(): void {
    this.#scheduleRun();
  }

  freshReply(): void {
    this.#services.noteFreshReply();
  }

  atRest(): boolean {
    const m = this.master;
    return !(m.flags & (SRI.S_DOWN | SRI.O_DOWN | SRI.FAILOVER_IN_PROGRESS)) && m.failoverState === 'none';
  }

  helloIdentity(link: InstanceLink): { ip: string; port: number; runid: string; currentEpoch: number } {
    const g = this.#services.globals();
    return {
      ip: g.announceIp ?? link.localAddress() ?? '',
      port: g.announcePort || g.listenPort,
      runid: g.myid,
      currentEpoch: g.currentEpoch,
    };
  }

  #applyOne(e: Effect): 'stop' | void {
    switch (e.kind) {
      case 'event': {
        const text = instanceDescription(e.instance, e.master, this.#announce());
        this.#emit(e.level, e.type, e.detail === undefined ? text : `${text} ${e.detail}`);
        return;
      }
      case 'event-text':
        return this.#emit(e.level, e.type, e.text);
      case 'flush-config':
        return this.#services.requestFlush();
      case 'replica-added':
        this.#addActor(e.replica);
        return this.changed();
      case 'replica-removed':
        this.#removeActor(e.replica);
        return this.#services.markDirty(this.name);
      case 'send-slaveof': {
        const actor = this.#actors.get(e.instance);
        // V9: a node stuck in a FAILOVER gets FAILOVER ABORT first.
        const abort = e.instance.kind !== 'sentinel' && e.instance.monitoredFailoverState === 'failover';
        if (actor) void actor.link.sendPipeline(slaveOfCommands(e.host, e.port, undefined, abort));
        return;
      }
      case 'send-commands': {
        const actor = this.#actors.get(e.instance);
        if (!actor) return;
        void actor.link.sendPipeline(e.commands).then((replies) => {
          const reason = e.check === 'failover-to' ? firstError(replies) : null;
          if (reason === null || this.#stopped) return;
          this.apply(failoverToRefused(this.master, reason, this.ruleContext()));
          this.changed();
        });
        return;
      }
      case 'script-kill':
        void this.#actors.get(e.instance)?.command('SCRIPT', ['KILL']);
        return;
      case 'close-link': {
        const actor = this.#actors.get(e.instance);
        if (!actor) return;
        actor.link.close(e.which);
        actor.disconnected(e.which);
        return;
      }
      case 'log':
        return this.#services.log(e.level, e.message);
      case 'raise-epoch':
        return this.#services.raiseCurrentEpoch(e.epoch);
      case 'ask-peer':
        return this.#askPeer(e.sentinel, e.args);
      case 'sentinel-added':
        this.#addActor(e.sentinel);
        return this.#services.markDirty(this.name);
      case 'sentinel-removed':
        this.#removeActor(e.sentinel);
        return this.#services.markDirty(this.name);
      case 'sentinel-address-changed': {
        const actor = this.#actors.get(e.sentinel);
        if (!actor) return;
        actor.link.setAddress(e.sentinel.addr.host, e.sentinel.addr.port);
        for (const a of peerActors.get(e.sentinel.name)?.actors ?? [actor]) a.disconnected('cc');
        return;
      }
      case 'forget-sentinel':
        return this.#services.forgetSentinel(e.runid, this.name);
      case 'client-reconfig':
        return this.#services.clientReconfig([e.script, ...e.args]);
      case 'switch-master':
        return this.#switchMaster(e.dropped);
      case 'force-hello':
        for (const actor of this.#actors.values()) actor.wake();
        return;
      case 'info-now':
        this.#actors.get(e.instance)?.infoNow();
        return;
      case 'simulated-crash': {
        const bit = e.when === 'after-election' ? 1 : 2;
        if (!(this.#services.globals().simFailureFlags & bit)) return;
        // the crash batch carries the state that led here (a promotion's config epoch), and
        // the main thread logs sentinelSimFailureCrash's line after this batch's events
        this.#services.markDirty(this.name);
        this.stop();
        this.#services.crash();
        return 'stop';
      }
      default:
        return assertNever(e);
    }
  }

  /**
   * handleMaster after any input about this master, coalesced to once per turn of the event
   * loop: ODOWN, asking peers, the election and the failover steps react at once instead of on
   * a tick; the timer covers what only time changes (nextFailoverWake).
   */
  #scheduleRun(): void {
    if (this.#runScheduled || this.#stopped) return;
    this.#runScheduled = true;
    queueMicrotask(() => {
      this.#runScheduled = false;
      this.#runMaster();
    });
  }

  #runMaster(): void {
    if (this.#stopped) return;
    this.apply(handleMaster(this.master, this.ruleContext()));
    if (this.#stopped) return;
    const ctx = this.ruleContext();
    const at = nextFailoverWake(this.master, ctx);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (at === Infinity) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#runMaster();
    }, Math.max(0, at - ctx.now));
  }

  /**
   * SENTINEL DOCTOR on one node: every probe as one pipelined write of ACL DRYRUN on the
   * existing command connection (so as the user Sentinel logs in as), bounded in time.
   */
  async #doctorNode(ri: DataNode): Promise<DoctorNodeReport> {
    const m = this.master;
    const actor = this.#actors.get(ri);
    const before = actor === undefined ? 'the node is not monitored yet' : doctorPrecheck(ri);
    if (actor === undefined || before !== null) return uncheckedNode(m, ri, before!);
    const user = doctorUser(m);
    const probes = doctorProbes(m, this.#clientName('cc'));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), DOCTOR_TIMEOUT_MS);
    });
    const replies = await Promise.race([actor.link.query(probes.map((p) => ['ACL', ...dryrunArgs(user, p)])), late]);
    clearTimeout(timer);
    if (replies === null) return uncheckedNode(m, ri, `no answer to ACL DRYRUN within ${DOCTOR_TIMEOUT_MS / 1000} s`);
    const verdict = judgeDryruns(probes, replies);
    return { master: m.name, name: nodeAddress(ri), role: ri.kind === 'master' ? 'master' : 'slave', user, ...verdict };
  }

  /** CLIENT SETNAME's name on each connection (sentinelReconnectInstance). */
  #clientName(kind: ConnectionKind): string {
    return `sentinel-${this.#services.globals().myid.slice(0, 8)}-${kind === 'cc' ? 'cmd' : 'pubsub'}`;
  }

  /** SENTINEL is-master-down-by-addr to a peer; its answer feeds ODOWN and the election. */
  #askPeer(sentinel: SentinelRecord, args: readonly string[]): void {
    const actor = this.#actors.get(sentinel);
    if (!actor) return;
    void actor.command('SENTINEL', args).then((reply) => {
      if (this.#stopped || !this.master.sentinels.has(sentinel.name)) return;
      this.apply(onIsMasterDownReply(sentinel, this.master, reply, this.ruleContext()));
      this.changed();
    });
  }

  /** A hello from a pub/sub connection or the PUBLISH command (sentinelProcessHelloMessage). */
  #hello(payload: string): void {
    // A peer repeats its hello every 2 s on the master's channel and on each replica's: a
    // repeat of one processed before, from a peer still known at the same address, can change
    // nothing but the time it was heard (epochs only grow, so the epochs it carries are ours
    // already). Anything else goes through the rules.
    const seen = this.#seenHellos.get(payload);
    if (seen !== undefined && this.master.sentinels.get(seen.record.name) === seen.record &&
      seen.record.addr.host === seen.host && seen.record.addr.port === seen.port) {
      seen.record.lastHelloTime = this.#services.clock.monotonic();
      return;
    }
    const hello = parseHello(payload);
    // A hello about another master: that master's own links receive it too.
    if (hello === null || hello.masterName !== this.name) return;
    this.apply(processHelloMessage(this.master, hello, this.ruleContext(), this.#services.shardMasters()));
    this.changed();
    const record = this.master.sentinels.get(hello.runid);
    if (record === undefined) return;
    // a handful of peers, each with one current hello: the map stays small (cleared if not)
    if (this.#seenHellos.size >= SEEN_HELLOS_MAX) this.#seenHellos.clear();
    this.#seenHellos.set(payload, { record, host: record.addr.host, port: record.addr.port });
  }

  /**
   * sentinelResetMasterAndChangeAddress happened: the master record points elsewhere with a
   * fresh link state and new replica records. Its actors start from scratch — no reconnect
   * throttle, timer or connection carried over from the old address (redis-sentinel carried a
   * reconnect timer over and declared the new master down a second after the switch).
   */
  #switchMaster(dropped: readonly InstanceRecord[]): void {
    this.#removeActor(this.master);
    for (const r of dropped) this.#removeActor(r);
    for (const [record] of [...this.#actors]) {
      if (record.kind === 'slave' && !this.master.replicas.has(record.name)) this.#removeActor(record);
    }
    this.#addActor(this.master, 0);
    for (const r of this.master.replicas.values()) this.#addActor(r, 0);
    this.#services.markDirty(this.name);
  }

  /** How event texts show addresses (sentinel.c announceSentinelAddr): names, or their IPs. */
  #announce(): AnnounceContext {
    return { announceHostnames: this.#services.globals().announceHostnames, lookupIp: this.#lookupIp };
  }

  #emit(level: 'debug' | 'verbose' | 'notice' | 'warning', type: string, text: string): void {
    this.#services.emit({ level, type, text, master: this.name, time: this.#services.clock.wall() });
  }

  #addActor(record: InstanceRecord, phaseMs = this.#services.random.int(START_SPREAD_MS)): void {
    if (this.#actors.has(record)) return;
    const actor = record.kind === 'sentinel' ? this.#peerActor(record) : this.#dataActor(record);
    this.#actors.set(record, actor);
    actor.start(phaseMs);
  }

  #removeActor(record: InstanceRecord): void {
    const actor = this.#actors.get(record);
    if (!actor) return;
    actor.stop();
    this.#actors.delete(record);
    if (record.kind === 'sentinel') {
      const shared = peerActors.get(record.name);
      shared?.actors.delete(actor);
      if (shared && shared.actors.size === 0) peerActors.delete(record.name);
      const left = peerLinks.release(record.name);
      for (const a of shared?.actors ?? []) a.record.link.refcount = left;
    } else {
      actor.link.destroy();
    }
  }

  /** A master or replica: its own command and pub/sub connections, the master's credentials. */
  #dataActor(record: InstanceRecord): InstanceActor {
    let actor: InstanceActor | null = null;
    const link = this.#newLink(record.addr.host, record.addr.port, true, () => this.#dataCredentials(), {
      connected: (kind) => {
        actor?.connected(kind);
        // auth-pass removed: no AUTH goes out any more, so an old AUTH refusal no longer stands
        if (this.#dataCredentials().pass === null) actor?.commandNotSent('AUTH');
      },
      disconnected: (kind, reason) => actor?.disconnected(kind, reason),
      reply: (command, args, reply) => actor?.commandReply(command, args, reply),
    });
    actor = new InstanceActor(record, link, this);
    return actor;
  }

  /** A peer sentinel: the shard-wide shared link of its run id. */
  #peerActor(record: SentinelRecord): InstanceActor {
    const runid = record.name;
    let shared = peerActors.get(runid);
    if (!shared) {
      const actors = new Set<InstanceActor>();
      shared = { actors };
      peerActors.set(runid, shared);
    }
    const fanOut = shared.actors;
    const link = peerLinks.acquire(runid, record.addr.host, record.addr.port, (host, port) =>
      this.#newLink(host, port, false, () => this.#peerCredentials(), {
        connected: (kind) => {
          fanOut.forEach((a) => a.connected(kind));
          if (this.#peerCredentials().pass === null) sharedReply(fanOut, (a) => a.commandNotSent('AUTH'));
        },
        disconnected: (kind, reason) => fanOut.forEach((a) => a.disconnected(kind, reason)),
        reply: (command, args, reply) => sharedReply(fanOut, (a) => a.commandReply(command, args, reply)),
      }),
    );
    const first = fanOut.values().next().value as InstanceActor | undefined;
    // One LinkState object for every record of the peer: one PING stream, shared timings.
    if (first) record.link = first.record.link;
    const actor = new InstanceActor(record, link, this);
    fanOut.add(actor);
    record.link.refcount = peerLinks.refcount(runid);
    return actor;
  }

  #newLink(
    host: string,
    port: number,
    pubsub: boolean,
    credentials: () => LinkCredentials,
    on: {
      connected: (kind: ConnectionKind) => void;
      disconnected: (kind: ConnectionKind, reason: string) => void;
      reply: (command: string, args: readonly string[], reply: LinkReply) => void;
    },
  ): InstanceLink {
    // tls-replication yes: every link (master, replicas, peers) is TLS (security.md §6)
    const tls = this.#services.globals().tls;
    return new InstanceLink({
      host,
      port,
      pubsub,
      ...(tls ? { tls: clientTlsOptions(tls) } : {}),
      credentials,
      rename: (command) => renameCommand(this.master, command),
      clientName: (kind) => this.#clientName(kind),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      clock: this.#services.clock,
      resolveHost: (h) => this.#resolver.resolve(h),
      // Our own hellos come back on the channel: ignore any that carry our id (sentinel.c strstr).
      onMessage: (channel, message) => {
        if (channel === HELLO_CHANNEL && !isOwnHello(message, this.#services.globals().myid)) this.#hello(message);
      },
      onConnected: on.connected,
      onDisconnected: on.disconnected,
      onReply: on.reply,
    });
  }

  #dataCredentials(): LinkCredentials {
    return { user: this.master.authUser, pass: this.master.authPass };
  }

  /** sentinel-user/sentinel-pass, else our own requirepass (security.md §2). */
  #peerCredentials(): LinkCredentials {
    const g: ShardGlobals = this.#services.globals();
    if (g.sentinelPass !== null) return { user: g.sentinelUser, pass: g.sentinelPass };
    return { user: null, pass: g.requirepass };
  }

  #wakeAll(): void {
    for (const actor of this.#actors.values()) actor.wake();
  }
}

/**
 * A reply on a shared peer link concerns one LinkState, shared by every record of the peer: one
 * actor notes it (so a refusal is logged once), and the others' masters' rules look again.
 */
function sharedReply(actors: ReadonlySet<InstanceActor>, note: (a: InstanceActor) => boolean): void {
  const [first, ...rest] = actors;
  if (first && note(first)) rest.forEach((a) => a.recordChanged());
}

function assertNever(x: never): never {
  throw new Error(`unhandled effect ${JSON.stringify(x)}`);
}

export const createMasterCoordinator = (config: MasterRecord, services: ShardServices): MasterCoordinator =>
  new Coordinator(config, services);
