/**
 * A client load for one sentinel, run as a forked child (see load.ts) so that its CPU is its own
 * process's and can be niced below the processes being measured. Raw sockets, no client library:
 *
 *   clients         each loops SENTINEL GET-MASTER-ADDR-BY-NAME with one request in flight;
 *   readers         SUBSCRIBE +switch-master, reading everything;
 *   patternReaders  PSUBSCRIBE *, reading everything;
 *   slow            named `slow-<i>`, PSUBSCRIBE *, then never read again (socket paused), so
 *                   the sentinel's output buffer for them grows until its pubsub limit.
 *
 * Messages from the parent: `arm` starts the window over which gaps between replies are measured,
 * `report` asks for the figures so far, `stop` closes every socket and exits after a last report.
 */
import { connect, type Socket } from 'node:net';
import { encodeCommand, parseReply } from './raw-client.js';

export interface LoadSpec {
  port: number;
  master: string;
  clients: number;
  readers: number;
  patternReaders: number;
  slow: number;
}

export type ToLoad = { type: 'start'; spec: LoadSpec } | { type: 'arm' } | { type: 'report' } | { type: 'stop' };

export interface LoadReport {
  /** replies per whole second, keyed by epoch second */
  perSecond: Record<number, number>;
  replies: number;
  errors: number;
  /** Date.now() of `arm`, or null */
  armedAt: number | null;
  /** the longest any one client went without a reply since `arm` (up to now), ms */
  maxGapMs: number;
  /** clients with no reply at all since `arm` */
  silentClients: number;
  /** per client, the first time (Date.now()) it was answered a port other than its first one */
  switchedAt: (number | null)[];
  /** readers and pattern readers that got a +switch-master message, and when (Date.now()) */
  readersSwitched: number;
  readerSwitchTimes: number[];
  /** sockets closed by the sentinel while the load ran (not counting the paused ones, which cannot see it) */
  closedByServer: number;
}

export type FromLoad = { type: 'ready' } | { type: 'report'; report: LoadReport } | { type: 'failed'; message: string };

const send = (m: FromLoad): void => {
  process.send!(m);
};

/** Connects `n` sockets, at most `batch` connecting at once (a burst of 1000 SYNs can overflow an accept backlog). */
async function connectMany(port: number, n: number, batch = 50): Promise<Socket[]> {
  const out: Socket[] = [];
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i);
    out.push(
      ...(await Promise.all(
        Array.from({ length: k }, () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connect(port, '127.0.0.1');
            s.setNoDelay(true);
            s.once('connect', () => resolve(s));
            s.once('error', reject);
          }),
        ),
      )),
    );
  }
  return out;
}

/** Writes `cmd` and resolves with the first reply. */
function ask(s: Socket, ...cmd: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const r = parseReply(buf);
      if (!r) return;
      s.off('data', onData);
      if (r.value !== null && typeof r.value === 'object' && 'error' in r.value) reject(new Error(r.value.error));
      else resolve();
    };
    s.on('data', onData);
    s.write(encodeCommand(...cmd));
  });
}

class Load {
  readonly #spec: LoadSpec;
  readonly #perSecond = new Map<number, number>();
  #replies = 0;
  #errors = 0;
  #armedAt: number | null = null;
  #lastReply: number[] = [];
  #maxGap: number[] = [];
  #firstPort: (string | null)[] = [];
  #switchedAt: (number | null)[] = [];
  #readerSwitchTimes: number[] = [];
  #closedByServer = 0;
  #stopping = false;
  readonly #sockets: Socket[] = [];

  constructor(spec: LoadSpec) {
    this.#spec = spec;
  }

  async start(): Promise<void> {
    const { port, master, clients, readers, patternReaders, slow } = this.#spec;
    const request = encodeCommand('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', master);
    const cs = await connectMany(port, clients);
    this.#sockets.push(...cs);
    this.#lastReply = cs.map(() => 0);
    this.#maxGap = cs.map(() => 0);
    this.#firstPort = cs.map(() => null);
    this.#switchedAt = cs.map(() => null);
    cs.forEach((s, i) => {
      let buf: Buffer = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        let off = 0;
        for (;;) {
          const r = parseReply(buf, off);
          if (!r) break;
          off = r.end;
          this.#onReply(i, r.value);
          if (!this.#stopping) s.write(request);
        }
        buf = buf.subarray(off);
      });
      this.#watchClose(s);
    });
    // a +switch-master message is recognised by its channel name in the bytes; one per reader is counted
    const reader = () => {
      let seen = false;
      return (d: Buffer) => {
        if (!seen && d.includes('+switch-master')) {
          seen = true;
          this.#readerSwitchTimes.push(Date.now());
        }
      };
    };
    /** `n` subscribers: each reads with its own `reader()`, or (null) is paused for good */
    const subscribe = async (n: number, cmd: string[], handler: typeof reader | null, name?: (i: number) => string) => {
      const ss = await connectMany(port, n);
      this.#sockets.push(...ss);
      await Promise.all(
        ss.map(async (s, i) => {
          if (name) await ask(s, 'CLIENT', 'SETNAME', name(i));
          await ask(s, ...cmd);
          if (handler) s.on('data', handler());
          else s.pause();
          this.#watchClose(s);
        }),
      );
    };
    await subscribe(readers, ['SUBSCRIBE', '+switch-master'], reader);
    await subscribe(patternReaders, ['PSUBSCRIBE', '*'], reader);
    await subscribe(slow, ['PSUBSCRIBE', '*'], null, (i) => `slow-${i}`);
    for (const s of cs) s.write(request);
  }

  #watchClose(s: Socket): void {
    s.on('error', () => {});
    s.on('close', () => {
      if (!this.#stopping) this.#closedByServer++;
    });
  }

  #onReply(i: number, v: unknown): void {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    this.#perSecond.set(sec, (this.#perSecond.get(sec) ?? 0) + 1);
    this.#replies++;
    if (!Array.isArray(v)) this.#errors++;
    else {
      const port = String(v[1]);
      if (this.#firstPort[i] === null) this.#firstPort[i] = port;
      else if (port !== this.#firstPort[i] && this.#switchedAt[i] === null) this.#switchedAt[i] = now;
    }
    if (this.#armedAt !== null) {
      this.#maxGap[i] = Math.max(this.#maxGap[i]!, now - Math.max(this.#lastReply[i]!, this.#armedAt));
    }
    this.#lastReply[i] = now;
  }

  arm(): void {
    this.#armedAt = Date.now();
  }

  report(): LoadReport {
    const now = Date.now();
    const armed = this.#armedAt;
    const gaps = this.#maxGap.map((g, i) => (armed === null ? 0 : Math.max(g, now - Math.max(this.#lastReply[i]!, armed))));
    return {
      perSecond: Object.fromEntries(this.#perSecond),
      replies: this.#replies,
      errors: this.#errors,
      armedAt: armed,
      maxGapMs: gaps.length ? Math.max(...gaps) : 0,
      silentClients: armed === null ? 0 : this.#lastReply.filter((t) => t < armed).length,
      switchedAt: this.#switchedAt,
      readersSwitched: this.#readerSwitchTimes.length,
      readerSwitchTimes: this.#readerSwitchTimes,
      closedByServer: this.#closedByServer,
    };
  }

  stop(): void {
    this.#stopping = true;
    for (const s of this.#sockets) s.destroy();
  }
}

let load: Load | null = null;
process.on('message', (m: ToLoad) => {
  switch (m.type) {
    case 'start':
      load = new Load(m.spec);
      load.start().then(
        () => send({ type: 'ready' }),
        (e: unknown) => send({ type: 'failed', message: String(e) }),
      );
      break;
    case 'arm':
      load?.arm();
      break;
    case 'report':
      if (load) send({ type: 'report', report: load.report() });
      break;
    case 'stop':
      if (load) {
        send({ type: 'report', report: load.report() });
        load.stop();
      }
      process.disconnect();
      break;
  }
});
// the parent gone (a failed test): nothing left to do
process.on('disconnect', () => {
  load?.stop();
  setTimeout(() => process.exit(0), 100).unref();
});
