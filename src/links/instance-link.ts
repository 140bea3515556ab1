import type { ConnectionOptions } from 'node:tls';
import { systemClock, type Clock } from '../runtime/clock.js';
import { LinkConnection } from './connection.js';
import type { ConnectionKind, ConnectionState, LinkCredentials, LinkReply } from './types.js';

/** sentinel.c: SENTINEL_HELLO_CHANNEL */
export const HELLO_CHANNEL = '__sentinel__:hello';

export interface InstanceLinkOptions {
  readonly host: string;
  readonly port: number;
  /** masters and replicas: true (cc + pc); peer sentinels: false (cc only) */
  readonly pubsub: boolean;
  /** read at each connect, so SENTINEL SET auth-pass applies from the next connection on */
  readonly credentials: () => LinkCredentials;
  /** the master's rename-command map; gets the upper-case name sentinel.c uses (`PING`) */
  readonly rename: (command: string) => string;
  /** `sentinel-<id8>-cmd` / `sentinel-<id8>-pubsub` */
  readonly clientName: (kind: ConnectionKind) => string;
  readonly connectTimeoutMs: number;
  /** a `message` frame on the pc, latin1 strings (any channel; only the hello one is subscribed) */
  readonly onMessage?: (channel: string, message: string) => void;
  /** the connection is up and its AUTH / CLIENT SETNAME (/ SUBSCRIBE) are written */
  readonly onConnected: (kind: ConnectionKind) => void;
  /** a connection attempt failed, an open connection dropped, or the pc's SUBSCRIBE was refused; not called for close()/destroy() */
  readonly onDisconnected: (kind: ConnectionKind, reason: string) => void;
  /** every reply on either connection, the connect-time ones included (Argus: permission errors) */
  readonly onReply?: (command: string, args: readonly string[], reply: LinkReply) => void;
  readonly tls?: ConnectionOptions;
  /** bind-source-addr */
  readonly sourceAddress?: string;
  readonly clock?: Clock;
  /** resolves a host name before each connection attempt (HostResolver.resolve) */
  readonly resolveHost?: (host: string) => Promise<string>;
}

/**
 * sentinel.c's instanceLink: a command connection (cc) and, for masters and replicas, a pub/sub
 * connection (pc) to one instance. The link never reconnects, retries or queues by itself: the
 * instance actor calls connect() (at most once per ping-period, as sentinelReconnectInstance
 * does) and sees every failure as a value or a callback.
 */
export class InstanceLink {
  private hostName: string;
  private portNumber: number;
  private readonly opts: InstanceLinkOptions;
  private readonly clock: Clock;
  private cc: LinkConnection | null = null;
  private pc: LinkConnection | null = null;
  private pcActivity = 0;
  private isDestroyed = false;

  constructor(opts: InstanceLinkOptions) {
    this.opts = opts;
    this.hostName = opts.host;
    this.portNumber = opts.port;
    this.clock = opts.clock ?? systemClock;
  }

  get host(): string {
    return this.hostName;
  }

  get port(): number {
    return this.portNumber;
  }

  get pubsub(): boolean {
    return this.opts.pubsub;
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  /** Opens whichever connection is missing; one attempt in flight per connection at most. */
  connect(): void {
    if (this.isDestroyed) return;
    if (this.cc === null) this.cc = this.open('cc');
    if (this.opts.pubsub && this.pc === null) this.pc = this.open('pc');
  }

  state(kind: ConnectionKind): ConnectionState {
    return this.conn(kind)?.state ?? 'down';
  }

  isConnected(kind: ConnectionKind): boolean {
    return this.state(kind) === 'up';
  }

  /** sentinel.c's link->disconnected: a connection this link needs is not up. */
  get disconnected(): boolean {
    return !this.isConnected('cc') || (this.opts.pubsub && !this.isConnected('pc'));
  }

  /** Monotonic ms at which the connection came up (cc_conn_time / pc_conn_time); 0 while down. */
  connectedSince(kind: ConnectionKind): number {
    const c = this.conn(kind);
    return c?.state === 'up' ? c.since : 0;
  }

  /** Monotonic ms of the last frame of any kind on the pc (pc_last_activity); kept after a close. */
  get pubsubLastActivity(): number {
    const pc = this.pc;
    return pc?.state === 'up' ? pc.lastActivity : this.pcActivity;
  }

  /** Commands written on the cc and not answered yet; 0 while the cc is down. */
  get pendingCommands(): number {
    const cc = this.cc;
    return cc?.state === 'up' ? cc.pending : 0;
  }

  /** The cc's local IP (what the hello announces when announce-ip is unset), null while down. */
  localAddress(): string | null {
    return this.cc?.localAddress() ?? null;
  }

  /** One command on the cc, its name through rename-command. Never throws, never queues. */
  send(command: string, args: readonly string[]): Promise<LinkReply> {
    const cc = this.cc;
    if (cc?.state !== 'up') return Promise.resolve(this.notConnected());
    return this.observe(command, args, cc.send(this.opts.rename(command), args));
  }

  /** Several commands in one write; each entry is `[command, ...args]`. */
  sendPipeline(commands: readonly (readonly string[])[]): Promise<LinkReply[]> {
    const cc = this.cc;
    if (cc?.state !== 'up') return Promise.resolve(commands.map(() => this.notConnected()));
    const sent = cc.sendMany(
      commands.map(([command = '', ...args]) => [this.opts.rename(command), args] as const),
    );
    const { onReply } = this.opts;
    if (!onReply) return sent;
    return sent.then((replies) => {
      replies.forEach((reply, i) => {
        const [command = '', ...args] = commands[i] ?? [];
        onReply(command, args, reply);
      });
      return replies;
    });
  }

  /**
   * Several commands in one write, their replies not handed to onReply: questions Argus asks for
   * itself (SENTINEL DOCTOR's ACL DRYRUN), whose refusal is not one of a command Sentinel needs
   * and must not stand as the link's error (link-errors.ts).
   */
  query(commands: readonly (readonly string[])[]): Promise<LinkReply[]> {
    const cc = this.cc;
    if (cc?.state !== 'up') return Promise.resolve(commands.map(() => this.notConnected()));
    return cc.sendMany(commands.map(([command = '', ...args]) => [this.opts.rename(command), args] as const));
  }

  /** Closes one connection or both now; the actor reconnects later. No onDisconnected. */
  close(kind?: ConnectionKind, reason = 'closed by sentinel'): void {
    if (kind !== 'pc' && this.cc) {
      this.cc.close(reason);
      this.cc = null;
    }
    if (kind !== 'cc' && this.pc) {
      this.pcActivity = this.pc.lastActivity;
      this.pc.close(reason);
      this.pc = null;
    }
  }

  /** A new address for the next connect(); open connections are closed (address switch). */
  setAddress(host: string, port: number): void {
    if (host === this.hostName && port === this.portNumber) return;
    this.close(undefined, 'address changed');
    this.hostName = host;
    this.portNumber = port;
  }

  /** Closes for good: connect() does nothing afterwards. */
  destroy(): void {
    this.close(undefined, 'link destroyed');
    this.isDestroyed = true;
  }

  /** Hands the reply to onReply as well, once it arrives; the caller gets it unchanged. */
  private observe(command: string, args: readonly string[], sent: Promise<LinkReply>): Promise<LinkReply> {
    const { onReply } = this.opts;
    if (!onReply) return sent;
    return sent.then((reply) => {
      onReply(command, args, reply);
      return reply;
    });
  }

  private conn(kind: ConnectionKind): LinkConnection | null {
    return kind === 'cc' ? this.cc : this.pc;
  }

  private notConnected(): LinkReply {
    return { kind: 'closed', reason: this.isDestroyed ? 'link destroyed' : 'not connected' };
  }

  private open(kind: ConnectionKind): LinkConnection {
    const { connectTimeoutMs, tls, sourceAddress, resolveHost } = this.opts;
    return new LinkConnection(
      { kind, host: this.hostName, port: this.portNumber, connectTimeoutMs, tls, sourceAddress, clock: this.clock, resolveHost },
      {
        ready: (c) => this.onReady(c),
        closed: (c, reason) => this.onClosed(c, reason),
        message: (channel, message) => this.opts.onMessage?.(channel.toString('latin1'), message.toString('latin1')),
      },
    );
  }

  /**
   * sentinelReconnectInstance: AUTH (if credentials apply) and CLIENT SETNAME on both
   * connections, SUBSCRIBE on the pc. AUTH and CLIENT SETNAME answers are ignored, as Sentinel
   * does (wrong credentials show up as -NOAUTH replies to PING). An error answering SUBSCRIBE
   * drops the pc: hiredis registers no reply callback for SUBSCRIBE, and an error reply that
   * answers no callback makes it disconnect the context, so sentinel.c's link goes
   * `disconnected` and is reconnected (and refused again) once per ping period. The actor's
   * PING follows in onConnected.
   */
  private onReady(c: LinkConnection): void {
    if (c !== this.conn(c.kind)) return;
    const { rename } = this.opts;
    const { user, pass } = this.opts.credentials();
    const send = (command: string, args: readonly string[]) => this.observe(command, args, c.send(rename(command), args));
    if (pass !== null) void send('AUTH', user !== null ? [user, pass] : [pass]);
    void send('CLIENT', ['SETNAME', this.opts.clientName(c.kind)]);
    if (c.kind === 'pc') {
      void send('SUBSCRIBE', [HELLO_CHANNEL]).then((reply) => {
        if (reply.kind === 'error' && c === this.pc) this.drop(c, reply.message);
      });
    }
    this.opts.onConnected(c.kind);
  }

  /** The link ends one of its connections itself, and reports it like a drop (hiredis's errstr as reason). */
  private drop(c: LinkConnection, reason: string): void {
    c.close(reason);
    this.onClosed(c, reason);
  }

  private onClosed(c: LinkConnection, reason: string): void {
    if (c !== this.conn(c.kind)) return;
    if (c.kind === 'cc') this.cc = null;
    else {
      this.pcActivity = c.lastActivity;
      this.pc = null;
    }
    this.opts.onDisconnected(c.kind, reason);
  }
}
