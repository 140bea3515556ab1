/**
 * `GET /events/stream`: the event bus as server-sent events (issue 14 items 3-4, the dashboard's
 * live list). Each bus event goes out once as `id:` (its history id), `event:` (its type) and
 * `data:` (the history entry as JSON); a reconnecting EventSource sends `Last-Event-ID` and gets
 * what it missed from the history first. Nothing is queued per client beyond the socket's own
 * buffer, and that is bounded: a client that does not read is dropped, never waited for.
 */
import type { ServerResponse } from 'node:http';
import type { EventSink } from '../events/bus.js';
import type { SentinelEvent } from '../events/event.js';
import type { EventHistory, HistoryEntry } from '../events/history.js';

export interface EventStreamOptions {
  readonly history: EventHistory;
  /** the bus's subscribe; subscribed after the history's own `record`, so `lastId()` is this event's id */
  readonly subscribe: (sink: EventSink) => () => void;
  /** comment lines keep proxies and browsers from timing the connection out (15 s) */
  readonly heartbeatMs?: number;
  /** bytes a client may leave unread in its socket buffer before it is dropped (1 MiB) */
  readonly maxBufferedBytes?: number;
}

export const HEARTBEAT_MS = 15_000;
export const MAX_BUFFERED_BYTES = 1 << 20;

/** One history entry as an SSE message (the type never holds a newline; JSON escapes them). */
export function formatSse(e: HistoryEntry): string {
  return `${e.id > 0 ? `id: ${e.id}\n` : ''}event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/**
 * The replay point of a (re)connecting client: `Last-Event-ID`, else `?since=`; null = live
 * only. A value that is not an id is ignored, as EventSource itself would send it back.
 */
export function replayFrom(lastEventId: string | undefined, since: string | null): number | null {
  for (const v of [lastEventId, since]) if (v !== undefined && v !== null && /^\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return null;
}

export class EventStream {
  readonly #opts: EventStreamOptions;
  readonly #clients = new Set<ServerResponse>();
  readonly #maxBuffered: number;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(opts: EventStreamOptions) {
    this.#opts = opts;
    this.#maxBuffered = opts.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Takes over `res`: headers, the replay after `replayAfter` (when given), then live events. */
  open(res: ServerResponse, replayAfter: number | null): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and friends would otherwise hold the stream back in their buffers
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.#clients.add(res);
    res.on('close', () => this.#drop(res));
    // a retry hint, and a first line so the browser's `open` fires at once
    this.#write(res, 'retry: 2000\n: argus event stream\n\n');
    if (replayAfter !== null) for (const e of this.#opts.history.since(replayAfter)) this.#write(res, formatSse(e));
    this.#start();
  }

  /** Ends every stream (shutdown); clients see the end of the response. */
  closeAll(): void {
    for (const res of [...this.#clients]) res.end();
    this.#clients.clear();
    this.#stop();
  }

  readonly #onEvent = (e: SentinelEvent): void => {
    const { time, type, level, master, text } = e;
    const message = formatSse({ id: this.#opts.history.lastId(), time, type, level, master, text });
    for (const res of [...this.#clients]) this.#write(res, message);
  };

  #write(res: ServerResponse, chunk: string): void {
    if (res.destroyed) return;
    res.write(chunk);
    // writableLength is what the kernel has not taken yet: a reader that stopped reading
    if (res.writableLength > this.#maxBuffered) {
      this.#drop(res);
      res.destroy();
    }
  }

  #drop(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size === 0) this.#stop();
  }

  /** The bus subscription and the heartbeat exist only while someone listens. */
  #start(): void {
    if (this.#unsubscribe !== null) return;
    this.#unsubscribe = this.#opts.subscribe(this.#onEvent);
    this.#heartbeat = setInterval(() => {
      for (const res of [...this.#clients]) this.#write(res, ': heartbeat\n\n');
    }, this.#opts.heartbeatMs ?? HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
