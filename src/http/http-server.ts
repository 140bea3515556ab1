/**
 * The opt-in HTTP endpoint (`argus-http-port`, `argus-http-bind`, `argus-http-token`) on
 * node:http: a handful of GET routes, no framework (routing is one switch, bodies are JSON or the
 * metrics text). It shares the event loop with the RESP port but does no per-request work beyond
 * one `view`/`brief` call per shard, answered off the main thread.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { ArgusError } from '../errors.js';
import { DASHBOARD_PATHS } from './dashboard.js';
import { replayFrom, type EventStream } from './event-stream.js';
import { route, type HttpAnswer, type RouteDeps } from './routes.js';

export interface HttpEndpointOptions {
  readonly port: number;
  readonly bind: readonly string[];
  readonly token: string | null;
  readonly routes: RouteDeps;
  /** `GET /events/stream` (server-sent events); absent = no such route */
  readonly stream?: EventStream;
  readonly log: (level: 'warning' | 'notice' | 'verbose', message: string) => void;
}

function sameSecret(text: string, token: string): boolean {
  const given = Buffer.from(text);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && sameSecret(m[1]!.trim(), token);
}

/** Paths served without the token: the health check and the dashboard's page and assets (no state). */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health', ...DASHBOARD_PATHS]);

/** The stream also takes `?token=`: a browser's EventSource cannot set a header. */
const STREAM_PATH = '/events/stream';

function send(res: ServerResponse, answer: HttpAnswer, extra: Record<string, string> = {}): void {
  const body = answer.text ? answer.text.body : `${JSON.stringify(answer.body)}\n`;
  res.writeHead(answer.status, {
    'content-type': answer.text ? answer.text.contentType : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

export class HttpEndpoint {
  readonly #opts: HttpEndpointOptions;
  readonly #servers: Server[] = [];

  constructor(opts: HttpEndpointOptions) {
    this.#opts = opts;
  }

  /** Listens on every bind address; rejects with ARGUS_ERR_LISTEN when one cannot be bound. */
  async start(): Promise<void> {
    for (const host of this.#opts.bind) {
      const server = createServer((req, res) => void this.#handle(req, res));
      // a slow or idle client holds nothing for long
      server.requestTimeout = 10_000;
      server.headersTimeout = 5_000;
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) =>
          reject(new ArgusError('ARGUS_ERR_LISTEN', `Could not listen for HTTP on ${host}:${this.#opts.port}: ${e.message}`, {
            transport: 'HTTP', host, port: this.#opts.port,
          }, e)),
        );
        server.listen(this.#opts.port, host, () => resolve());
      });
      this.#servers.push(server);
    }
    this.#opts.log('notice', `HTTP endpoint listening on ${this.#opts.bind.map((h) => `${h}:${this.#opts.port}`).join(', ')}`);
  }

  async stop(): Promise<void> {
    this.#opts.stream?.closeAll();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    })));
    this.#servers.length = 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://argus');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, { status: 405, body: { error: 'method not allowed' } }, { allow: 'GET, HEAD' });
        return;
      }
      const { token, stream } = this.#opts;
      const isStream = url.pathname === STREAM_PATH && stream !== undefined;
      const queryToken = isStream ? url.searchParams.get('token') : null;
      if (token !== null && !OPEN_PATHS.has(url.pathname) && !tokenMatches(req.headers.authorization, token)
        && !(queryToken !== null && sameSecret(queryToken, token))) {
        send(res, { status: 401, body: { error: 'unauthorized' } }, { 'www-authenticate': 'Bearer' });
        return;
      }
      if (isStream) {
        if (req.method === 'HEAD') {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
          res.end();
          return;
        }
        const lastEventId = req.headers['last-event-id'];
        stream.open(res, replayFrom(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, url.searchParams.get('since')));
        return;
      }
      const answer = await route(this.#opts.routes, url.pathname, url.searchParams);
      send(res, answer ?? { status: 404, body: { error: 'not found' } });
    } catch (e) {
      this.#opts.log('warning', `HTTP ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
      else res.destroy();
    }
  }
}
