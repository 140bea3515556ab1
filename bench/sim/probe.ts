/**
 * Probes that measure a sentinel from outside: a fixed-rate PING stream (its round trips show
 * how long the main thread's event loop takes to come round to a client, which cannot be
 * instrumented from another process) and a timed command whose reply may be megabytes long
 * (`SENTINEL MASTERS` at thousands of masters), counted without decoding it.
 */
import { connect, type Socket } from 'node:net';

/**
 * Counts complete top-level RESP replies in a byte stream, skipping bulk payloads without
 * copying them, so a 10 MB reply costs one pass over its headers.
 */
export class ReplyCounter {
  /** items still expected by each open aggregate, innermost last */
  readonly #open: number[] = [];
  /** payload bytes (with their CRLF) still to skip */
  #skip = 0;
  #line = '';
  #skipping = false;

  /** Feeds bytes; returns how many top-level replies they completed. */
  feed(chunk: Buffer): number {
    let done = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.#skipping) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        if (this.#skip === 0) {
          this.#skipping = false;
          done += this.#itemDone();
        }
        continue;
      }
      const nl = chunk.indexOf(10, i);
      if (nl < 0) {
        this.#line += chunk.toString('latin1', i);
        break;
      }
      const line = this.#line + chunk.toString('latin1', i, nl);
      this.#line = '';
      i = nl + 1;
      const type = line[0];
      const n = Number.parseInt(line.slice(1), 10);
      if (type === '$' || type === '=' || type === '!') {
        if (n < 0) done += this.#itemDone();
        else {
          this.#skip = n + 2;
          this.#skipping = true;
        }
      } else if (type === '*' || type === '>' || type === '~' || type === '%' || type === '|') {
        const items = type === '%' || type === '|' ? n * 2 : n;
        if (items <= 0) done += this.#itemDone();
        else this.#open.push(items);
      } else {
        done += this.#itemDone();
      }
    }
    return done;
  }

  /** One item ended: close every aggregate it completes; 1 if a top-level reply ended. */
  #itemDone(): number {
    for (;;) {
      const last = this.#open.length - 1;
      if (last < 0) return 1;
      if (--this.#open[last]! > 0) return 0;
      this.#open.pop();
    }
  }
}

const encode = (args: readonly string[]): Buffer =>
  Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`, 'latin1');

function open(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host, noDelay: true });
    s.once('connect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
    s.once('error', reject);
  });
}

export interface PingSample {
  /** performance.now() when the PING was written */
  readonly sentAt: number;
  readonly rttMs: number;
}

/**
 * PING every `intervalMs` on one connection whatever the replies do (pipelined), so a stall
 * of the server shows in every PING sent during it, not only in the first.
 */
export class Pinger {
  readonly samples: PingSample[] = [];
  readonly #socket: Socket;
  readonly #sent: number[] = [];
  readonly #counter = new ReplyCounter();
  readonly #timer: NodeJS.Timeout;
  static readonly #PING = encode(['PING']);

  private constructor(socket: Socket, intervalMs: number) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      const at = performance.now();
      for (let n = this.#counter.feed(d); n > 0; n--) {
        const sentAt = this.#sent.shift();
        if (sentAt !== undefined) this.samples.push({ sentAt, rttMs: at - sentAt });
      }
    });
    this.#timer = setInterval(() => {
      if (this.#socket.destroyed) return;
      this.#sent.push(performance.now());
      this.#socket.write(Pinger.#PING);
    }, intervalMs);
  }

  static async start(port: number, intervalMs = 20, host = '127.0.0.1'): Promise<Pinger> {
    return new Pinger(await open(port, host), intervalMs);
  }

  /** PINGs still unanswered, with the age of the oldest (a stall in progress). */
  outstanding(): { count: number; oldestMs: number } {
    const first = this.#sent[0];
    return { count: this.#sent.length, oldestMs: first === undefined ? 0 : performance.now() - first };
  }

  /** Samples whose PING was sent in [from, to). */
  between(from: number, to: number): number[] {
    return this.samples.filter((s) => s.sentAt >= from && s.sentAt < to).map((s) => s.rttMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#socket.destroy();
  }
}

/** A connection for one command at a time, timing each reply to its last byte and counting its bytes. */
export class TimedClient {
  readonly #socket: Socket;
  #waiter: ((r: { ms: number; bytes: number }) => void) | null = null;
  #counter = new ReplyCounter();
  #bytes = 0;
  #sentAt = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#bytes += d.length;
      if (this.#counter.feed(d) > 0 && this.#waiter) {
        const w = this.#waiter;
        this.#waiter = null;
        w({ ms: performance.now() - this.#sentAt, bytes: this.#bytes });
      }
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<TimedClient> {
    return new TimedClient(await open(port, host));
  }

  /** Sends one command; resolves with the time to its whole reply and its size, or rejects after `timeoutMs`. */
  call(args: readonly string[], timeoutMs = 60_000): Promise<{ ms: number; bytes: number }> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiter = null;
        this.#socket.destroy(); // a late reply would be counted as the next one's
        reject(new Error(`no reply to ${args[0]} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = (r) => {
        clearTimeout(t);
        resolve(r);
      };
      this.#counter = new ReplyCounter();
      this.#bytes = 0;
      this.#sentAt = performance.now();
      this.#socket.write(encode(args));
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
