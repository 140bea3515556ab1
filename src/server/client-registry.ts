/**
 * The table of connected clients: ids, lookup, CLIENT KILL, and the CLIENT LIST line.
 */
import type { ClientRegistry, ClientSession } from '../commands/types.js';

/** What a connection knows beyond ClientSession; CLIENT LIST prints plausible defaults without it. */
export interface ClientDetails {
  readonly fd: number;
  /** CLIENT LIST flags letters, `N` when none */
  flagString(): string;
  /** `r`, `w`, `rw` or empty: which socket events the client waits for */
  eventString(): string;
  /** spare bytes in the query buffer */
  queryBufferFree(): number;
  /** bytes of the arguments of the request being parsed or run */
  argvBytes(): number;
  /** reply chunks waiting to be written */
  replyChunks(): number;
}

/** A client the registry can close. */
export interface KillableClient extends ClientSession {
  /** close now, or after the current reply when the client is running a command */
  kill(): void;
}

export class ClientTable implements ClientRegistry {
  #lastId = 0;
  readonly #clients = new Map<number, KillableClient>();

  /** Redis client ids start at 1 and are never reused. */
  nextId(): number {
    return ++this.#lastId;
  }

  add(client: KillableClient): void {
    this.#clients.set(client.id, client);
  }

  remove(client: ClientSession): void {
    if (this.#clients.get(client.id) === client) this.#clients.delete(client.id);
  }

  byId(id: number): KillableClient | undefined {
    return this.#clients.get(id);
  }

  all(): IterableIterator<KillableClient> {
    return this.#clients.values();
  }

  count(): number {
    return this.#clients.size;
  }

  kill(client: ClientSession): void {
    const c = this.#clients.get(client.id);
    if (c) c.kill();
  }
}

const hasDetails = (s: ClientSession): s is ClientSession & ClientDetails =>
  typeof (s as Partial<ClientDetails>).flagString === 'function';

/** Redis's reply buffer is 16 KB until it is resized; CLIENT LIST rbs/rbp print that. */
const REPLY_BUFFER_SIZE = 16 * 1024;
/** A fixed allowance for the client structure itself, so tot-mem looks like Redis's. */
const CLIENT_STRUCT_BYTES = 1_024 + REPLY_BUFFER_SIZE;

/**
 * One CLIENT LIST / CLIENT INFO line without the trailing newline, in Redis 7.2's field order
 * (networking.c catClientInfoString). `now` is monotonic ms, as createdAt and lastInteraction.
 */
export function clientInfoLine(s: ClientSession, now: number): string {
  const d = hasDetails(s) ? s : null;
  const qbuf = s.queryBufferBytes();
  const qbufFree = d ? d.queryBufferFree() : 0;
  const argvMem = d ? d.argvBytes() : 0;
  const omem = s.outputBytes();
  const flags = d ? d.flagString() : (s.channels.size + s.patterns.size > 0 ? 'P' : 'N');
  const totMem = CLIENT_STRUCT_BYTES + qbuf + qbufFree + argvMem + omem;
  return [
    `id=${s.id}`,
    `addr=${s.addr}`,
    `laddr=${s.laddr}`,
    `fd=${d ? d.fd : -1}`,
    `name=${s.name}`,
    `age=${Math.max(0, Math.floor((now - s.createdAt) / 1000))}`,
    `idle=${Math.max(0, Math.floor((now - s.lastInteraction) / 1000))}`,
    `flags=${flags}`,
    'db=0',
    `sub=${s.channels.size}`,
    `psub=${s.patterns.size}`,
    'ssub=0',
    'multi=-1',
    `qbuf=${qbuf}`,
    `qbuf-free=${qbufFree}`,
    `argv-mem=${argvMem}`,
    'multi-mem=0',
    `rbs=${REPLY_BUFFER_SIZE}`,
    `rbp=${REPLY_BUFFER_SIZE}`,
    'obl=0',
    `oll=${d ? d.replyChunks() : 0}`,
    `omem=${omem}`,
    `tot-mem=${totMem}`,
    `events=${d ? d.eventString() : 'r'}`,
    `cmd=${s.lastCommand === '' ? 'NULL' : s.lastCommand}`,
    `user=${s.user}`,
    'redir=-1',
    `resp=${s.resp}`,
    `lib-name=${s.libName}`,
    `lib-ver=${s.libVer}`,
  ].join(' ');
}

/** `ip:port`, with brackets for IPv6 (anet.c anetFormatAddr). */
export function formatAddr(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}
