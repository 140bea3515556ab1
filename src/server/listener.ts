/**
 * TCP listening sockets for every `bind` address (server.c listenToPort).
 *
 * Rules ported from Redis:
 * - `-addr` is optional: failing with EADDRNOTAVAIL is not fatal (an IPv6 wildcard on a host
 *   without IPv6, an interface that is down).
 * - An address family or protocol the kernel lacks is skipped for every address.
 * - Any other failure is fatal; sockets already bound are closed again.
 * - Every failure is logged: `Warning: Could not create server TCP listening socket <addr>:<port>: <err>`.
 * - `*` is the IPv4 wildcard, `::*` the IPv6 one; IPv6 sockets are IPV6_V6ONLY, so IPv4 peers
 *   always arrive on the IPv4 socket with plain dotted addresses.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { ArgusError } from '../errors.js';
import type { LineLevel } from '../runtime/logger.js';

export interface BindAddress {
  /** the address as Redis prints it, without the `-` prefix (`*`, `::*`, `10.0.0.1`) */
  readonly display: string;
  /** what to hand to listen() */
  readonly host: string;
  readonly ipv6: boolean;
  readonly optional: boolean;
}

export function parseBind(spec: string): BindAddress {
  const optional = spec.startsWith('-');
  const display = optional ? spec.slice(1) : spec;
  const ipv6 = display.includes(':');
  let host = display;
  if (display === '*' && !ipv6) host = '0.0.0.0';
  if (display === '::*') host = '::';
  return { display, host, ipv6, optional };
}

/** Errors listenToPort skips for any address: the kernel lacks the family or protocol. */
const UNSUPPORTED = new Set(['ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EPFNOSUPPORT', 'EAFNOSUPPORT']);

/** strerror texts for the failures a listen can meet, so the log line reads as Redis's. */
const STRERROR: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EPROTONOSUPPORT: 'Protocol not supported',
  EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
};

function describe(e: NodeJS.ErrnoException): string {
  // getaddrinfo failures read as gai_strerror, the rest as anet.c's `bind: <strerror>`
  if (e.syscall === 'getaddrinfo') return e.code === 'ENOTFOUND' ? 'Name or service not known' : String(e.code);
  return `bind: ${STRERROR[e.code ?? ''] ?? e.code ?? e.message}`;
}

export interface ListenerOptions {
  readonly port: number;
  readonly bind: readonly string[];
  readonly onConnection: (socket: Socket) => void;
  readonly log: (level: LineLevel, msg: string) => void;
  /** tcp-backlog */
  readonly backlog?: number;
  /** tls-port: accept TLS with these options; `onConnection` gets the socket once the handshake is done */
  readonly tls?: TlsOptions;
}

export class Listener {
  readonly #opts: ListenerOptions;
  readonly #servers: Server[] = [];

  constructor(opts: ListenerOptions) {
    this.#opts = opts;
  }

  /** Binds in config order; rejects with ARGUS_ERR_LISTEN when Redis would exit. */
  async start(): Promise<void> {
    const { port, bind } = this.#opts;
    if (port === 0) return;
    for (const spec of bind) {
      const addr = parseBind(spec);
      try {
        this.#servers.push(await this.#listenOne(addr));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const line = `Could not create server TCP listening socket ${addr.display}:${port}: ${describe(err)}`;
        this.#opts.log('warning', `Warning: ${line}`);
        if (err.code === 'EADDRNOTAVAIL' && addr.optional) continue;
        if (UNSUPPORTED.has(err.code ?? '')) continue;
        await this.stop();
        throw new ArgusError('ARGUS_ERR_LISTEN', line, {
          address: addr.display, port, errno: err.code ?? 'unknown', transport: this.#opts.tls ? 'TLS' : 'TCP',
        }, { cause: err });
      }
    }
    if (this.#servers.length === 0) {
      throw new ArgusError('ARGUS_ERR_LISTEN', 'Configured to not listen anywhere, exiting.', {
        port, transport: this.#opts.tls ? 'TLS' : 'TCP',
      });
    }
  }

  #listenOne(addr: BindAddress): Promise<Server> {
    return new Promise((resolve, reject) => {
      const { tls } = this.#opts;
      const srv: Server = tls
        ? createTlsServer({ ...tls, allowHalfOpen: true, noDelay: true }, (socket) => this.#secureAccept(socket))
        : createServer({ allowHalfOpen: true, noDelay: true }, this.#opts.onConnection);
      // A failed handshake (no or a bad client certificate, a plain client) costs only that socket.
      if (tls) srv.on('tlsClientError', (e: Error) => this.#opts.log('verbose', `Error accepting a client connection: ${e.message}`));
      const onError = (e: Error): void => {
        srv.close();
        reject(e);
      };
      srv.once('error', onError);
      srv.listen({ host: addr.host, port: this.#opts.port, ipv6Only: addr.ipv6, backlog: this.#opts.backlog ?? 511 }, () => {
        srv.off('error', onError);
        // A listening socket that fails later (EMFILE on accept) must not crash the process.
        srv.on('error', (e) => this.#opts.log('warning', `Accepting client connection: ${e.message}`));
        resolve(srv);
      });
    });
  }

  /**
   * tls-auth-clients optional (requestCert without rejectUnauthorized): OpenSSL's SSL_VERIFY_PEER
   * still refuses a certificate that does not verify; only a client that sends none gets in.
   */
  #secureAccept(socket: TLSSocket): void {
    const { tls } = this.#opts;
    if (tls?.requestCert && !tls.rejectUnauthorized && !socket.authorized) {
      const cert = socket.getPeerCertificate();
      if (cert && Object.keys(cert).length > 0) {
        this.#opts.log('verbose', `Error accepting a client connection: ${String(socket.authorizationError)}`);
        socket.destroy();
        return;
      }
    }
    this.#opts.onConnection(socket);
  }

  /** The bound addresses, e.g. for logs and tests. */
  addresses(): { address: string; port: number }[] {
    const out: { address: string; port: number }[] = [];
    for (const s of this.#servers) {
      const a = s.address();
      if (a && typeof a === 'object') out.push({ address: a.address, port: a.port });
    }
    return out;
  }

  /** Stops accepting; existing connections are the caller's to close. */
  async stop(): Promise<void> {
    const servers = this.#servers.splice(0);
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
