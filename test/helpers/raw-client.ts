import { connect, type Socket } from 'node:net';

/** A reply as the test sees it: the exact bytes and a decoded value. */
export type Value = string | number | null | Value[] | { error: string } | { push: Value[] } | { map: [Value, Value][] };

/**
 * Parses one RESP2/RESP3 reply at `offset`; returns the value and the offset after it, or null
 * when the buffer holds only part of it. Test-side only (the server has its own writer).
 */
export function parseReply(buf: Buffer, offset = 0): { value: Value; end: number } | null {
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString('latin1', offset + 1, eol);
  const next = eol + 2;
  const aggregate = (n: number, pairs: boolean) => {
    const items: Value[] = [];
    let at = next;
    for (let i = 0; i < (pairs ? n * 2 : n); i++) {
      const r = parseReply(buf, at);
      if (!r) return null;
      items.push(r.value);
      at = r.end;
    }
    return { items, end: at };
  };
  switch (type) {
    case '+': return { value: line, end: next };
    case '-': return { value: { error: line }, end: next };
    case ':': return { value: Number(line), end: next };
    case '_': return { value: null, end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('latin1', next, next + len), end: next + len + 2 };
    }
    case '*': case '>': case '%': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const r = aggregate(n, type === '%');
      if (!r) return null;
      if (type === '*') return { value: r.items, end: r.end };
      if (type === '>') return { value: { push: r.items }, end: r.end };
      const map: [Value, Value][] = [];
      for (let i = 0; i < r.items.length; i += 2) map.push([r.items[i]!, r.items[i + 1]!]);
      return { value: { map }, end: r.end };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', offset))}`);
  }
}

/** RESP encoding of a command, as redis-cli sends it. */
export const encodeCommand = (...args: string[]): Buffer =>
  Buffer.concat([
    Buffer.from(`*${args.length}\r\n`),
    ...args.map((a) => Buffer.concat([Buffer.from(`$${Buffer.byteLength(a, 'latin1')}\r\n`), Buffer.from(a, 'latin1'), Buffer.from('\r\n')])),
  ]);

/**
 * A bare socket to a RESP server that returns replies with their exact bytes, so tests can
 * compare Argus and redis-sentinel byte for byte.
 */
export class RawClient {
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host);
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  send(data: Buffer | string): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The next complete reply: its bytes and value. Rejects on close or after `timeout`. */
  async read(timeout = 5_000): Promise<{ raw: string; value: Value }> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const r = parseReply(this.#buf);
      if (r) {
        const raw = this.#buf.toString('latin1', 0, r.end);
        this.#buf = this.#buf.subarray(r.end);
        return { raw, value: r.value };
      }
      if (this.#closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeout} ms (have ${JSON.stringify(this.#buf.toString('latin1'))})`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Sends one command and returns its reply. */
  async call(...args: string[]): Promise<{ raw: string; value: Value }> {
    this.send(encodeCommand(...args));
    return this.read();
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeout = 5_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!this.#closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((res) => {
        const t = setTimeout(res, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Redis flat field/value array (or RESP3 map) to an object, as clients read instance maps. */
export function fields(v: Value): Record<string, Value> {
  const out: Record<string, Value> = {};
  if (Array.isArray(v)) for (let i = 0; i < v.length; i += 2) out[String(v[i])] = v[i + 1]!;
  else if (v && typeof v === 'object' && 'map' in v) for (const [k, val] of v.map) out[String(k)] = val;
  return out;
}
