import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decode, encode, RECURSION_AVAILABLE, RECURSION_DESIRED, type Answer } from 'dns-packet';

/** DNS rcodes the server uses (RFC 1035 §4.1.1). */
const NXDOMAIN = 3;

export interface DnsQuery {
  readonly name: string;
  readonly type: string;
  /** Date.now() when the query arrived */
  readonly at: number;
}

/**
 * A deliberately slow DNS server on a UDP loopback port, for `argus-dns-servers`: it answers A
 * queries for its names after `delayMs`, says "no data" to AAAA queries for them and NXDOMAIN
 * for any other name, and never answers the names in `hang`. It records every query.
 */
export class FakeDnsServer {
  readonly records: Map<string, string>;
  readonly hang = new Set<string>();
  readonly queries: DnsQuery[] = [];
  delayMs: number;
  readonly #socket: Socket;
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(socket: Socket, records: Record<string, string>, delayMs: number) {
    this.#socket = socket;
    this.records = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
    this.delayMs = delayMs;
    socket.on('message', (msg, from) => this.#onQuery(msg, from));
  }

  static start(records: Record<string, string>, { delayMs = 0 } = {}): Promise<FakeDnsServer> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve(new FakeDnsServer(socket, records, delayMs)));
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** `127.0.0.1:<port>`, as argus-dns-servers takes it */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Queries received for `name` (any type unless given). */
  queriesFor(name: string, type?: string): DnsQuery[] {
    return this.queries.filter((q) => q.name === name.toLowerCase() && (type === undefined || q.type === type));
  }

  close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #onQuery(msg: Buffer, from: RemoteInfo): void {
    let query: ReturnType<typeof decode>;
    try {
      query = decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (!q) return;
    const name = q.name.toLowerCase();
    this.queries.push({ name, type: q.type, at: Date.now() });
    if (this.hang.has(name)) return;
    const ip = this.records.get(name);
    const answers: Answer[] = ip !== undefined && q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 5, data: ip }] : [];
    const reply = encode({
      type: 'response',
      id: query.id ?? 0,
      flags: RECURSION_DESIRED | RECURSION_AVAILABLE | (ip === undefined ? NXDOMAIN : 0),
      questions: [q],
      answers,
    });
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#socket.send(reply, from.port, from.address);
    }, this.delayMs);
    this.#timers.add(t);
  }
}
