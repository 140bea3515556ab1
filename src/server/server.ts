/**
 * The RESP server on the sentinel port: listeners, the accept policy (maxclients, protected
 * mode), the client table, pub/sub fan-out and the idle-client sweep. Commands are not run
 * here: every request goes to the `dispatch` function the composition root hands in.
 */
import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import type { ServerStats } from '../commands/types.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import { ClientConnection, type Dispatch, type OutputLimit } from './client-connection.js';
import { ClientTable } from './client-registry.js';
import { Listener } from './listener.js';
import { PubSub } from './pubsub-hub.js';

export interface RespServerSettings {
  readonly port: number;
  /** `bind` addresses as written in the config (`* -::*` by default; `-` marks optional) */
  readonly bind: readonly string[];
  readonly maxclients: number;
  /** idle client timeout in seconds; 0 = never */
  readonly timeout: number;
  readonly protectedMode: boolean;
  /**
   * True when the default user has a password (or is disabled), i.e. a new connection must
   * authenticate. Read on every accept and request, so ACL changes apply at once.
   */
  readonly defaultUserHasPassword: () => boolean;
  /** tcp-keepalive in seconds; 0 = off */
  readonly tcpKeepalive: number;
  /** client-output-buffer-limit pubsub */
  readonly pubsubLimits: OutputLimit;
  /** client-query-buffer-max-size (default 1 GB) */
  readonly maxQueryBuffer?: number;
  /** proto-max-bulk-len (default 512 MB) */
  readonly maxBulkLen?: number;
  /** tcp-backlog (default 511) */
  readonly backlog?: number;
  /** tls-port: also listen with TLS there (same bind addresses); 0 or absent = no TLS */
  readonly tlsPort?: number;
  /** the server side of tls.c's context (config/tls.ts configureTls); required with tlsPort */
  readonly tls?: TlsOptions | null;
}

export interface RespServerOptions {
  /** read live: a getter-backed object sees later changes */
  readonly settings: RespServerSettings;
  readonly dispatch: Dispatch;
  readonly log: (level: LineLevel, msg: string) => void;
  readonly clock: Clock;
  /** shared counters (ProcessInfo.stats); a fresh set when omitted */
  readonly stats?: ServerStats;
  /** how often idle clients are looked for, ms (Redis: clientsCron, about once a second) */
  readonly cronIntervalMs?: number;
}

const MAXCLIENTS_ERROR = '-ERR max number of clients reached\r\n';

/** networking.c clientAcceptHandler: the reply to a non-loopback peer in protected mode. */
export const DENIED_ERROR =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set ' +
  'for the default user. In this mode connections are only accepted from the loopback interface. If you ' +
  'want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just ' +
  "disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by " +
  'connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly ' +
  'accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) ' +
  'Alternatively you can just disable the protected mode by editing the Redis configuration file, and ' +
  "setting the protected mode option to 'no', and then restarting the server. 3) If you started the server " +
  "manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an " +
  'authentication password for the default user. NOTE: You only need to do one of the above things in ' +
  'order for the server to start accepting connections from the outside.\r\n';

/**
 * Redis 7.0 connIsLocal compares the peer's text address with exactly `127.0.0.1` and `::1`
 * (127.0.0.2 is refused, checked against redis-server 7.0.15).
 */
const isLoopback = (ip: string | undefined): boolean =>
  ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';

const DEFAULT_MAX_QUERY_BUFFER = 1024 * 1024 * 1024;

/** Fresh counters for INFO stats. */
export const newServerStats = (): ServerStats => ({
  totalConnectionsReceived: 0,
  totalCommandsProcessed: 0,
  rejectedConnections: 0,
  totalNetInputBytes: 0,
  totalNetOutputBytes: 0,
});

export class RespServer {
  readonly clients = new ClientTable();
  readonly pubsub = new PubSub();
  readonly stats: ServerStats;

  readonly #opts: RespServerOptions;
  readonly #listener: Listener;
  readonly #tlsListener: Listener | null;
  readonly #connections = new Set<ClientConnection>();
  #cron: NodeJS.Timeout | null = null;

  constructor(opts: RespServerOptions) {
    this.#opts = opts;
    this.stats = opts.stats ?? newServerStats();
    const { settings } = opts;
    this.#listener = new Listener({
      port: settings.port,
      bind: settings.bind,
      backlog: settings.backlog,
      log: opts.log,
      onConnection: (socket) => this.#accept(socket),
    });
    const tlsPort = settings.tlsPort ?? 0;
    this.#tlsListener =
      tlsPort > 0 && settings.tls
        ? new Listener({
            port: tlsPort,
            bind: settings.bind,
            backlog: settings.backlog,
            log: opts.log,
            tls: settings.tls,
            onConnection: (socket) => this.#accept(socket),
          })
        : null;
  }

  /** Rejects with ARGUS_ERR_LISTEN when a required address cannot be bound. */
  async start(): Promise<void> {
    await this.#listener.start();
    try {
      await this.#tlsListener?.start();
    } catch (e) {
      await this.#listener.stop();
      throw e;
    }
    const interval = this.#opts.cronIntervalMs ?? 1000;
    this.#cron = setInterval(() => this.#closeIdleClients(), interval);
    this.#cron.unref();
  }

  /** Stops listening and drops every client. */
  async stop(): Promise<void> {
    if (this.#cron) clearInterval(this.#cron);
    this.#cron = null;
    const closing = Promise.all([this.#listener.stop(), this.#tlsListener?.stop()]);
    for (const c of [...this.#connections]) c.close();
    await closing;
  }

  /** The addresses actually listened on. */
  addresses(): { address: string; port: number }[] {
    return this.#listener.addresses();
  }

  /** The addresses listened on with TLS (tls-port). */
  tlsAddresses(): { address: string; port: number }[] {
    return this.#tlsListener?.addresses() ?? [];
  }

  /** Publish to local subscribers; the number of deliveries. */
  publish(channel: string, message: string): number {
    return this.pubsub.publish(channel, message);
  }

  /** networking.c acceptCommonHandler + clientAcceptHandler. */
  #accept(socket: Socket): void {
    const { settings, log } = this.#opts;
    socket.on('error', () => {});
    if (this.clients.count() >= settings.maxclients) {
      this.#reject(socket, MAXCLIENTS_ERROR);
      return;
    }
    if (settings.protectedMode && !settings.defaultUserHasPassword() && !isLoopback(socket.remoteAddress)) {
      this.#reject(socket, DENIED_ERROR);
      return;
    }
    this.stats.totalConnectionsReceived++;
    // networking.c acceptTcpHandler prints the bare ip, no IPv6 brackets
    log('verbose', `Accepted ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`);
    socket.setNoDelay(true);
    if (settings.tcpKeepalive > 0) socket.setKeepAlive(true, settings.tcpKeepalive * 1000);

    const conn = new ClientConnection(socket, {
      id: this.clients.nextId(),
      dispatch: this.#opts.dispatch,
      log,
      clock: this.#opts.clock,
      stats: this.stats,
      defaultUserHasPassword: () => this.#opts.settings.defaultUserHasPassword(),
      pubsubLimit: () => this.#opts.settings.pubsubLimits,
      maxQueryBuffer: settings.maxQueryBuffer ?? DEFAULT_MAX_QUERY_BUFFER,
      readerLimits: settings.maxBulkLen === undefined ? {} : { maxBulkLen: settings.maxBulkLen },
      onClose: (c) => {
        this.#connections.delete(c);
        this.clients.remove(c);
        this.pubsub.removeClient(c);
      },
    });
    this.#connections.add(conn);
    this.clients.add(conn);
  }

  /** A best-effort error line, then close (Redis writes it with a plain write(2)). */
  #reject(socket: Socket, line: string): void {
    this.stats.rejectedConnections++;
    socket.end(line, 'latin1', () => socket.destroy());
  }

  #closeIdleClients(): void {
    const timeout = this.#opts.settings.timeout;
    if (timeout <= 0) return;
    const now = this.#opts.clock.monotonic();
    for (const c of [...this.#connections]) c.closeIfIdle(now, timeout);
  }
}
