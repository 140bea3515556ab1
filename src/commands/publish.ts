import { int } from '../resp/reply.js';
import { replyError } from './reply-errors.js';
import type { ArgusCommandSpec } from './spec.js';

const HELLO_CHANNEL = '__sentinel__:hello';

/**
 * sentinel.c sentinelPublishCommand: peers deliver hellos this way; nothing else may be published
 * (the channel name is compared case-sensitively). The reply is always 1.
 */
export const publishCommand: ArgusCommandSpec = {
  name: 'publish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  categories: ['pubsub', 'fast'],
  group: 'pubsub',
  summary: 'Delivers a hello message from a peer sentinel.',
  since: '2.0.0',
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    if (argv[1] !== HELLO_CHANNEL) return replyError.onlyHello();
    // A peer's hello (sentinelProcessHelloMessage); consumed, never re-published to subscribers.
    sentinel.monitors.hello(argv[2]!);
    return int(1);
  },
};
