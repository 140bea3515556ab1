import { instanceDescription } from '../events/event.js';
import { InstanceLink } from '../links/instance-link.js';
import { PeerLinks } from '../links/peer-links.js';
import type { ConnectionKind, LinkCredentials } from '../links/types.js';
import type { Effect } from '../sentinel/effects.js';
import type { InstanceRecord, MasterRecord, SentinelRecord } from '../sentinel/instance.js';
import { renameCommand, slaveOfCommands } from '../sentinel/reconfigure.js';
import type { RuleContext } from '../sentinel/rule-context.js';
import type { MasterCoordinator, ShardGlobals, ShardServices } from './coordinator.js';
import { InstanceActor, type ActorHost } from './instance-actor.js';

/** A connect attempt that takes longer than this counts as failed (sentinel.c uses the OS's). */
const CONNECT_TIMEOUT_MS = 1_000;

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
 * The coordinator actor of one master: owns the instance actors of the master, its replicas and
 * its peer sentinels, runs the per-master rules on their effects, and reports to the shard.
 * (ODOWN, votes and the failover state machine join it in the failover issue.)
 */
class Coordinator implements MasterCoordinator, ActorHost {
  readonly name: string;
  readonly master: MasterRecord;
  readonly #services: ShardServices;
  readonly #actors = new Map<InstanceRecord, InstanceActor>();

  constructor(master: MasterRecord, services: ShardServices) {
    this.name = master.name;
    this.master = master;
    this.#services = services;
  }

  start(): void {
    this.#addActor(this.master);
    for (const r of this.master.replicas.values()) this.#addActor(r);
    for (const s of this.master.sentinels.values()) this.#addActor(s);
  }

  stop(): void {
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
    // Replicas and sentinels use their master's down-after (SENTINEL SET copies it to them).
    for (const r of m.replicas.values()) r.downAfterPeriod = m.downAfterPeriod;
    for (const s of m.sentinels.values()) s.downAfterPeriod = m.downAfterPeriod;
    this.#wakeAll();
  }

  reset(): void {
    this.stop();
    const m = this.master;
    const now = this.#services.clock.monotonic();
    m.replicas.clear();
    m.sentinels.clear();
    m.runid = null;
    m.link = { ...m.link, disconnected: true, ccConnected: false, pcConnected: false, pendingCommands: 0, actPingTime: now, lastPongTime: now, lastAvailTime: now, lastPingTime: 0 };
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
  }

  // ActorHost

  ruleContext(): RuleContext {
    const g = this.#services.globals();
    return {
      now: this.#services.clock.monotonic(),
      timings: g.timings,
      tilt: g.tilt,
      resolveHostnames: g.resolveHostnames,
      announceHostnames: g.announceHostnames,
      myid: g.myid,
    };
  }

  apply(effects: readonly Effect[]): void {
    for (const e of effects) this.#applyOne(e);
  }

  changed(): void {
    this.#services.markDirty(this.name);
  }

  freshReply(): void {
    this.#services.noteFreshReply();
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

  #applyOne(e: Effect): void {
    switch (e.kind) {
      case 'event': {
        const text = instanceDescription(e.instance, e.master);
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
      case 'send-slaveof': {
        const actor = this.#actors.get(e.instance);
        // V9: a node stuck in a FAILOVER gets FAILOVER ABORT first.
        const abort = e.instance.kind !== 'sentinel' && e.instance.monitoredFailoverState === 'failover';
        if (actor) void actor.link.sendPipeline(slaveOfCommands(e.host, e.port, undefined, abort));
        return;
      }
      case 'script-kill':
        void this.#actors.get(e.instance)?.link.send('SCRIPT', ['KILL']);
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
      default:
        return assertNever(e);
    }
  }

  #emit(level: 'debug' | 'verbose' | 'notice' | 'warning', type: string, text: string): void {
    this.#services.emit({ level, type, text, master: this.name, time: this.#services.clock.wall() });
  }

  #addActor(record: InstanceRecord): void {
    if (this.#actors.has(record)) return;
    const actor = record.kind === 'sentinel' ? this.#peerActor(record) : this.#dataActor(record);
    this.#actors.set(record, actor);
    actor.start(this.#services.random.int(START_SPREAD_MS));
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
      connected: (kind) => actor?.connected(kind),
      disconnected: (kind) => actor?.disconnected(kind),
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
        connected: (kind) => fanOut.forEach((a) => a.connected(kind)),
        disconnected: (kind) => fanOut.forEach((a) => a.disconnected(kind)),
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
    on: { connected: (kind: ConnectionKind) => void; disconnected: (kind: ConnectionKind) => void },
  ): InstanceLink {
    return new InstanceLink({
      host,
      port,
      pubsub,
      credentials,
      rename: (command) => renameCommand(this.master, command),
      clientName: (kind) => `sentinel-${this.#services.globals().myid.slice(0, 8)}-${kind === 'cc' ? 'cmd' : 'pubsub'}`,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      clock: this.#services.clock,
      // Hellos received on pub/sub connections are processed by the failover issue's hello
      // handling; the link already counts every frame as pub/sub activity.
      onMessage: () => {},
      onConnected: on.connected,
      onDisconnected: on.disconnected,
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

function assertNever(x: never): never {
  throw new Error(`unhandled effect ${JSON.stringify(x)}`);
}

export const createMasterCoordinator = (config: MasterRecord, services: ShardServices): MasterCoordinator =>
  new Coordinator(config, services);
