import { ok } from '../resp/reply.js';
import type { ArgusCommandSpec } from './spec.js';

/**
 * QUIT is not in Redis's sentinel table (7.0 answers "unknown command"); Argus accepts it as
 * Redis 7.2's standalone server does (reply +OK, then close), since ioredis' quit() sends it and
 * no client depends on the error.
 */
export const quitCommand: ArgusCommandSpec = {
  name: 'quit',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['fast', 'connection'],
  group: 'connection',
  summary: 'Closes the connection once the reply is sent.',
  since: '1.0.0',
  complexity: 'O(1)',
  docFlags: ['deprecated'],
  deprecatedSince: '7.2.0',
  replacedBy: 'just closing the connection',
  run({ client }) {
    client.closeAfterReply = true;
    return ok;
  },
};
