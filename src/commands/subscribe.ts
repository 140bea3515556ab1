import { bulk, int, nullBulk, push, type Reply } from '../resp/reply.js';
import type { ArgusCommandSpec } from './spec.js';
import type { ClientSession } from './types.js';

/**
 * pubsub.c: one confirmation per channel, `[kind, channel, count]` where count is the
 * connection's subscriptions (channels + patterns) after the change. Pushes in RESP3, arrays in
 * RESP2 (the writer decides). The hub keeps the subscriptions and returns the counts.
 */
const confirmation = (kind: string, channel: string | null, count: number): Reply =>
  push([bulk(kind), channel === null ? nullBulk : bulk(channel), int(count)]);

const subscriptionCount = (c: ClientSession): number => c.channels.size + c.patterns.size;

const PUBSUB_SPEC = {
  flags: ['pubsub', 'noscript', 'loading', 'stale'],
  categories: ['pubsub', 'slow'],
  group: 'pubsub',
} as const;

export const subscribeCommand: ArgusCommandSpec = {
  ...PUBSUB_SPEC,
  name: 'subscribe',
  arity: -2,
  summary: 'Listens for events on the given channels.',
  since: '2.0.0',
  complexity: 'O(N) for N channels',
  run({ client, sentinel }, argv) {
    return argv.slice(1).map((ch) => confirmation('subscribe', ch, sentinel.pubsub.subscribe(client, ch)));
  },
};

export const psubscribeCommand: ArgusCommandSpec = {
  ...PUBSUB_SPEC,
  name: 'psubscribe',
  arity: -2,
  summary: 'Listens for events on the channels matching the given glob patterns.',
  since: '2.0.0',
  complexity: 'O(N) for N patterns',
  run({ client, sentinel }, argv) {
    return argv.slice(1).map((p) => confirmation('psubscribe', p, sentinel.pubsub.psubscribe(client, p)));
  },
};

/**
 * Without arguments: every subscription of the connection, or a single `[kind, null, count]` when
 * there is none (pubsubUnsubscribeAllChannels).
 */
function unsubscribeAll(
  kind: 'unsubscribe' | 'punsubscribe',
  client: ClientSession,
  names: ReadonlySet<string>,
  drop: (name: string) => number,
): Reply[] {
  if (names.size === 0) return [confirmation(kind, null, subscriptionCount(client))];
  return [...names].map((n) => confirmation(kind, n, drop(n)));
}

export const unsubscribeCommand: ArgusCommandSpec = {
  ...PUBSUB_SPEC,
  name: 'unsubscribe',
  arity: -1,
  summary: 'Stops listening on the given channels, or on all of them.',
  since: '2.0.0',
  complexity: 'O(N) for N channels',
  run({ client, sentinel }, argv) {
    const drop = (ch: string) => sentinel.pubsub.unsubscribe(client, ch);
    if (argv.length === 1) return unsubscribeAll('unsubscribe', client, client.channels, drop);
    return argv.slice(1).map((ch) => confirmation('unsubscribe', ch, drop(ch)));
  },
};

export const punsubscribeCommand: ArgusCommandSpec = {
  ...PUBSUB_SPEC,
  name: 'punsubscribe',
  arity: -1,
  summary: 'Stops listening on the given patterns, or on all of them.',
  since: '2.0.0',
  complexity: 'O(N) for N patterns',
  run({ client, sentinel }, argv) {
    const drop = (p: string) => sentinel.pubsub.punsubscribe(client, p);
    if (argv.length === 1) return unsubscribeAll('punsubscribe', client, client.patterns, drop);
    return argv.slice(1).map((p) => confirmation('punsubscribe', p, drop(p)));
  },
};
