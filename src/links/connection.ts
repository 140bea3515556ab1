import { AbstractConnector, Redis, type RedisOptions } from 'ioredis';
import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Clock } from '../runtime/clock.js';
import { failedReply, okReply, reasonOf, SERVER_CLOSED } from './decode.js';
import type { ConnectionKind, ConnectionState, LinkReply } from './types.js';
import { WireCommand } from './wire-command.js';

export interface ConnectionTarget {
  readonly kind: ConnectionKind;
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly tls?: ConnectionOptions | undefined;
  readonly sourceAddress?: string | undefined;
  readonly clock: Clock;
}

export interface ConnectionEvents {
  /** TCP (or TLS) is up and ioredis is ready to write */
  ready(conn: LinkConnection): void;
  /** the connection ended by itself (never called after close()) */
  closed(conn: LinkConnection, reason: string): void;
  /** a `message` frame (subscriber connections only), raw bytes */
  message(channel: Buffer, message: Buffer): void;
}

/**
 * One connection attempt and, if it succeeds, the connection: a fresh ioredis client each time,
 * so nothing (subscriptions, queued commands, a half-done handshake) carries over from the
 * previous connection. It ends once; the link then makes a new one.
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

  private readonly redis: Redis;
  private socket: Socket | TLSSocket | null = null;
  private lastError: unknown = null;
  private readonly clock: Clock;
  private readonly events: ConnectionEvents;

  constructor(target: ConnectionTarget, events: ConnectionEvents) {
    this.kind = target.kind;
    this.clock = target.clock;
    this.events = events;
    this.redis = new Redis(clientOptions(target, this));
    // Every failure is a value: without a listener ioredis prints "[ioredis] Unhandled error
    // event" to stderr, and its "Command queue state error" would throw.
    this.redis.on('error', (e: unknown) => {
      this.lastError ??= e;
    });
    this.redis.once('ready', () => this.onReady());
    // 'end' covers the attempts that never produced a socket (e.g. an invalid bind address).
    this.redis.once('end', () => this.finish());
    if (target.kind === 'pc') {
      this.redis.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        if (this.state === 'up') this.events.message(channel, message);
      });
    }
    this.redis.connect().catch(() => undefined);
  }

  /** The socket is made here (not by ioredis) so bind-source-addr applies and no error escapes. */
  adoptSocket(socket: Socket | TLSSocket): void {
    this.socket = socket;
    socket.on('error', (e) => {
      this.lastError ??= e;
    });
    socket.on('data', () => {
      this.lastActivity = this.clock.monotonic();
    });
    // Registered before ioredis's own close handler, so the link learns of the close before
    // ioredis rejects the pending commands.
    socket.once('close', () => this.finish());
  }

  localAddress(): string | null {
    return this.state === 'up' ? (this.socket?.localAddress ?? null) : null;
  }

  /** Writes one command; resolves with the reply as a value, never rejects. */
  send(logicalName: string, wireName: string, args: readonly string[]): Promise<LinkReply> {
    if (this.state !== 'up') return Promise.resolve({ kind: 'closed', reason: this.reason ?? 'not connected' });
    const cmd = new WireCommand(logicalName, wireName, args);
    this.pending++;
    const settled = cmd.promise.then(
      (v: unknown) => {
        this.answered();
        return okReply(v);
      },
      (e: unknown) => {
        this.answered();
        return failedReply(e, this.reason ?? reasonOf(e));
      },
    );
    try {
      void this.redis.sendCommand(cmd);
    } catch (e) {
      cmd.reject(e as Error);
    }
    return settled;
  }

  /** Several commands in one write (corked socket): the MULTI ... EXEC reconfiguration. */
  sendMany(commands: readonly (readonly [string, string, readonly string[]])[]): Promise<LinkReply[]> {
    const socket = this.state === 'up' ? this.socket : null;
    socket?.cork();
    try {
      return Promise.all(commands.map(([logical, wire, args]) => this.send(logical, wire, args)));
    } finally {
      socket?.uncork();
    }
  }

  /** Closes now, without calling back: the caller knows. Pending commands resolve `closed`. */
  close(reason: string): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.reason = reason;
    this.pending = 0;
    this.redis.disconnect();
  }

  /** A close has already reset the count to 0 (sentinel.c: pending_commands = 0). */
  private answered(): void {
    if (this.state === 'up') this.pending--;
  }

  private onReady(): void {
    if (this.state !== 'connecting') return;
    this.state = 'up';
    this.since = this.clock.monotonic();
    this.lastActivity = this.since;
    this.events.ready(this);
  }

  private finish(): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.reason = this.lastError === null ? SERVER_CLOSED : reasonOf(this.lastError);
    this.pending = 0;
    // ioredis has already ended; disconnect() makes sure the socket is gone too.
    this.redis.disconnect();
    this.events.closed(this, this.reason);
  }
}

/**
 * ioredis with every hidden behaviour off: Sentinel decides when to reconnect, what to send on
 * connect (AUTH and CLIENT SETNAME through rename-command) and never queues or retries.
 */
function clientOptions(target: ConnectionTarget, conn: LinkConnection): RedisOptions {
  const { host, port, tls, sourceAddress } = target;
  class LinkConnector extends AbstractConnector {
    constructor() {
      super(0);
    }
    connect(): Promise<Socket | TLSSocket> {
      this.connecting = true;
      try {
        const socket = tls
          ? tlsConnect({ ...tls, host, port, ...(sourceAddress ? { localAddress: sourceAddress } : {}) })
          : createConnection({ host, port, ...(sourceAddress ? { localAddress: sourceAddress } : {}) });
        conn.adoptSocket(socket);
        this.stream = socket;
        return Promise.resolve(socket);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    // Sentinel frees a link's connection at once (redisAsyncFree); ioredis's default ends the
    // socket politely and waits for the peer, which a stopped server never answers.
    override disconnect(): void {
      this.connecting = false;
      this.stream?.destroy();
    }
  }
  return {
    host,
    port,
    Connector: LinkConnector,
    ...(tls ? { tls } : {}),
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    retryStrategy: () => null,
    reconnectOnError: null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: false,
    disableClientInfo: true,
    connectionName: undefined,
    db: 0,
    readOnly: false,
  };
}
