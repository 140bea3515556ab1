import type { InstanceLink } from '../links/instance-link.js';
import type { ConnectionKind, LinkReply } from '../links/types.js';
import { instanceEvent, type Effect } from '../sentinel/effects.js';
import { announceHost } from '../sentinel/addr-match.js';
import { formatHello, HELLO_CHANNEL } from '../sentinel/hello.js';
import { SRI, type InstanceRecord, type MasterRecord } from '../sentinel/instance.js';
import { noteCommandReply } from '../sentinel/link-errors.js';
import { checkLinkInactivity, linkInactivityDeadline, type LinkActivity } from '../sentinel/link-inactivity.js';
import { onHelloReply, onHelloSent, onInfoSent, periodicCommandsDue } from '../sentinel/periodic.js';
import { onLinkConnected, onLinkDisconnected, onPingReply, onPingSent } from '../sentinel/ping.js';
import { refreshInstanceInfo } from '../sentinel/refresh-info.js';
import type { RuleContext } from '../sentinel/rule-context.js';
import { checkSubjectivelyDown, sdownDeadline } from '../sentinel/sdown.js';
import { currentMasterAddr } from '../sentinel/state.js';

/**
 * First reconnect attempt after an established connection dropped: sentinel.c retries on its
 * next timer tick. Its ticks are 53 to 100 ms apart (the rate is redrawn between 10 and 19 Hz
 * every tick), so a drop is retried 0 to 100 ms later, about 40 ms on average.
 */
export const RETRY_AFTER_DROP_MS = 50;

/** The out-of-descriptors warning, once per this many ms per shard thread. */
const DESCRIPTOR_WARNING_EVERY_MS = 10_000;
let lastDescriptorWarning = -Infinity;

/** What an instance actor needs from the coordinator of its master. */
export interface ActorHost {
  readonly master: MasterRecord;
  ruleContext(): RuleContext;
  /** carry out what the rules asked for */
  apply(effects: readonly Effect[]): void;
  /** the instance's state changed: the master's rules look at it */
  changed(): void;
  /**
   * true while the master's rules have nothing to do that a PING reply could start: no SDOWN,
   * ODOWN or failover. A PING answered on time then changes nothing they read.
   */
  atRest(): boolean;
  /** a valid reply arrived (TILT freshness) */
  freshReply(): void;
  /** the hello payload fields this sentinel announces */
  helloIdentity(link: InstanceLink): { ip: string; port: number; runid: string; currentEpoch: number };
}

/**
 * One monitored instance (master, replica or peer sentinel): its link and its PING / INFO /
 * hello timing (sentinel.c sentinelHandleRedisInstance), driven by one timer armed for the next
 * moment anything is due — the next command, the SDOWN deadline, an inactive connection —
 * instead of a 10 Hz tick, so `+sdown` fires within a millisecond of the rule being met.
 */
export class InstanceActor {
  readonly record: InstanceRecord;
  readonly link: InstanceLink;
  readonly #host: ActorHost;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;
  #lastReconnect = -Infinity;
  #stopped = false;
  #drainedForSdown = false;

  constructor(record: InstanceRecord, link: InstanceLink, host: ActorHost) {
    this.record = record;
    this.link = link;
    this.#host = host;
  }

  /**
   * `phaseMs` delays the first connect: actors started together (a fleet at start-up) spread
   * their connects, and so their PING cadence, instead of pinging in the same millisecond.
   */
  start(phaseMs = 0): void {
    if (phaseMs <= 0) return this.wake();
    this.#arm(this.#host.ruleContext().now + phaseMs, this.#host.ruleContext().now);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Link callbacks (wired by whoever owns the link; a shared peer link fans out). */
  connected(kind: ConnectionKind): void {
    const ctx = this.#host.ruleContext();
    onLinkConnected(this.record, kind, ctx.now);
    // sentinel.c sends a PING as soon as the command connection exists.
    if (kind === 'cc') this.#sendPing(ctx);
    this.#host.changed();
    this.wake();
  }

  disconnected(kind: ConnectionKind, reason?: string): void {
    if (this.#stopped) return;
    const now = this.#host.ruleContext().now;
    const wasUp = kind === 'cc' ? this.record.link.ccConnected : this.record.link.pcConnected;
    // A connection that was up and dropped is retried after a short pause, as sentinel.c does
    // on its next tick, not in the same millisecond (a restarting server would refuse it and
    // the throttle would then hold the retry back a whole ping period).
    if (wasUp) this.#lastReconnect = Math.max(this.#lastReconnect, now - this.#host.ruleContext().timings.pingPeriod + RETRY_AFTER_DROP_MS);
    onLinkDisconnected(this.record, kind, now);
    if (reason !== undefined) {
      // sentinel.c logs these at debug level and never publishes them.
      const type = kind === 'cc' ? '-cmd-link-reconnection' : '-pubsub-link-reconnection';
      this.#host.apply([instanceEvent('debug', type, this.record, this.#host.master, `#${reason}`)]);
      if (reason.startsWith('Too many open files')) this.#descriptorsExhausted(now);
    }
    this.#host.changed();
    this.wake();
  }

  /**
   * Out of file descriptors: the instance will be reported down for a reason that is ours, not
   * its own, so say so at warning level (at most every 10 s per shard thread).
   */
  #descriptorsExhausted(now: number): void {
    if (now - lastDescriptorWarning < DESCRIPTOR_WARNING_EVERY_MS) return;
    lastDescriptorWarning = now;
    this.#host.apply([{
      kind: 'log',
      level: 'warning',
      message: `Cannot link to ${this.record.addr.host}:${this.record.addr.port}: out of file descriptors ` +
        '(raise ulimit -n / LimitNOFILE, or split the masters over more sentinels)',
    }]);
  }

  /**
   * Any reply on the link (AUTH and CLIENT SETNAME included, which Sentinel never reads):
   * permission refusals are kept and logged (link-errors.ts). True when the record changed; a
   * shared peer link reports to one actor, and the others call recordChanged().
   */
  commandReply(command: string, args: readonly string[], reply: LinkReply): boolean {
    if (this.#stopped) return false;
    const before = this.record.link.permErrors;
    this.#host.apply(noteCommandReply(this.record, this.#host.master, command, args, reply));
    if (this.record.link.permErrors === before) return false;
    this.#host.changed();
    return true;
  }

  /** A connection came up without sending `command` (AUTH with no password): it refuses nothing now. */
  commandNotSent(command: string): boolean {
    return this.commandReply(command, [], { kind: 'ok', value: null });
  }

  /** The record changed through another actor (a shared peer LinkState): the master's rules look. */
  recordChanged(): void {
    if (!this.#stopped) this.#host.changed();
  }

  /**
   * Everything due now, then the timer for the next due moment. Safe to call at any time: a
   * reply, a connect or a config change calls it to re-arm.
   */
  wake(): void {
    if (this.#stopped) return;
    const ri = this.record;
    const master = this.#host.master;
    let ctx = this.#host.ruleContext();
    const reconnectAt = this.#reconnectIfNeeded(ctx);

    const due = periodicCommandsDue(ri, master, ctx);
    if (due.info && ri.kind !== 'sentinel') this.#sendInfo(ctx);
    // the hello before the PING: the PING's reply, which re-arms the timer, then finds the
    // hello answered too
    if (due.hello) this.#sendHello(ctx);
    if (due.ping) this.#sendPing(ctx);

    ctx = this.#host.ruleContext();
    const activity = this.#activity();
    // The acting half: SDOWN and dead-connection rules (both no-ops in TILT).
    if (this.#sdownDue(ctx)) {
      const flags = ri.flags;
      this.#host.apply(checkSubjectivelyDown(ri, master, ctx));
      // +sdown / -sdown concern the master's rules at once (ODOWN, asking peers).
      if (flags !== ri.flags) this.#host.changed();
    }
    this.#host.apply(checkLinkInactivity(ri, master, ctx, activity));

    const next = Math.min(
      due.nextDue,
      sdownDeadline(ri, master, ctx),
      linkInactivityDeadline(ri, master, ctx, this.#activity()),
      reconnectAt,
    );
    this.#arm(next, ctx.now);
  }

  /** A command on the command connection (a vote request, SCRIPT KILL …), pending count kept. */
  command(name: string, args: readonly string[]): Promise<LinkReply> {
    const sent = this.link.send(name, [...args]);
    this.#track();
    return sent.then((reply) => {
      this.#track();
      return reply;
    });
  }

  /** INFO now, whatever the cadence (a promotion or reconfiguration to observe at once). */
  infoNow(): void {
    if (this.record.kind !== 'sentinel' && !this.record.link.disconnected) this.#sendInfo(this.#host.ruleContext());
  }

  /**
   * Whether to evaluate SDOWN now. When the rule is about to declare an instance down, what
   * clears it may already be waiting unread because this thread was busy: a reply in the socket,
   * or a connect the kernel completed (a link still `disconnected` here). Timers run before
   * the poll phase of a loop iteration, so after a stall the deadline fires first: evaluate
   * once more after the event loop has read pending I/O (setImmediate runs after the poll
   * phase), so a busy sentinel never blames an instance for its own delay. (The disconnected
   * case was not covered at first: a fleet's start-up, every thread busy connecting, showed it
   * as `+sdown` and `-sdown` of healthy replicas in the same millisecond.)
   */
  #sdownDue(ctx: RuleContext): boolean {
    const ri = this.record;
    if (ri.flags & SRI.S_DOWN || sdownDeadline(ri, this.#host.master, ctx) > ctx.now) {
      this.#drainedForSdown = false;
      return true;
    }
    if (this.#drainedForSdown) {
      this.#drainedForSdown = false;
      return true;
    }
    this.#drainedForSdown = true;
    setImmediate(() => this.wake());
    return false;
  }

  /** After a TILT ends or a stall: ping at once so timing data is fresh again. */
  pingNow(): void {
    const ctx = this.#host.ruleContext();
    if (!this.record.link.disconnected) this.#sendPing(ctx);
    this.wake();
  }

  #arm(at: number, now: number): void {
    if (at === Infinity) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = Infinity;
      return;
    }
    if (this.#timer && this.#timerAt === at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - now));
  }

  /** sentinelReconnectInstance: at most one attempt per ping-period; port 0 never connects. */
  #reconnectIfNeeded(ctx: RuleContext): number {
    const { link } = this;
    const missing = !link.isConnected('cc') || (link.pubsub && !link.isConnected('pc'));
    if (!missing || this.record.addr.port === 0) return Infinity;
    const period = ctx.timings.pingPeriod;
    if (ctx.now - this.#lastReconnect >= period) {
      if (this.#lastReconnect === -Infinity) this.#firstAttempt(ctx.now);
      this.#lastReconnect = ctx.now;
      link.connect();
    }
    return this.#lastReconnect + period;
  }

  /**
   * sentinel.c starts an instance's "no answer yet" clock at its creation and connects within
   * a tick. Argus creates records when the config is read, before the shard threads run and
   * with first connects spread over a quarter second, so the clock of a record never pinged
   * starts at the first attempt instead: a slow start is not an outage.
   */
  #firstAttempt(now: number): void {
    const { link } = this.record;
    if (link.lastPingTime !== 0 || link.ccConnected) return;
    if (link.actPingTime !== 0) link.actPingTime = now;
    link.lastAvailTime = Math.max(link.lastAvailTime, now);
    link.lastPongTime = Math.max(link.lastPongTime, now);
  }

  #activity(): LinkActivity {
    const { link } = this;
    const cc = link.connectedSince('cc');
    const pc = link.pubsub ? link.connectedSince('pc') : 0;
    return {
      ccConnectedAt: cc === 0 ? null : cc,
      pcConnectedAt: pc === 0 ? null : pc,
      pcLastActivity: link.pubsubLastActivity,
    };
  }

  #track(): void {
    this.record.link.pendingCommands = this.link.pendingCommands;
  }

  #sendPing(ctx: RuleContext): void {
    const ri = this.record;
    onPingSent(ri, ctx.now);
    const sent = this.link.send('PING', []);
    this.#track();
    void sent.then((reply) => this.#onReply(reply, (c) => onPingReply(ri, this.#host.master, reply, c), true));
  }

  #sendInfo(ctx: RuleContext): void {
    const ri = this.record;
    if (ri.kind === 'sentinel') return;
    onInfoSent(ri, ctx.now);
    const sent = this.link.send('INFO', []);
    this.#track();
    void sent.then((reply) =>
      this.#onReply(reply, (c) => {
        if (reply.kind !== 'ok' || typeof reply.value !== 'string') return [];
        return refreshInstanceInfo(ri, this.#host.master, reply.value, c);
      }, false),
    );
  }

  /**
   * sentinelSendHello: PUBLISH on the instance (a peer sentinel's PUBLISH takes it too), with
   * the current master address and our identity.
   */
  #sendHello(ctx: RuleContext): void {
    const ri = this.record;
    const master = this.#host.master;
    const me = this.#host.helloIdentity(this.link);
    if (me.ip === '') return;
    const addr = currentMasterAddr(master);
    const payload = formatHello({
      ...me,
      masterName: master.name,
      masterIp: announceHost(addr, ctx),
      masterPort: addr.port,
      masterConfigEpoch: master.configEpoch,
    });
    onHelloSent(ri, ctx.now);
    const sent = this.link.send('PUBLISH', [HELLO_CHANNEL, payload]);
    this.#track();
    void sent.then((reply) => {
      if (this.#stopped) return;
      onHelloReply(ri, reply, this.#host.ruleContext().now);
      this.#track();
    });
  }

  #onReply(reply: LinkReply, rule: (ctx: RuleContext) => Effect[], isPing: boolean): void {
    if (this.#stopped) return;
    this.#track();
    const ctx = this.#host.ruleContext();
    const before = this.record.link.lastAvailTime;
    const flags = this.record.flags;
    const effects = rule(ctx);
    this.#host.apply(effects);
    if (isPing && this.record.link.lastAvailTime !== before) this.#host.freshReply();
    if (!isPing || effects.length > 0 || flags !== this.record.flags || !this.#host.atRest()) this.#host.changed();
    this.wake();
  }
}
