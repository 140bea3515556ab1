import { bulk } from '../../resp/reply.js';
import { parseLongLong } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { ClientSession } from '../types.js';
import { clientLine, clientType, parseClientType } from './info-line.js';

/**
 * CLIENT LIST [TYPE <type> | ID <id> ...]: one line per client, each ending in "\n". A bulk string
 * (Redis sends a verbatim string in RESP3; the Reply type has no verbatim kind).
 */
export const clientListSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'list',
  arity: -2,
  summary: 'Lists the client connections.',
  since: '2.4.0',
  complexity: 'O(N) for N connections',
  tips: ['nondeterministic_output'],
  run({ client, sentinel }, argv) {
    const all = [...sentinel.clients.all()];
    let chosen: ClientSession[];
    if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
      const type = parseClientType(argv[3]!);
      if (type === null) return replyError.unknownClientType(argv[3]!);
      chosen = all.filter((c) => clientType(c) === type);
    } else if (argv.length > 3 && argv[2]!.toLowerCase() === 'id') {
      chosen = [];
      for (const word of argv.slice(3)) {
        const id = parseLongLong(word);
        if (id === null) return replyError.invalidClientId();
        const found = all.find((c) => BigInt(c.id) === id);
        if (found !== undefined) chosen.push(found);
      }
    } else if (argv.length !== 2) {
      return replyError.syntax();
    } else {
      chosen = all;
    }
    const now = sentinel.clock.monotonic();
    return bulk(chosen.map((c) => `${clientLine(c, now, client)}\n`).join(''));
  },
};
