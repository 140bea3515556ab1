/**
 * One client socket: reads requests, runs them strictly in order, writes the replies.
 *
 * Ordering contract: a handler may return a Promise (config commands reply once the file is on
 * disk); the next pipelined command is not parsed until it settles, so replies always leave in
 * request order. Commands marked `overlap` (the peer protocol) let the next ones run while their
 * reply waits; replies then wait in `#slots` and still leave in request order. Pub/sub frames
 * are queued the moment they are published, as Redis appends them to the output buffer during
 * the command that caused them.
 *
 * Writes: replies are not written as each command finishes but once per turn of the event loop,
 * after the poll phase has run every readable socket (setImmediate), as Redis writes every
 * client's output in beforeSleep. One write per client per turn either way; but writes made back
 * to back find a client that was woken by the first still running, where writes spread between
 * the parsing of other sockets woke it again each time. That wake-up, paid by the writer, was a
 * fifth of Argus's main thread with 1000 clients (bench client-load, docs/design.md).
 *
 * Back-pressure: while a handler is pending or the unsent output is above OUTPUT_HIGH_WATER the
 * socket is paused, so a client that pipelines faster than it reads fills its own kernel buffers
 * rather than Argus's memory. Subscribers that stop reading are bounded by
 * client-output-buffer-limit pubsub instead (networking.c checkClientOutputBufferLimits).
 */
import type { Socket } from 'node:net';
import type { ClientSession, CommandResult, ServerStats } from '../commands/types.js';
import { isOverlapping } from '../commands/overlap.js';
import { CommandReader, type ReaderLimits } from '../resp/command-reader.js';
import { err, type Reply } from '../resp/reply.js';
import { renderReplies } from '../resp/reply-writer.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import { clientInfoLine, formatAddr, type ClientDetails, type KillableClient } from './client-registry.js';
import type { Subscriber } from './pubsub-hub.js';
import { reclaimAfterClose } from '../runtime/reclaim.js';

export type Dispatch = (session: ClientSession, argv: readonly string[]) => CommandResult | Promise<CommandResult>;

/** client-output-buffer-limit <class> <hard> <soft> <soft-seconds>; 0 disables a limit. */
export interface OutputLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

export interface ConnectionDeps {
  readonly id: number;
  readonly dispatch: Dispatch;
  readonly log: (level: LineLevel, msg: string) => void;
  readonly clock: Clock;
  readonly stats: ServerStats;
  /** the default user has a password (or is disabled): connections start unauthenticated */
  readonly defaultUserHasPassword: () => boolean;
  readonly pubsubLimit: () => OutputLimit;
  /** client-query-buffer-max-size */
  readonly maxQueryBuffer: number;
  readonly readerLimits?: Omit<ReaderLimits, 'authRequired'>;
  /** called once, after the socket is gone */
  readonly onClose: (conn: ClientConnection) => void;
}

/** Pause reading above this many unsent reply bytes. */
export const OUTPUT_HIGH_WATER = 64 * 1024;

/** Overlapping commands one client may have waiting before its socket is paused. */
const MAX_OVERLAP = 1024;

/** Connections with output to write at the end of this turn of the event loop. */
let writeQueue: (() => void)[] = [];

function writeQueued(): void {
  const queue = writeQueue;
  writeQueue = [];
  for (const write of queue) write();
}

/** Output as the writer renders it: a latin1 string (one char per byte) or bytes. */
type Output = string | Buffer;

/** A reply in request order: null while its command is still running. */
interface ReplySlot {
  bytes: Output | null;
}
/** networking.c PROTO_DUMP_LEN: how much of the query buffer a protocol-error log line shows */
const PROTO_DUMP_LEN = 128;

const isPromise = (v: unknown): v is PromiseLike<CommandResult> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** Non-printable bytes as `.`, as setProtocolError sanitises its sample. */
const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '.');

const REPR_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b',
};

/** sds.c sdscatrepr: a quoted, escaped rendering of bytes for log lines. */
export function repr(bytes: string): string {
  return `"${bytes.replace(/[\\"\x00-\x1f\x7f-\xff]/g, (c) =>
    REPR_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

export class ClientConnection implements Subscriber, KillableClient, ClientDetails {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  name = '';
  libName = '';
  libVer = '';
  resp: 2 | 3 = 2;
  user = 'default';
  authenticated: boolean;
  readonly createdAt: number;
  lastInteraction: number;
  lastCommand = '';
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  closeAfterReply = false;

  readonly #socket: Socket;
  readonly #deps: ConnectionDeps;
  readonly #reader: CommandReader;
  /** encoded replies and frames not yet handed to the socket */
  #pending: Output[] = [];
  #pendingBytes = 0;
  /** some of #pending is a Buffer (a pub/sub frame, a long or raw reply) */
  #pendingBuffers = false;
  #flushScheduled = false;
  readonly #flushQueued = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };
  /** a command is running (its handler's Promise has not settled) */
  #busy = false;
  /**
   * Replies in request order from the first one still awaited: null while awaited, the encoded
   * reply once known. Empty unless an overlapping command is pending.
   */
  #slots: ReplySlot[] = [];
  /** inside the synchronous part of a dispatch */
  #executing = false;
  #draining = false;
  #peerEnded = false;
  #closed = false;
  #paused = false;
  /** monotonic ms when the pub/sub soft limit was first exceeded, 0 when under it */
  #softLimitSince = 0;
  /** argument bytes of the command being run (argv-mem while it runs) */
  #runningArgvBytes = 0;

  constructor(socket: Socket, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.id = deps.id;
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddr(socket.localAddress, socket.localPort);
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    const now = deps.clock.monotonic();
    this.createdAt = now;
    this.lastInteraction = now;
    // networking.c createClient: a client starts authenticated when the default user needs no password
    this.authenticated = !deps.defaultUserHasPassword();
    this.#reader = new CommandReader({
      ...deps.readerLimits,
      authRequired: () => !this.authenticated && deps.defaultUserHasPassword(),
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('drain', () => this.#onDrain());
    socket.on('error', (e: NodeJS.ErrnoException) => {
      deps.log('verbose', `Error reading from client: ${e.message}`);
    });
    socket.on('close', () => this.#onClosed());
  }

  // ---- ClientSession --------------------------------------------------------------------

  outputBytes(): number {
    return this.#pendingBytes + (this.#closed ? 0 : this.#socket.writableLength);
  }

  queryBufferBytes(): number {
    return this.#reader.bufferedBytes();
  }

  // ---- ClientDetails (CLIENT LIST) -------------------------------------------------------

  flagString(): string {
    let f = '';
    if (this.channels.size + this.patterns.size > 0) f += 'P';
    if (this.#waiting()) f += 'b';
    if (this.closeAfterReply) f += 'c';
    return f === '' ? 'N' : f;
  }

  eventString(): string {
    return (this.#paused ? '' : 'r') + (this.outputBytes() > 0 ? 'w' : '');
  }

  queryBufferFree(): number {
    return this.#reader.freeBytes();
  }

  argvBytes(): number {
    return this.#executing || this.#busy ? this.#runningArgvBytes : this.#reader.pendingArgvBytes();
  }

  replyChunks(): number {
    return this.#pending.length + (this.#closed ? 0 : this.#socket.writableLength > 0 ? 1 : 0);
  }

  /** The CLIENT LIST line of this client. */
  info(now = this.#deps.clock.monotonic()): string {
    return clientInfoLine(this, now);
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ---- Subscriber ------------------------------------------------------------------------

  deliver(frame: Buffer): void {
    if (this.#closed || this.closeAfterReply) return;
    this.#append(frame);
    if (!this.#executing) this.#scheduleFlush();
  }

  // ---- Closing ---------------------------------------------------------------------------

  /** CLIENT KILL: the caller itself goes after its reply, anyone else at once. */
  kill(): void {
    if (this.#executing || this.#waiting()) this.closeAfterReply = true;
    else this.close();
  }

  /** Close now, discarding unsent output (freeClient). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#socket.destroy();
  }

  /**
   * networking.c clientsCronHandleTimeout: idle normal clients are closed after `timeout`
   * seconds; subscribers and clients waiting on a command are exempt.
   */
  closeIfIdle(now: number, timeoutSeconds: number): boolean {
    if (timeoutSeconds <= 0 || this.#closed || this.#waiting()) return false;
    if (this.channels.size + this.patterns.size > 0) return false;
    if (now - this.lastInteraction <= timeoutSeconds * 1000) return false;
    this.#deps.log('verbose', 'Closing idle client');
    this.close();
    return true;
  }

  // ---- Reading and running ---------------------------------------------------------------

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    this.#deps.stats.totalNetInputBytes += chunk.length;
    this.lastInteraction = this.#deps.clock.monotonic();
    this.#reader.push(chunk);
    if (this.#reader.bufferedBytes() + this.#reader.pendingArgvBytes() > this.#deps.maxQueryBuffer) {
      const sample = this.#reader.head(64).toString('latin1');
      this.#deps.log('warning', `Closing client that reached max query buffer length: ${this.info()} ` +
        `(qbuf initial bytes: ${repr(sample)})`);
      this.close();
      return;
    }
    this.#run();
  }

  #onEnd(): void {
    this.#peerEnded = true;
    this.#deps.log('verbose', `Client closed connection ${this.info()}`);
    this.#run();
  }

  #onDrain(): void {
    if (!this.#draining) return;
    this.#draining = false;
    this.#run();
  }

  /** processInputBuffer: run every complete request, in order, until one must be waited for. */
  #run(): void {
    if (this.#closed) return;
    let inputDone = false;
    while (!this.#closed && !this.#busy && !this.#draining && !this.closeAfterReply && this.#slots.length < MAX_OVERLAP) {
      if (this.outputBytes() > OUTPUT_HIGH_WATER) {
        // Hand the replies to the socket before deciding to wait: a write the kernel takes
        // whole returns true and never emits 'drain', so waiting for one would stall this
        // client for good (every reply over 64 KiB did: SENTINEL MASTERS at ~110 masters).
        this.#flush();
        if (this.#socket.writableLength > OUTPUT_HIGH_WATER) {
          this.#draining = true;
          break;
        }
      }
      const r = this.#reader.next();
      if (r.kind === 'need-more') {
        inputDone = true;
        break;
      }
      if (r.kind === 'error') {
        this.#protocolError(r.message, r.reason);
        break;
      }
      const result = this.#dispatch(r.argv);
      if (isPromise(result)) {
        const slot: ReplySlot = { bytes: null };
        this.#slots.push(slot);
        const overlap = isOverlapping(result);
        if (!overlap) this.#busy = true;
        result.then(
          (res) => this.#settled(slot, res, overlap),
          (e: unknown) => this.#settled(slot, this.#internalError(e), overlap),
        );
        if (overlap) continue;
        break;
      }
      this.#appendResult(result);
    }
    this.#scheduleFlush();
    this.#updateReading();
    if (this.closeAfterReply || (this.#peerEnded && inputDone)) this.#finish();
  }

  #dispatch(argv: string[]): CommandResult | PromiseLike<CommandResult> {
    this.#executing = true;
    this.#runningArgvBytes = argv.reduce((n, a) => n + a.length, 0);
    try {
      return this.#deps.dispatch(this, argv);
    } catch (e) {
      return this.#internalError(e);
    } finally {
      this.#executing = false;
    }
  }

  #settled(slot: ReplySlot, result: CommandResult, overlap: boolean): void {
    if (!overlap) this.#busy = false;
    if (this.#closed) return;
    slot.bytes = this.#encode(result);
    // the replies at the head that are known go out, in order ('' too: a reply of nothing)
    while (this.#slots.length > 0 && this.#slots[0]!.bytes !== null) this.#append(this.#slots.shift()!.bytes!);
    this.#run();
  }

  /** A command's reply is pending (awaited, or queued behind one that is). */
  #waiting(): boolean {
    return this.#busy || this.#slots.length > 0;
  }

  #internalError(e: unknown): Reply {
    const msg = e instanceof Error ? e.stack ?? e.message : String(e);
    this.#deps.log('warning', `Internal error running a command for client id=${this.id}: ${msg}`);
    return err('ERR internal error');
  }

  /** setProtocolError: reply, log at verbose, close once the reply is out. */
  #protocolError(message: string, reason: string): void {
    this.#appendInOrder(renderReplies(err(`ERR ${message}`), this.resp));
    const q = this.#reader.buffered();
    const half = PROTO_DUMP_LEN / 2;
    const sample = q.length < PROTO_DUMP_LEN
      ? `'${q.toString('latin1')}'`
      : `'${q.toString('latin1', 0, half)}' (... more ${q.length - PROTO_DUMP_LEN} bytes ...) ` +
        `'${q.toString('latin1', q.length - half)}'`;
    // Redis formats the sample into a 256-byte buffer, so it is cut at 255 characters.
    this.#deps.log('verbose', `Protocol error (${reason}) from client: ${this.info()}. ` +
      printable(`Query buffer during protocol error: ${sample}`.slice(0, 255)));
    this.closeAfterReply = true;
  }

  // ---- Writing ---------------------------------------------------------------------------

  /** A reply in its place: after every reply still awaited. */
  #appendResult(result: CommandResult): void {
    if (this.#closed) return;
    this.#appendInOrder(this.#encode(result));
  }

  #appendInOrder(bytes: Output): void {
    if (this.#slots.length > 0) this.#slots.push({ bytes });
    else this.#append(bytes);
  }

  #encode(result: CommandResult): Output {
    try {
      return renderReplies(result, this.resp);
    } catch (e) {
      // a malformed Reply from a handler must not take the process down
      return renderReplies(this.#internalError(e), this.resp);
    }
  }

  #append(bytes: Output): void {
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (typeof bytes !== 'string') this.#pendingBuffers = true;
    this.#checkOutputLimits();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#pending.length === 0) return;
    this.#flushScheduled = true;
    if (writeQueue.length === 0) setImmediate(writeQueued);
    writeQueue.push(this.#flushQueued);
  }

  #flush(): void {
    if (this.#closed || this.#pending.length === 0) return;
    const pending = this.#pending;
    const data = pending.length === 1 ? pending[0]!
      : !this.#pendingBuffers ? pending.join('')
      : Buffer.concat(pending.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)), this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pendingBuffers = false;
    this.#deps.stats.totalNetOutputBytes += data.length;
    this.lastInteraction = this.#deps.clock.monotonic();
    if (typeof data === 'string') this.#socket.write(data, 'latin1');
    else this.#socket.write(data);
  }

  /**
   * networking.c checkClientOutputBufferLimits, for the pubsub class (a client with any
   * subscription): close at the hard limit, or when over the soft limit for longer than
   * soft-seconds. Normal clients have no limit by default (`normal 0 0 0`).
   */
  #checkOutputLimits(): void {
    if (this.channels.size + this.patterns.size === 0) return;
    const limit = this.#deps.pubsubLimit();
    const used = this.outputBytes();
    const hard = limit.hard > 0 && used >= limit.hard;
    let soft = limit.soft > 0 && used >= limit.soft;
    if (soft) {
      const now = this.#deps.clock.monotonic();
      if (this.#softLimitSince === 0) {
        this.#softLimitSince = now;
        soft = false;
      } else if (now - this.#softLimitSince <= limit.softSeconds * 1000) {
        soft = false;
      }
    } else {
      this.#softLimitSince = 0;
    }
    if (!hard && !soft) return;
    this.#deps.log('warning', `Client ${this.info()} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.close();
  }

  #updateReading(): void {
    if (this.#closed) return;
    const pause = this.#busy || this.#draining || this.#slots.length >= MAX_OVERLAP;
    if (pause === this.#paused) return;
    this.#paused = pause;
    if (pause) this.#socket.pause();
    else this.#socket.resume();
  }

  /** Close after the last reply: QUIT, CLIENT KILL of self, a protocol error, or EOF. */
  #finish(): void {
    if (this.#closed || this.#waiting()) return;
    this.#flush();
    this.#closed = true;
    const socket = this.#socket;
    socket.end(() => socket.destroy());
  }

  #onClosed(): void {
    reclaimAfterClose(this.#reader.bufferedBytes());
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#deps.onClose(this);
  }
}
