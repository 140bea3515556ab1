/**
 * The request parser: bytes in through `push`, commands out through `next`. PURE: no socket, no
 * clock. A port of networking.c's processInputBuffer / processInlineBuffer /
 * processMultibulkBuffer, including their quirks, because clients and fuzzers can see them:
 *
 * - The request type is decided by the first byte: `*` is multibulk, anything else is inline.
 * - Line terminators are found with `strchr` on a NUL-terminated buffer, so a NUL byte before
 *   the terminator hides it: the reader waits (and fails only past the 64 KB line limit).
 * - Multibulk header and bulk-length lines end at `\r`; the byte after it is skipped unchecked.
 *   Likewise the two bytes after a bulk payload are skipped, not checked for `\r\n`.
 * - `*0` and negative counts are consumed without producing a command; so are blank inline lines.
 * - Numbers are parsed with `string2ll` rules: no `+`, no leading zeros, no `-0`, < 21 bytes.
 *
 * Arguments are decoded as latin1 so every byte survives as one char.
 */
import { constants as bufferConstants } from 'node:buffer';
import { splitArgs } from '../config/tokenize.js';

export interface ReaderLimits {
  /** PROTO_INLINE_MAX_SIZE: longest inline request or header line without its terminator */
  readonly inlineMaxSize?: number;
  /** proto-max-bulk-len */
  readonly maxBulkLen?: number;
  /** largest multibulk count (networking.c: INT_MAX) */
  readonly maxMultibulkLen?: number;
  /**
   * True while the connection still has to authenticate (networking.c `authRequired`): the
   * count and bulk-length caps for unauthenticated clients then apply.
   */
  readonly authRequired?: () => boolean;
}

export type ReaderResult =
  | { readonly kind: 'command'; readonly argv: string[] }
  | { readonly kind: 'need-more' }
  /**
   * `message` is Redis's reply text without the `ERR ` code (`Protocol error: ...`); `reason` is
   * the short form Redis logs (`Protocol error (<reason>) from client: ...`). The reader stays in
   * the error state: the connection must reply `-ERR <message>` and close.
   */
  | { readonly kind: 'error'; readonly message: string; readonly reason: string };

export const DEFAULT_INLINE_MAX_SIZE = 64 * 1024;
export const DEFAULT_MAX_BULK_LEN = 512 * 1024 * 1024;
export const DEFAULT_MAX_MULTIBULK_LEN = 2_147_483_647;
/** networking.c: unauthenticated clients may send at most 10 arguments of at most 16 KB */
const UNAUTH_MAX_MULTIBULK_LEN = 10;
const UNAUTH_MAX_BULK_LEN = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
/** util.h LONG_STR_SIZE: string2ll refuses inputs of 21 bytes or more */
const LONG_STR_SIZE = 21;
/** The smallest buffer the reader allocates for itself (Redis reads 16 KB at a time). */
const MIN_CAPACITY = 16 * 1024;
/**
 * A bulk payload at least this long is copied, as it arrives, into blocks the reader allocates
 * (and joined once the whole of it is in). Growing one buffer by doubling allocated about four
 * times the bytes received; keeping the socket's own 64 KB chunks left them in the C heap among
 * longer-lived allocations, so the pages stayed resident after the client went: rounds of 8
 * clients sending 2 MB of a 512 MB bulk and closing left the main heap (brk) at 20-45 MB where
 * it had been 4 MB, and up to 36 MB of RSS above the baseline, where redis-sentinel's stayed
 * flat (test/integration/fuzz-server.test.ts).
 */
const GATHER_MIN_BULK = 64 * 1024;
/**
 * A payload with more than this still to come gets a block of GATHER_RESERVE bytes, even when
 * less remains (a smaller block could come from the heap); a smaller one gets a block of
 * exactly what remains.
 */
const GATHER_EXACT_MAX = 1024 * 1024;
/**
 * glibc serves an allocation of 32 MiB or more (its largest dynamic mmap threshold on 64-bit)
 * with a mapping of its own, touched page by page as bytes land and unmapped when freed: RSS
 * holds what was received, and gives it all back when the client goes. Smaller blocks may come
 * from the heap once glibc has raised its threshold, and leave holes there. Only address space
 * is reserved, a sixteenth of what a 512 MB bulk announces; Redis reserves the announced length.
 */
const GATHER_RESERVE = 32 * 1024 * 1024;

const NEED_MORE: ReaderResult = { kind: 'need-more' };

/** util.c string2ll over buf[from, to): the parsed value, or null where Redis refuses it. */
export function parseLongLong(buf: Buffer, from: number, to: number): bigint | number | null {
  const len = to - from;
  if (len <= 0 || len >= LONG_STR_SIZE) return null;
  if (len === 1 && buf[from] === 0x30) return 0;
  let i = from;
  const negative = buf[i] === 0x2d;
  if (negative) {
    i++;
    if (i === to) return null;
  }
  const first = buf[i]!;
  if (first < 0x31 || first > 0x39) return null;
  for (let j = i + 1; j < to; j++) {
    const c = buf[j]!;
    if (c < 0x30 || c > 0x39) return null;
  }
  const digits = to - i;
  if (digits <= 15) {
    // exact in a double; summing digits spares a string per header line of every request
    let v = 0;
    for (let j = i; j < to; j++) v = v * 10 + (buf[j]! - 0x30);
    return negative ? -v : v;
  }
  // Beyond 2^53 only BigInt tells an in-range value from an overflow exactly.
  const v = BigInt(buf.toString('latin1', i, to));
  const signed = negative ? -v : v;
  if (signed > 9_223_372_036_854_775_807n || signed < -9_223_372_036_854_775_808n) return null;
  return signed;
}

/** Requests of up to this many arguments get an argv of their size at once; a claimed count is not trusted past it. */
const ARGV_PRESIZE = 16;
/** #argv between requests: never written to */
const NO_ARGS: string[] = [];

/** Arguments up to this long are looked up in the recent-argument cache. */
const INTERN_MAX_LEN = 32;
const INTERN_SLOTS = 256;
/**
 * Recent short arguments, direct-mapped by a hash of their bytes. Clients send the same few words
 * over and over (`sentinel`, `get-master-addr-by-name`, a master's name): handing back the string
 * made last time costs less than decoding a new one, and a string that has been a Map key
 * already carries its hash, so the command and master lookups that follow skip hashing it.
 * In-process, decoding and looking up `sentinel get-master-addr-by-name` went from ~200 to
 * ~125 ns.
 */
const internSlots: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** buf[from, to) as a latin1 string: a recent equal one when there is one. */
function argString(buf: Buffer, from: number, to: number): string {
  const len = to - from;
  if (len > INTERN_MAX_LEN) return buf.toString('latin1', from, to);
  let h = len;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
  const slot = (h ^ (h >>> 8)) & (INTERN_SLOTS - 1);
  const seen = internSlots[slot]!;
  if (seen.length === len) {
    let i = 0;
    while (i < len && seen.charCodeAt(i) === buf[from + i]) i++;
    if (i === len) return seen;
  }
  const made = buf.toString('latin1', from, to);
  internSlots[slot] = made;
  return made;
}

const gt = (v: bigint | number, limit: number): boolean => (typeof v === 'bigint' ? v > BigInt(limit) : v > limit);

export class CommandReader {
  readonly #inlineMax: number;
  readonly #maxBulk: number;
  readonly #maxCount: number;
  readonly #authRequired: () => boolean;

  /** Unparsed bytes live in #buf[#start, #end); #owned says whether #buf may be written to. */
  #buf: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #owned = false;
  /** Full blocks of a large bulk payload not joined into #buf yet (GATHER_MIN_BULK). */
  #parts: Buffer[] = [];
  /** The block being filled, and how much of it is */
  #block: Buffer | null = null;
  #blockUsed = 0;
  /** bytes in #parts and #block */
  #partsBytes = 0;
  /** Where the search for the current line's terminator resumes, so no byte is scanned twice. */
  #scan = 0;
  /** A NUL was seen in the current line: strchr can no longer find its terminator. */
  #nulInLine = false;

  /** 0 = between requests (reqtype unknown), else the request type in progress. */
  #reqType: 0 | 'inline' | 'multibulk' = 0;
  /** arguments still to read in the current multibulk request */
  #multibulkLen = 0;
  /** length of the bulk being read, or -1 when its `$` line is still to come */
  #bulkLen = -1;
  #argv: string[] = NO_ARGS;
  /** arguments of the current multibulk request read so far */
  #argc = 0;
  #argvBytes = 0;
  #failed: ReaderResult | null = null;

  constructor(limits: ReaderLimits = {}) {
    this.#inlineMax = limits.inlineMaxSize ?? DEFAULT_INLINE_MAX_SIZE;
    this.#maxBulk = limits.maxBulkLen ?? DEFAULT_MAX_BULK_LEN;
    this.#maxCount = limits.maxMultibulkLen ?? DEFAULT_MAX_MULTIBULK_LEN;
    this.#authRequired = limits.authRequired ?? (() => false);
  }

  /** Bytes received and not yet parsed (CLIENT LIST qbuf). */
  bufferedBytes(): number {
    return this.#end - this.#start + this.#partsBytes;
  }

  /** Spare room in the query buffer (CLIENT LIST qbuf-free). */
  freeBytes(): number {
    return this.#owned ? this.#buf.length - this.#end : 0;
  }

  /** Bytes of the arguments parsed so far for the request in progress (argv-mem). */
  pendingArgvBytes(): number {
    return this.#argvBytes;
  }

  /** The unparsed bytes, without a copy (for protocol-error log lines: nothing is being gathered then). */
  buffered(): Buffer {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /**
   * The first `n` unparsed bytes, the chunks of a big bulk being gathered included: a big
   * argument's bytes may all sit in those (for the query-buffer log line's sample).
   */
  head(n: number): Buffer {
    const live = this.buffered();
    if (live.length >= n || this.#partsBytes === 0) return live.subarray(0, n);
    // concat copies no more than the length asked for
    return Buffer.concat([live, ...this.#gathered()], Math.min(n, this.bufferedBytes()));
  }

  /** The blocks of the bulk being gathered, each cut to the bytes it holds. */
  #gathered(): Buffer[] {
    return this.#block === null ? this.#parts : [...this.#parts, this.#block.subarray(0, this.#blockUsed)];
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#failed) return;
    const live = this.#end - this.#start;
    if (this.#bulkLen >= GATHER_MIN_BULK) {
      this.#gather(chunk, live);
      return;
    }
    if (live === 0) {
      // Common case: the previous chunk was consumed whole. Adopt the new one without a copy
      // (it is only ever read, so sharing the socket's buffer is safe).
      this.#buf = chunk;
      this.#start = 0;
      this.#end = chunk.length;
      this.#scan = 0;
      this.#owned = false;
      return;
    }
    if (this.#owned && this.#end + chunk.length <= this.#buf.length) {
      chunk.copy(this.#buf, this.#end);
      this.#end += chunk.length;
      return;
    }
    // Grow or compact. Capacity at least doubles the live data, so fragmented input costs
    // amortised O(1) per byte. A declared bulk length is not reserved up front: a client could
    // announce 512 MB and send nothing (CVE-2021-32675 is that attack on Redis).
    const required = live + chunk.length;
    let target: Buffer;
    if (this.#owned && required <= this.#buf.length / 2) {
      target = this.#buf;
      this.#buf.copy(target, 0, this.#start, this.#end);
    } else {
      const capacity = Math.min(Math.max(required * 2, MIN_CAPACITY), bufferConstants.MAX_LENGTH);
      target = Buffer.allocUnsafe(Math.max(capacity, required));
      this.#buf.copy(target, 0, this.#start, this.#end);
    }
    chunk.copy(target, live);
    this.#scan -= this.#start;
    this.#buf = target;
    this.#start = 0;
    this.#end = required;
    this.#owned = true;
  }

  /** Copies a chunk of a large bulk into the reader's blocks; the socket's chunk is then garbage. */
  #gather(chunk: Buffer, live: number): void {
    const wanted = this.#bulkLen + 2 - live;
    for (let from = 0; from < chunk.length;) {
      if (this.#block === null) {
        const remaining = wanted - this.#partsBytes;
        const size = remaining <= GATHER_EXACT_MAX ? remaining : GATHER_RESERVE;
        // allocUnsafeSlow: a block of its own, never a slice of Node's shared pool
        this.#block = Buffer.allocUnsafeSlow(Math.max(size, chunk.length - from));
        this.#blockUsed = 0;
      }
      const copied = chunk.copy(this.#block, this.#blockUsed, from);
      from += copied;
      this.#blockUsed += copied;
      this.#partsBytes += copied;
      if (this.#blockUsed === this.#block.length) {
        this.#parts.push(this.#block);
        this.#block = null;
      }
    }
    if (this.#partsBytes >= wanted) this.#joinParts(live);
  }

  /** The whole payload is in: one buffer of exactly the bytes held, owned by the reader. */
  #joinParts(live: number): void {
    const parts = this.#gathered();
    // a payload that arrived after its header, into one exact block, is used as it is
    const target = live === 0 && parts.length === 1 ? parts[0]! : Buffer.allocUnsafe(live + this.#partsBytes);
    if (target !== parts[0]) {
      this.#buf.copy(target, 0, this.#start, this.#end);
      let at = live;
      for (const part of parts) at += part.copy(target, at);
    }
    this.#scan -= this.#start;
    this.#buf = target;
    this.#start = 0;
    this.#end = target.length;
    this.#owned = true;
    this.#parts = [];
    this.#block = null;
    this.#partsBytes = 0;
  }

  /** The next complete command, `need-more`, or the protocol error that ends the connection. */
  next(): ReaderResult {
    if (this.#failed) return this.#failed;
    for (;;) {
      if (this.#reqType === 0) {
        if (this.#start === this.#end) {
          this.#release();
          return NEED_MORE;
        }
        this.#reqType = this.#buf[this.#start] === 0x2a ? 'multibulk' : 'inline';
        this.#scan = this.#start;
        this.#nulInLine = false;
      }
      const r = this.#reqType === 'inline' ? this.#inline() : this.#multibulk();
      if (r.kind !== 'command' || r.argv.length > 0) return r;
      // Blank inline line or `*0`/`*-n`: networking.c resets the client and carries on.
    }
  }

  #fail(message: string, reason: string): ReaderResult {
    this.#failed = { kind: 'error', message: `Protocol error: ${message}`, reason };
    return this.#failed;
  }

  /** Drop a large buffer once it is empty, as clientsCron trims idle query buffers. */
  #release(): void {
    if (this.#buf.length > MIN_CAPACITY * 4) {
      this.#buf = Buffer.alloc(0);
      this.#owned = false;
    }
    this.#start = this.#end = this.#scan = 0;
  }

  /**
   * strchr(buf + start, byte) on a NUL-terminated buffer: the terminator's offset, or -1 when it
   * has not arrived or a NUL byte comes first. Resumes where the last call stopped.
   */
  #findLine(byte: number): number {
    if (this.#nulInLine) return -1;
    // A byte loop, not indexOf: request lines are a few bytes long, and indexOf bounded to
    // [#scan, #end) took two subarray views per line, more than the search itself.
    const buf = this.#buf;
    const end = this.#end;
    for (let i = this.#scan; i < end; i++) {
      const c = buf[i]!;
      if (c === byte) {
        this.#scan = i;
        return i;
      }
      if (c === NUL) {
        this.#nulInLine = true;
        return -1;
      }
    }
    this.#scan = end;
    return -1;
  }

  #lineDone(next: number): void {
    this.#start = next;
    this.#scan = next;
    this.#nulInLine = false;
  }

  /** processInlineBuffer */
  #inline(): ReaderResult {
    const nl = this.#findLine(LF);
    if (nl === -1) {
      if (this.#end - this.#start > this.#inlineMax) return this.#fail('too big inline request', 'too big inline request');
      return NEED_MORE;
    }
    // A `\r` before the `\n` belongs to the terminator.
    const lineEnd = nl > this.#start && this.#buf[nl - 1] === CR ? nl - 1 : nl;
    const line = this.#buf.toString('latin1', this.#start, lineEnd);
    const argv = splitArgs(line);
    if (argv === null) return this.#fail('unbalanced quotes in request', 'unbalanced quotes in inline request');
    this.#lineDone(nl + 1);
    this.#reqType = 0;
    return { kind: 'command', argv };
  }

  /** processMultibulkBuffer */
  #multibulk(): ReaderResult {
    if (this.#multibulkLen === 0) {
      const cr = this.#findLine(CR);
      if (cr === -1) {
        if (this.#end - this.#start > this.#inlineMax) {
          return this.#fail('too big mbulk count string', 'too big mbulk count string');
        }
        return NEED_MORE;
      }
      // The line is complete only once the byte after `\r` is in too.
      if (cr > this.#end - 2) return NEED_MORE;
      const ll = parseLongLong(this.#buf, this.#start + 1, cr);
      if (ll === null || gt(ll, this.#maxCount)) return this.#fail('invalid multibulk length', 'invalid mbulk count');
      if (gt(ll, UNAUTH_MAX_MULTIBULK_LEN) && this.#authRequired()) {
        return this.#fail('unauthenticated multibulk length', 'unauth mbulk count');
      }
      this.#lineDone(cr + 2);
      if (!gt(ll, 0)) {
        this.#reqType = 0;
        return { kind: 'command', argv: [] };
      }
      this.#multibulkLen = Number(ll);
      // sized up front when small: grown by push, a 3-word argv took a 17-slot store
      this.#argv = this.#multibulkLen <= ARGV_PRESIZE ? new Array<string>(this.#multibulkLen) : [];
      this.#argc = 0;
      this.#argvBytes = 0;
    }

    while (this.#multibulkLen > 0) {
      if (this.#bulkLen === -1) {
        const cr = this.#findLine(CR);
        if (cr === -1) {
          if (this.#end - this.#start > this.#inlineMax) {
            return this.#fail('too big bulk count string', 'too big bulk count string');
          }
          return NEED_MORE;
        }
        if (cr > this.#end - 2) return NEED_MORE;
        const first = this.#buf[this.#start]!;
        if (first !== 0x24) {
          // `%c` of a NUL ends the C string there.
          const got = first === NUL ? '' : String.fromCharCode(first);
          return this.#fail(
            first === NUL ? "expected '$', got '" : `expected '$', got '${got}'`,
            'expected $ but got something else',
          );
        }
        const ll = parseLongLong(this.#buf, this.#start + 1, cr);
        if (ll === null || ll < 0 || gt(ll, this.#maxBulk)) {
          return this.#fail('invalid bulk length', 'invalid bulk length');
        }
        if (gt(ll, UNAUTH_MAX_BULK_LEN) && this.#authRequired()) {
          return this.#fail('unauthenticated bulk length', 'unauth bulk length');
        }
        this.#lineDone(cr + 2);
        this.#bulkLen = Number(ll);
      }
      // The payload and the two bytes after it (meant to be \r\n, never checked).
      if (this.#end - this.#start < this.#bulkLen + 2) return NEED_MORE;
      if (this.#bulkLen > bufferConstants.MAX_STRING_LENGTH) {
        // Only reachable when proto-max-bulk-len is raised past what V8 can hold as a string.
        return this.#fail('invalid bulk length', 'bulk larger than the runtime string limit');
      }
      this.#argv[this.#argc++] = argString(this.#buf, this.#start, this.#start + this.#bulkLen);
      this.#argvBytes += this.#bulkLen;
      this.#lineDone(this.#start + this.#bulkLen + 2);
      this.#bulkLen = -1;
      this.#multibulkLen--;
    }

    const argv = this.#argv;
    this.#argv = NO_ARGS;
    this.#argvBytes = 0;
    this.#reqType = 0;
    return { kind: 'command', argv };
  }
}
