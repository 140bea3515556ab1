/** Commands to a sentinel or a redis-server that may be slow, hung or gone, each with a reply timeout. */
import { encodeCommand, RawClient, type Value } from '../../test/helpers/raw-client.js';

/** Serial commands over one kept connection (reopened after an error). */
export class Querier {
  readonly port: number;
  #client: RawClient | null = null;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(port: number) {
    this.port = port;
  }

  call(...args: string[]): Promise<Value> {
    const p = this.#chain.then(async () => {
      try {
        this.#client ??= await RawClient.open(this.port);
        this.#client.send(encodeCommand(...args));
        return (await this.#client.read(10_000)).value;
      } catch (e) {
        this.#client?.close();
        this.#client = null;
        throw e;
      }
    });
    this.#chain = p.catch(() => {});
    return p;
  }

  close(): void {
    this.#client?.close();
    this.#client = null;
  }
}

/** One command on a fresh connection (to a redis-server that may be down or hung). */
export async function callOnce(port: number, timeoutMs: number, ...args: string[]): Promise<Value> {
  const c = await RawClient.open(port);
  try {
    c.send(encodeCommand(...args));
    return (await c.read(timeoutMs)).value;
  } finally {
    c.close();
  }
}
