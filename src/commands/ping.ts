import { arrayOf, bulk, simple } from '../resp/reply.js';
import { replyError } from './reply-errors.js';
import type { ArgusCommandSpec } from './spec.js';

/** server.c pingCommand, including the RESP2 subscribed-context form `[pong, <msg>]`. */
export const pingCommand: ArgusCommandSpec = {
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  categories: ['fast', 'connection'],
  group: 'connection',
  summary: 'Answers PONG, or echoes the message given.',
  since: '1.0.0',
  complexity: 'O(1)',
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  run({ client }, argv) {
    // the table's arity is -1; the handler itself allows at most one message
    if (argv.length > 2) return replyError.wrongArity('ping');
    const subscribed = client.channels.size + client.patterns.size > 0;
    if (client.resp === 2 && subscribed) return arrayOf(bulk('pong'), bulk(argv[1] ?? ''));
    return argv.length === 1 ? simple('PONG') : bulk(argv[1]!);
  },
};
