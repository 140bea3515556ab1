/**
 * Renders Reply values as RESP2 or RESP3 bytes. PURE.
 *
 * Strings are latin1 byte strings: one char is one byte, so a bulk's length is its string
 * length. Headers and small strings are gathered into one JS string and encoded once; Buffer
 * payloads are passed through without a copy until the final concat. `renderReplies` leaves an
 * all-text rendering as the string: a socket writes a short latin1 string straight from the
 * stack, where a Buffer made for it costs an allocation and a copy per reply.
 */
import type { Reply } from './reply.js';

export type Proto = 2 | 3;

/** Strings at least this long are encoded on their own rather than joined into the header run. */
const LARGE_STRING = 64 * 1024;

/**
 * `$n\r\n`, `*n\r\n`… for small n, made once: headers built per reply were most of the garbage
 * a short reply left (GET-MASTER-ADDR-BY-NAME's rendering: ~340 bytes, ~190 with these).
 */
const CACHED_HEADERS = 256;
const header = (prefix: string): readonly string[] => Array.from({ length: CACHED_HEADERS }, (_, n) => `${prefix}${n}\r\n`);
const BULK_HEADERS = header('$');
const ARRAY_HEADERS = header('*');
const MAP_HEADERS = header('%');
const PUSH_HEADERS = header('>');

const lengthLine = (headers: readonly string[], prefix: string, n: number): string =>
  n < CACHED_HEADERS ? headers[n]! : `${prefix}${n}\r\n`;

/** a short bulk string: header, text and terminator appended in turn, no template string between */
function shortBulk(out: Sink, s: string): void {
  out.str(lengthLine(BULK_HEADERS, '$', s.length));
  out.str(s);
  out.str('\r\n');
}

/**
 * Error and status lines cannot carry CR or LF: Redis replaces them with spaces
 * (networking.c addReplyErrorFormat / addReplyStatusFormat) so the stream stays parseable.
 */
const oneLine = (s: string): string => (/[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s);

class Sink {
  /** null until a Buffer part comes: most replies are text only */
  parts: Buffer[] | null = null;
  text = '';
  size = 0;

  str(s: string): void {
    this.text += s;
  }

  buf(b: Buffer): void {
    this.flushText();
    (this.parts ??= []).push(b);
    this.size += b.length;
  }

  flushText(): void {
    if (this.text.length === 0) return;
    const b = Buffer.from(this.text, 'latin1');
    (this.parts ??= []).push(b);
    this.size += b.length;
    this.text = '';
  }

  /** the text itself when no Buffer part was added */
  toStringOrBuffer(): string | Buffer {
    return this.parts === null ? this.text : this.toBuffer();
  }

  toBuffer(): Buffer {
    this.flushText();
    const parts = this.parts ?? [];
    if (parts.length === 1) return parts[0]!;
    return Buffer.concat(parts, this.size);
  }
}

function write(out: Sink, r: Reply, proto: Proto): void {
  switch (r.t) {
    case 'simple':
      out.str(`+${oneLine(r.s)}\r\n`);
      return;
    case 'error':
      out.str(`-${oneLine(r.s)}\r\n`);
      return;
    case 'int':
      out.str(`:${String(r.n)}\r\n`);
      return;
    case 'bulk':
      if (typeof r.b === 'string') {
        if (r.b.length >= LARGE_STRING) {
          out.str(`$${r.b.length}\r\n`);
          out.buf(Buffer.from(r.b, 'latin1'));
          out.str('\r\n');
        } else {
          shortBulk(out, r.b);
        }
      } else {
        out.str(`$${r.b.length}\r\n`);
        out.buf(r.b);
        out.str('\r\n');
      }
      return;
    case 'null-bulk':
      out.str(proto === 3 ? '_\r\n' : '$-1\r\n');
      return;
    case 'null-array':
      out.str(proto === 3 ? '_\r\n' : '*-1\r\n');
      return;
    case 'array':
      out.str(lengthLine(ARRAY_HEADERS, '*', r.items.length));
      for (const item of r.items) write(out, item, proto);
      return;
    case 'push':
      out.str(proto === 3 ? lengthLine(PUSH_HEADERS, '>', r.items.length) : lengthLine(ARRAY_HEADERS, '*', r.items.length));
      for (const item of r.items) write(out, item, proto);
      return;
    case 'map':
      out.str(proto === 3 ? lengthLine(MAP_HEADERS, '%', r.entries.length) : lengthLine(ARRAY_HEADERS, '*', r.entries.length * 2));
      for (const [k, v] of r.entries) {
        shortBulk(out, k);
        write(out, v, proto);
      }
      return;
    case 'raw':
      out.buf(r.bytes);
      return;
    default:
      return assertNever(r);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown reply kind ${JSON.stringify(x)}`);
}

/** The bytes of one reply. */
export function writeReply(reply: Reply, proto: Proto): Buffer {
  const out = new Sink();
  write(out, reply, proto);
  return out.toBuffer();
}

/** The bytes of several replies in a row (a pipelined batch, or SUBSCRIBE's confirmations). */
export function writeReplies(replies: readonly Reply[], proto: Proto): Buffer {
  const out = new Sink();
  for (const r of replies) write(out, r, proto);
  return out.toBuffer();
}

/** One reply or several in a row, as a latin1 string (one char per byte) when it is all text, else as bytes. */
export function renderReplies(replies: Reply | readonly Reply[], proto: Proto): string | Buffer {
  const out = new Sink();
  if (Array.isArray(replies)) for (const r of replies as readonly Reply[]) write(out, r, proto);
  else write(out, replies as Reply, proto);
  return out.toStringOrBuffer();
}
