/**
 * The worker side of a shard: hosts one coordinator actor per master (made by the injected
 * CoordinatorFactory), answers the main thread's control calls (ShardApi), and batches what the
 * actors produce into ShardToMain messages.
 *
 * Batching contract:
 *  - an event (or a log line) goes out in a batch sent on the next turn of the event loop
 *    (setImmediate, well under a millisecond): `+sdown` latency is what operators measure;
 *  - changed facts, flush requests and TILT bookkeeping ride along, or go out on their own
 *    after `batchIntervalMs` (50 ms by default) when no event hurries them;
 *  - a master's facts (protocol.ts MasterFacts) are looked at when something that can change
 *    them happened (an event about it, a config flush, a replica or peer added or removed) and
 *    sent only when they differ from the last ones sent, at their latest state. Replies,
 *    timings and flags stay here: commands read them with `view`. A quiet fleet sends nothing.
 *
 * A heartbeat measures the shard's own event-loop lag: a gap above tilt-trigger between two
 * beats is a stall (sentinel.c sentinelCheckTiltCondition measures the gap between timer ticks
 * the same way), reported to the main thread with its size, which decides about TILT.
 *
 * Redis checks for a stall at the top of each tick, before any instance is judged; here the
 * coordinators' timers may run before the heartbeat after a pause, and the main thread's answer
 * is a round trip away. So the shard holds a local TILT from the moment it sees a stall: reading
 * `globals()` first checks how long ago the last beat was, and a stale beat counts as the stall
 * there and then, so no rule judges an instance on time it spent paused. The hold ends when the
 * main thread has answered the batch that reported the stall (setGlobals' `ackSeq`); from then on
 * the main thread's TILT is the shard's.
 */
import type { SentinelEvent } from '../events/event.js';
import type { Clock, Random } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import { SRI, type InstanceRecord } from '../sentinel/instance.js';
import { SharedEpoch } from './shared-epoch.js';
import type { CoordinatorFactory, MasterCoordinator, ShardGlobals, ShardServices, UserFailoverReply, VoteAnswer } from './coordinator.js';
import {
  briefOf,
  factsKey,
  factsOf,
  fromSnapshot,
  infoCacheOf,
  toSnapshot,
  type DoctorReport,
  type InfoCacheEntry,
  type MasterBrief,
  type MasterSnapshot,
  type PeerInput,
  type ShardApi,
  type ShardForgetReply,
  type ShardLogLine,
  type ShardStall,
  type ShardToMain,
  type StampedFacts,
  type StampedSnapshot,
} from './protocol.js';
import { hrtimeMs } from './shard-clock.js';
import type { UserFailoverRequest } from '../sentinel/failover.js';

export interface ShardRuntimeOptions {
  readonly shard: number;
  readonly factory: CoordinatorFactory;
  readonly clock: Clock;
  readonly random: Random;
  readonly globals: ShardGlobals;
  /** the process-wide current epoch; a private one when absent (tests) */
  readonly epoch?: SharedEpoch;
  readonly send: (msg: ShardToMain) => void;
  readonly batchIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** ends the thread (process.exit in a worker) */
  readonly exit: (code: number) => void;
}

export type ShardRuntimeServices = ShardServices;

interface Hosted {
  readonly coordinator: MasterCoordinator;
  gen: number;
  /** factsKey of the facts the main thread has (sent last, or handed to us with the master) */
  sentKey: string;
}

export class ShardRuntime implements ShardApi {
  readonly #opts: ShardRuntimeOptions;
  readonly #hosted = new Map<string, Hosted>();
  readonly #services: ShardRuntimeServices;
  /** as the main thread last pushed them */
  #main: ShardGlobals;
  /** what the coordinators see: the main thread's, the epoch raised here, the local TILT hold */
  #globals: ShardGlobals;
  readonly #epoch: SharedEpoch;
  /** seq of the batch that reported a stall the main thread has not answered yet */
  #tiltHoldSeq: number | null = null;

  #events: SentinelEvent[] = [];
  #logs: ShardLogLine[] = [];
  /** masters whose facts may have changed */
  #dirty = new Set<string>();
  /** a config flush was requested: a rule may have changed any master's facts (a peer's address) */
  #checkAll = false;
  #flushRequested = false;
  #freshReplies = 0;
  #stalls: ShardStall[] = [];
  #scripts: (readonly string[])[] = [];
  #forgetSentinels: string[] = [];
  #crash = false;
  /** in TILT: a batch must tell the main thread how fresh this shard's instances are */
  #tiltReportDue = false;
  #seq = 0;
  /** the current epoch the last batch carried */
  #epochSent = 0;
  #immediate: NodeJS.Immediate | null = null;
  #timer: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #lastBeat = hrtimeMs();
  #stopped = false;

  constructor(opts: ShardRuntimeOptions) {
    this.#opts = opts;
    this.#epoch = opts.epoch ?? new SharedEpoch();
    this.#epoch.raise(opts.globals.currentEpoch);
    this.#main = opts.globals;
    this.#globals = opts.globals;
    this.#services = {
      clock: opts.clock,
      random: opts.random,
      globals: () => {
        // a beat that is overdue by tilt-trigger: this code runs right after a pause
        if (hrtimeMs() - this.#lastBeat > this.#globals.timings.tiltTrigger) this.#beat();
        // another thread may have raised the epoch a moment ago
        const epoch = this.#epoch.get();
        if (epoch > this.#globals.currentEpoch) this.#globals = { ...this.#globals, currentEpoch: epoch };
        return this.#globals;
      },
      emit: (event) => {
        this.#events.push(event);
        if (event.master !== null) this.#dirty.add(event.master);
        this.#soon(true);
      },
      markDirty: (master) => {
        this.#dirty.add(master);
        this.#soon(false);
      },
      requestFlush: () => {
        this.#flushRequested = true;
        this.#checkAll = true;
        this.#soon(false);
      },
      hostResolved: () => {
        this.#checkAll = true;
        this.#soon(false);
      },
      noteFreshReply: () => {
        this.#freshReplies++;
        if (!this.#globals.tilt) return;
        this.#tiltReportDue = true;
        this.#soon(false);
      },
      raiseCurrentEpoch: (epoch) => {
        if (!this.#epoch.raise(epoch)) return;
        this.#refreshGlobals();
        this.#soon(false);
      },
      log: (level, message) => this.log(level, message),
      clientReconfig: (argv) => {
        this.#scripts.push(argv);
        this.#soon(true);
      },
      forgetSentinel: (runid, from) => {
        for (const [name, h] of this.#hosted) {
          if (name !== from) this.#guard(name, 'forgetSentinel', () => h.coordinator.forgetSentinel(runid));
        }
        this.#forgetSentinels.push(runid);
        this.#soon(true);
      },
      crash: () => {
        this.#crash = true;
        this.flush();
      },
      shardMasters: () => [...this.#hosted.values()].map((h) => h.coordinator.master),
      delegate: (master, effects) => {
        const h = this.#hosted.get(master);
        if (h) this.#guard(master, 'delegate', () => h.coordinator.apply(effects));
      },
    };
    const beat = opts.heartbeatMs ?? 100;
    this.#heartbeat = setInterval(() => this.#beat(), beat);
    this.#heartbeat.unref();
  }

  get services(): ShardRuntimeServices {
    return this.#services;
  }

  get masterNames(): string[] {
    return [...this.#hosted.keys()];
  }

  /** A line for the main thread's log, sent with the next turn's batch. */
  log(level: LineLevel, message: string): void {
    this.#logs.push({ level, message });
    this.#soon(true);
  }

  // ------------------------------------------------------------------------- ShardApi

  addMaster(entry: StampedSnapshot): void {
    this.#add(entry.snapshot, entry.gen);
  }

  addMasters(entries: readonly StampedSnapshot[]): void {
    for (const e of entries) this.#add(e.snapshot, e.gen);
  }

  removeMaster(name: string): void {
    const h = this.#hosted.get(name);
    if (!h) return;
    this.#hosted.delete(name);
    this.#dirty.delete(name);
    this.#guard(name, 'stop', () => h.coordinator.stop());
  }

  resetMaster(name: string, gen: number): void {
    const h = this.#hosted.get(name);
    if (!h) return;
    h.gen = gen;
    h.sentKey = '';
    this.#guard(name, 'reset', () => h.coordinator.reset());
    this.#services.markDirty(name);
  }

  applyConfig(snapshot: MasterSnapshot): void {
    const h = this.#hosted.get(snapshot.name);
    if (!h) return;
    this.#guard(snapshot.name, 'applyConfig', () => h.coordinator.applyConfig(fromSnapshot(snapshot)));
  }

  dropDataLinks(name: string): void {
    const h = this.#hosted.get(name);
    if (h) this.#guard(name, 'dropDataLinks', () => h.coordinator.dropDataLinks());
  }

  dropPeerLinks(): void {
    for (const [name, h] of this.#hosted) this.#guard(name, 'dropPeerLinks', () => h.coordinator.dropPeerLinks());
  }

  setGlobals(globals: ShardGlobals, ackSeq = 0): void {
    this.#main = globals;
    if (this.#tiltHoldSeq !== null && ackSeq >= this.#tiltHoldSeq) this.#tiltHoldSeq = null;
    this.#refreshGlobals();
  }

  infoCache(names: readonly string[]): Record<string, InfoCacheEntry> {
    const out: Record<string, InfoCacheEntry> = {};
    for (const name of names) {
      const m = this.#hosted.get(name)?.coordinator.master;
      if (!m) continue;
      out[name] = infoCacheOf(m);
    }
    return out;
  }

  view(names: readonly string[] | null): MasterSnapshot[] {
    const out: MasterSnapshot[] = [];
    for (const name of names ?? this.#hosted.keys()) {
      const h = this.#hosted.get(name);
      if (h) out.push(toSnapshot(h.coordinator.master, ipOf(h)));
    }
    return out;
  }

  brief(): MasterBrief[] {
    return [...this.#hosted.values()].map((h) => briefOf(h.coordinator.master));
  }

  factsAll(): StampedFacts[] {
    return [...this.#hosted.values()].map((h) => ({ gen: h.gen, facts: factsOf(h.coordinator.master, ipOf(h)) }));
  }

  shutdown(): void {
    if (this.#stopped) return;
    for (const [name, h] of this.#hosted) this.#guard(name, 'stop', () => h.coordinator.stop());
    this.#hosted.clear();
    this.#stopped = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    this.flush();
  }

  exitForTest(code: number): void {
    setImmediate(() => this.#opts.exit(code));
  }

  peer(items: readonly PeerInput[]): (VoteAnswer | null)[] {
    let voted = false;
    const answers = items.map((item): VoteAnswer | null => {
      const h = this.#hosted.get(item.master);
      if (!h) return null;
      if (item.kind === 'hello') {
        this.#guard(item.master, 'hello', () => h.coordinator.publishedHello(item.payload));
        return null;
      }
      voted = true;
      this.#dirty.add(item.master);
      return h.coordinator.answerIsMasterDown(item.reqEpoch, item.runid);
    });
    // a vote's facts leave before its answer (the main thread also records the answer itself)
    if (voted) this.flush();
    return answers;
  }

  failover(name: string, request?: UserFailoverRequest): UserFailoverReply | null {
    const h = this.#hosted.get(name);
    if (!h) return null;
    const reply = h.coordinator.userFailover(request);
    this.#services.markDirty(name);
    this.flush();
    return reply;
  }

  forgetSentinel(runid: string): void {
    for (const [name, h] of this.#hosted) this.#guard(name, 'forgetSentinel', () => h.coordinator.forgetSentinel(runid));
  }

  forget(name: string, target: string, force: boolean): ShardForgetReply | null {
    const h = this.#hosted.get(name);
    if (!h) return null;
    const answer = h.coordinator.forget(target, force);
    if (!answer.ok) return { answer, facts: null };
    // the facts travel with the reply; marked as sent, so the next batch does not repeat them
    const facts = factsOf(h.coordinator.master, ipOf(h));
    h.sentKey = factsKey(facts);
    return { answer, facts: { gen: h.gen, facts } };
  }

  async doctor(names: readonly string[]): Promise<DoctorReport[]> {
    const hosted = names.flatMap((name) => {
      const h = this.#hosted.get(name);
      return h ? [{ name, h }] : [];
    });
    return Promise.all(hosted.map(async ({ name, h }) => ({ master: name, nodes: await h.coordinator.doctor() })));
  }

  // ------------------------------------------------------------------------- batching

  /** Sends everything pending now, as one batch (nothing when nothing is pending). */
  flush(): void {
    if (this.#immediate) clearImmediate(this.#immediate);
    if (this.#timer) clearTimeout(this.#timer);
    this.#immediate = null;
    this.#timer = null;
    const facts = this.#changedFacts();
    const pending = this.#events.length + this.#logs.length + facts.length + this.#stalls.length + this.#scripts.length +
      this.#forgetSentinels.length;
    const epochRaised = this.#globals.currentEpoch > this.#epochSent;
    if (pending === 0 && !epochRaised && !this.#flushRequested && !this.#tiltReportDue && !this.#crash) return;
    this.#epochSent = this.#globals.currentEpoch;
    const batch: ShardToMain = {
      type: 'batch',
      shard: this.#opts.shard,
      seq: ++this.#seq,
      events: this.#events,
      facts,
      flushRequested: this.#flushRequested,
      currentEpoch: this.#globals.currentEpoch,
      freshReplies: this.#freshReplies,
      freshSince: this.#globals.tilt ? this.#freshSince() : null,
      stalls: this.#stalls,
      logs: this.#logs,
      scripts: this.#scripts,
      forgetSentinels: this.#forgetSentinels,
      crash: this.#crash,
    };
    this.#scripts = [];
    this.#forgetSentinels = [];
    this.#events = [];
    this.#logs = [];
    this.#flushRequested = false;
    this.#freshReplies = 0;
    this.#stalls = [];
    this.#tiltReportDue = false;
    this.#opts.send(batch);
  }

  /** The facts of the masters that may have changed and did, each marked as sent. */
  #changedFacts(): StampedFacts[] {
    const out: StampedFacts[] = [];
    const look = (h: Hosted): void => {
      const facts = factsOf(h.coordinator.master, ipOf(h));
      const key = factsKey(facts);
      if (key === h.sentKey) return;
      h.sentKey = key;
      out.push({ gen: h.gen, facts });
    };
    if (this.#checkAll) for (const h of this.#hosted.values()) look(h);
    else for (const name of this.#dirty) {
      const h = this.#hosted.get(name);
      if (h) look(h);
    }
    this.#dirty.clear();
    this.#checkAll = false;
    return out;
  }

  /** src/sentinel/tilt.ts allRefreshedSince, as a time: the oldest valid reply of a non-SDOWN record */
  #freshSince(): number {
    let oldest = Number.MAX_SAFE_INTEGER;
    const see = (ri: InstanceRecord): void => {
      if (!(ri.flags & SRI.S_DOWN) && ri.link.lastAvailTime < oldest) oldest = ri.link.lastAvailTime;
    };
    for (const { coordinator } of this.#hosted.values()) {
      const m = coordinator.master;
      see(m);
      for (const r of m.replicas.values()) see(r);
      for (const p of m.sentinels.values()) see(p);
    }
    return oldest;
  }

  /** urgent: on the next turn; otherwise within batchIntervalMs */
  #soon(urgent: boolean): void {
    if (this.#stopped || this.#immediate) return;
    if (urgent) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#immediate = setImmediate(() => this.flush());
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#opts.batchIntervalMs ?? 50);
    }
  }

  #beat(): void {
    if (this.#stopped) return;
    const now = hrtimeMs();
    const gap = now - this.#lastBeat;
    this.#lastBeat = now;
    if (gap <= this.#globals.timings.tiltTrigger) return;
    this.#stalls.push({ ms: Math.round(gap), at: this.#opts.clock.monotonic() });
    // the stall goes out in the next batch, whatever else is in it
    this.#tiltHoldSeq = this.#seq + 1;
    this.#refreshGlobals();
    this.#soon(true);
  }

  /** Recomputes what coordinators see; tells them when TILT flips (after the current call). */
  #refreshGlobals(): void {
    const tilt = this.#main.tilt || this.#tiltHoldSeq !== null;
    this.#epoch.raise(this.#main.currentEpoch);
    const currentEpoch = this.#epoch.get();
    const was = this.#globals.tilt;
    this.#globals = { ...this.#main, currentEpoch, tilt };
    if (tilt === was) return;
    if (tilt) {
      this.#tiltReportDue = true;
      this.#soon(false);
    }
    // not from inside a coordinator's own call to globals(): on the next microtask
    queueMicrotask(() => {
      if (this.#globals.tilt !== tilt) return;
      for (const [name, h] of this.#hosted) this.#guard(name, 'tiltChanged', () => h.coordinator.tiltChanged(tilt));
    });
  }

  #add(snapshot: MasterSnapshot, gen: number): void {
    // an add for a master already here replaces it (a retried call, a restart overlapping a MONITOR)
    this.removeMaster(snapshot.name);
    this.#guard(snapshot.name, 'start', () => {
      const coordinator = this.#opts.factory(fromSnapshot(snapshot), this.#services);
      // the main thread handed us these facts (with the IPs it knows): nothing to send until they
      // change, which they do if this shard already knows an IP the main thread does not
      this.#hosted.set(snapshot.name, { coordinator, gen, sentKey: factsKey(factsOf(coordinator.master)) });
      this.#services.markDirty(snapshot.name);
      coordinator.start();
    });
  }

  /**
   * A coordinator that throws from a control call is a bug in that master's actor, not in the
   * shard: it is logged and the call goes on for the other masters.
   */
  #guard(name: string, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log('warning', `Shard ${this.#opts.shard}: ${what} of master '${name}' failed: ${errorText(e)}`);
    }
  }
}

/** The resolver cache of a master's shard, for the addresses its views and facts carry. */
const ipOf = (h: Hosted) => (host: string): string | undefined => h.coordinator.lookupIp(host);

/** One log line for an error: `Name: message (first stack frame)`; log lines never span lines. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e).replace(/\s*\n\s*/g, ' ');
  const frame = /\n\s+at (.*)/.exec(e.stack ?? '')?.[1];
  const text = `${e.name}: ${e.message}`.replace(/\s*\n\s*/g, ' ');
  return frame ? `${text} (at ${frame})` : text;
}
