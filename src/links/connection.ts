import RedisParser from 'redis-parser';
import { createConnection, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Clock } from '../runtime/clock.js';
import { failedReply, okReply, reasonOf, SERVER_CLOSED } from './decode.js';
import type { ConnectionKind, ConnectionState, LinkReply } from './types.js';
import { encodeCommand } from './wire-command.js';

export interface ConnectionTarget {
  readonly kind: ConnectionKind;
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly tls?: ConnectionOptions | undefined;
  readonly sourceAddress?: string | undefined;
  readonly clock: Clock;
  /**
   * The address to connect to for a host name (HostResolver.resolve): the attempt is still
   * `connecting` meanwhile, and a rejection fails it like a refused connect. Absent, or for an
   * IP literal, the host is used as it is.
   */
  readonly resolveHost?: ((host: string) => Promise<string>) | undefined;
}

export interface ConnectionEvents {
  /** TCP (or TLS) is up and commands may be written */
  ready(conn: LinkConnection): void;
  /** the connection ended by itself (never called after close()) */
  closed(conn: LinkConnection, reason: string): void;
  /** a `message` frame (subscriber connections only), raw bytes */
  message(channel: Buffer, message: Buffer): void;
}

/** The first element of a pushed pub/sub message frame. */
const MESSAGE = Buffer.from('message', 'latin1');

/** hiredis's text when a connect does not complete within the link's timeout. */
const CONNECT_TIMEOUT = 'Connection timed out';

/** A command written and not yet answered: replies come back in the order commands went out. */
type Waiter = (reply: LinkReply) => void;

/**
 * One connection attempt and, if it succeeds, the connection: a socket of its own, commands
 * encoded as RESP2 with the bytes Argus chose (renamed names, latin1 strings), replies decoded
 * by redis-parser and handed back in order. It ends once; the link then makes a new one.
 *
 * Why not a client library: Sentinel needs none of what one adds (queues, retries, reconnects,
 * command tables), and a monitor of thousands of instances pays for it on every command. The
 * commands a connection is given in one turn of the event loop (PING, INFO and a hello, or a
 * MULTI…EXEC) go out in one write. docs/design.md has the figures.
 */
export class LinkConnection {
  readonly kind: ConnectionKind;
  state: ConnectionState = 'connecting';
  /** commands written and not yet answered on this connection */
  pending = 0;
  /** monotonic ms when it became ready (0 before) */
  since = 0;
  /** monotonic ms of the last bytes received (the ready time before any) */
  lastActivity = 0;
  /** why it ended, once it has */
  reason: string | null = null;

  private socket: Socket | TLSSocket | null = null;
  private lastError: unknown = null;
  private readonly clock: Clock;
  private readonly events: ConnectionEvents;
  private readonly parser: RedisParser;
  /** unanswered commands, oldest first (a ring would save little: a link has a handful at most) */
  private waiters: Waiter[] = [];
  /** commands given in this turn of the event loop, as latin1 text, written together at its end */
  private outgoing = '';
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(target: ConnectionTarget, events: ConnectionEvents) {
    this.kind = target.kind;
    this.clock = target.clock;
    this.events = events;
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onReply(v),
      returnError: (e: Error) => this.settle(failedReply(e, '')),
      returnFatalError: (e: Error) => this.fail(e),
    });
    // The connect timeout starts at the socket, as the OS's does in Redis: a name's lookup has
    // its own deadline (argus-dns-timeout), and the attempt stays `connecting` through both.
    const { host, resolveHost } = target;
    if (resolveHost === undefined || isIP(host) !== 0) this.open(target, host);
    else {
      resolveHost(host).then(
        (ip) => {
          if (this.state === 'connecting') this.open(target, ip);
        },
        (e: unknown) => this.fail(e),
      );
    }
  }

  localAddress(): string | null {
    return this.state === 'up' ? (this.socket?.localAddress ?? null) : null;
  }

  /** Writes one command (its name as it goes on the wire); resolves with the reply as a value, never rejects. */
  send(wireName: string, args: readonly string[]): Promise<LinkReply> {
    const socket = this.socket;
    if (this.state !== 'up' || socket === null) return Promise.resolve({ kind: 'closed', reason: this.reason ?? 'not connected' });
    this.pending++;
    const reply = new Promise<LinkReply>((resolve) => this.waiters.push(resolve));
    // Everything written in this turn of the loop leaves in one write: one string appended to
    // and one socket.write, cheaper than the stream's cork/uncork and writev of many buffers.
    // setImmediate rather than nextTick: the timers that expire together (the hellos of every
    // master to one peer) all run before it, so they share the write too.
    if (this.outgoing === '') setImmediate(() => this.flushOutgoing(socket));
    this.outgoing += encodeCommand(wireName, args);
    return reply;
  }

  private flushOutgoing(socket: Socket | TLSSocket): void {
    const out = this.outgoing;
    this.outgoing = '';
    if (this.socket === socket && this.state === 'up') socket.write(out, 'latin1');
  }

  /** Several commands in one write: the MULTI ... EXEC reconfiguration. */
  sendMany(commands: readonly (readonly [string, readonly string[]])[]): Promise<LinkReply[]> {
    return Promise.all(commands.map(([wire, args]) => this.send(wire, args)));
  }

  /** Closes now, without calling back: the caller knows. Pending commands resolve `closed`. */
  close(reason: string): void {
    if (this.state === 'down') return;
    this.end(reason);
  }

  private open(target: ConnectionTarget, ip: string): void {
    const { host, port, tls, sourceAddress } = target;
    this.connectTimer = setTimeout(() => this.fail(Object.assign(new Error(CONNECT_TIMEOUT), { code: 'ETIMEDOUT' })), target.connectTimeoutMs);
    this.connectTimer.unref?.();
    const local = sourceAddress ? { localAddress: sourceAddress } : {};
    let socket: Socket | TLSSocket;
    try {
      // the name stays the TLS server name (SNI) when connecting to its address
      const sni = tls && isIP(host) === 0 ? { servername: host } : {};
      socket = tls ? tlsConnect({ ...tls, host: ip, port, ...sni, ...local }) : createConnection({ host: ip, port, ...local });
    } catch (e) {
      // e.g. an invalid bind-source-addr: fail like a refused connect, after this constructor
      queueMicrotask(() => this.fail(e));
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    socket.once(tls ? 'secureConnect' : 'connect', () => this.onReady());
    socket.on('data', (chunk: Buffer) => {
      this.lastActivity = this.clock.monotonic();
      this.parser.execute(chunk);
    });
    socket.on('error', (e) => {
      this.lastError ??= e;
    });
    socket.once('close', () => this.finish());
  }

  private onReady(): void {
    if (this.state !== 'connecting') return;
    this.clearConnectTimer();
    this.state = 'up';
    this.since = this.clock.monotonic();
    this.lastActivity = this.since;
    this.events.ready(this);
  }

  /** A reply, or on a subscriber connection a pushed `message` that answers no command. */
  private onReply(v: unknown): void {
    if (this.kind === 'pc' && Array.isArray(v) && v.length === 3 && Buffer.isBuffer(v[0]) && v[0].equals(MESSAGE)) {
      if (this.state === 'up') this.events.message(v[1] as Buffer, v[2] as Buffer);
      return;
    }
    this.settle(okReply(v));
  }

  private settle(reply: LinkReply): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) return;
    // a close has already reset the count to 0 (sentinel.c: pending_commands = 0)
    if (this.state === 'up') this.pending--;
    waiter(reply);
  }

  /** A connect or protocol failure: the connection ends with that reason. */
  private fail(e: unknown): void {
    this.lastError ??= e;
    this.finish();
  }

  /** The connection ended by itself. */
  private finish(): void {
    if (this.state === 'down') return;
    this.end(this.lastError === null ? SERVER_CLOSED : reasonOf(this.lastError));
    this.events.closed(this, this.reason!);
  }

  private end(reason: string): void {
    this.state = 'down';
    this.reason = reason;
    this.pending = 0;
    this.clearConnectTimer();
    // Sentinel frees a link's connection at once (redisAsyncFree), without waiting for the peer.
    this.socket?.destroy();
    // The parser is not reset: the connection is never used again, and a pushed message's
    // handler may end it from inside parser.execute (a hello that moves the master drops its
    // links), where a reset makes redis-parser's loop read a null buffer. What execute still
    // parses after the end finds no waiter, and messages are dropped once the state is down.
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w({ kind: 'closed', reason });
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

