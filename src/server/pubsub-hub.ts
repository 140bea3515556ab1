/**
 * Channel and pattern subscriptions, and fan-out of published messages (pubsub.c).
 *
 * Frames are rendered once per protocol and shared by every receiver: one event reaching a
 * thousand subscribers costs one encode per protocol, not a thousand.
 */
import type { ClientSession, PubSubHub } from '../commands/types.js';
import { bulk, push, type Reply } from '../resp/reply.js';
import { writeReply, type Proto } from '../resp/reply-writer.js';
import { globMatch } from './glob.js';

/** The side of a connection the hub needs: mutable subscription sets and a raw write. */
export interface Subscriber extends ClientSession {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  /** queue already-encoded bytes (a message frame) for this client */
  deliver(frame: Buffer): void;
}

export function isSubscriber(c: ClientSession): c is Subscriber {
  return typeof (c as Partial<Subscriber>).deliver === 'function' && c.channels instanceof Set &&
    c.patterns instanceof Set;
}

function asSubscriber(c: ClientSession): Subscriber {
  if (!isSubscriber(c)) throw new TypeError(`client ${c.id} cannot receive pub/sub messages`);
  return c;
}

/** `SUBSCRIBE` and friends reply with the client's total subscription count (channels + patterns). */
export const subscriptionCount = (c: ClientSession): number => c.channels.size + c.patterns.size;

/** Renders a frame at most once per protocol. */
class LazyFrame {
  readonly #reply: Reply;
  #resp2: Buffer | null = null;
  #resp3: Buffer | null = null;

  constructor(reply: Reply) {
    this.#reply = reply;
  }

  for(proto: Proto): Buffer {
    if (proto === 3) return (this.#resp3 ??= writeReply(this.#reply, 3));
    return (this.#resp2 ??= writeReply(this.#reply, 2));
  }
}

export class PubSub implements PubSubHub {
  readonly #channels = new Map<string, Set<Subscriber>>();
  readonly #patterns = new Map<string, Set<Subscriber>>();

  subscribe(client: ClientSession, channel: string): number {
    const c = asSubscriber(client);
    if (!c.channels.has(channel)) {
      c.channels.add(channel);
      let set = this.#channels.get(channel);
      if (!set) this.#channels.set(channel, (set = new Set()));
      set.add(c);
    }
    return subscriptionCount(c);
  }

  unsubscribe(client: ClientSession, channel: string): number {
    const c = asSubscriber(client);
    if (c.channels.delete(channel)) removeFrom(this.#channels, channel, c);
    return subscriptionCount(c);
  }

  psubscribe(client: ClientSession, pattern: string): number {
    const c = asSubscriber(client);
    if (!c.patterns.has(pattern)) {
      c.patterns.add(pattern);
      let set = this.#patterns.get(pattern);
      if (!set) this.#patterns.set(pattern, (set = new Set()));
      set.add(c);
    }
    return subscriptionCount(c);
  }

  punsubscribe(client: ClientSession, pattern: string): number {
    const c = asSubscriber(client);
    if (c.patterns.delete(pattern)) removeFrom(this.#patterns, pattern, c);
    return subscriptionCount(c);
  }

  /** Number of channels with at least one subscriber (INFO pubsub_channels). */
  channelCount(): number {
    return this.#channels.size;
  }

  /** Number of distinct patterns with at least one subscriber (INFO pubsub_patterns). */
  patternCount(): number {
    return this.#patterns.size;
  }

  /** Drop every subscription of a client that is going away, without confirmations. */
  removeClient(client: ClientSession): void {
    if (!isSubscriber(client)) return;
    for (const ch of client.channels) removeFrom(this.#channels, ch, client);
    for (const p of client.patterns) removeFrom(this.#patterns, p, client);
    client.channels.clear();
    client.patterns.clear();
  }

  /**
   * pubsub.c pubsubPublishMessage: channel subscribers get `message`, then every client whose
   * pattern matches gets `pmessage` (once per matching pattern). Returns the number of
   * deliveries, which is what PUBLISH replies on a normal Redis.
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.#channels.get(channel);
    if (subs && subs.size > 0) {
      const frame = new LazyFrame(push([bulk('message'), bulk(channel), bulk(message)]));
      for (const c of subs) {
        c.deliver(frame.for(c.resp));
        receivers++;
      }
    }
    for (const [pattern, clients] of this.#patterns) {
      if (!globMatch(pattern, channel)) continue;
      const frame = new LazyFrame(push([bulk('pmessage'), bulk(pattern), bulk(channel), bulk(message)]));
      for (const c of clients) {
        c.deliver(frame.for(c.resp));
        receivers++;
      }
    }
    return receivers;
  }
}

function removeFrom(index: Map<string, Set<Subscriber>>, key: string, c: Subscriber): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(c);
  if (set.size === 0) index.delete(key);
}
