import { RawClient, type Value } from './raw-client.js';
import { waitFor } from './wait-for.js';

export interface SeenEvent {
  readonly channel: string;
  readonly text: string;
  /** Date.now() when the test received it */
  readonly at: number;
}

/**
 * A PSUBSCRIBE '*' connection to a sentinel that records every event it publishes, for tests
 * that wait for `+sdown`, `+slave`, `+tilt` … (or a SUBSCRIBE to one channel of any server).
 */
export class EventRecorder {
  readonly events: SeenEvent[] = [];
  #stopped = false;
  #listeners = new Set<(e: SeenEvent) => void>();

  private constructor(readonly client: RawClient) {}

  /** `auth`: AUTH's arguments (`[pass]` or `[user, pass]`) for a sentinel with requirepass or users */
  static async open(port: number, auth?: readonly string[], channel?: string, host?: string): Promise<EventRecorder> {
    const client = await RawClient.open(port, host);
    if (auth) await client.call('AUTH', ...auth);
    const rec = new EventRecorder(client);
    // one channel (a data node's __sentinel__:hello), or every event a sentinel publishes
    if (channel === undefined) await client.call('PSUBSCRIBE', '*');
    else await client.call('SUBSCRIBE', channel);
    void rec.#pump();
    return rec;
  }

  async #pump(): Promise<void> {
    while (!this.#stopped) {
      let v: Value;
      try {
        v = (await this.client.read(60_000)).value;
      } catch {
        return;
      }
      if (!Array.isArray(v)) continue;
      let e: SeenEvent | null = null;
      if (v[0] === 'pmessage') e = { channel: String(v[2]), text: String(v[3]), at: Date.now() };
      else if (v[0] === 'message') e = { channel: String(v[1]), text: String(v[2]), at: Date.now() };
      if (e === null) continue;
      this.events.push(e);
      for (const l of this.#listeners) l(e);
    }
  }

  /** Resolves with the first event (after index `from`) on `channel` whose text matches. */
  wait(channel: string, match: RegExp | string = /.*/, { from = 0, timeout = 15_000 } = {}): Promise<SeenEvent> {
    const re = typeof match === 'string' ? new RegExp(`^${match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : match;
    return waitFor(() => this.events.slice(from).find((e) => e.channel === channel && re.test(e.text)), {
      timeout,
      what: `${channel} ${re}`,
    });
  }

  /**
   * Calls `listener` synchronously for every event from now on, for tests that must act on an
   * event at once (a fault injected in a state that lasts one tick), not at the next poll.
   * Returns the unsubscribe.
   */
  onEvent(listener: (e: SeenEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  count(channel: string, match: RegExp = /.*/): number {
    return this.events.filter((e) => e.channel === channel && match.test(e.text)).length;
  }

  close(): void {
    this.#stopped = true;
    this.client.close();
  }
}
