import { int, ok, type Reply } from '../../resp/reply.js';
import { userExists } from '../auth-check.js';
import { parseLongLong } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { ClientSession, CommandContext } from '../types.js';
import { clientType, parseClientType } from './info-line.js';

interface KillFilter {
  addr?: string;
  laddr?: string;
  type?: string;
  id?: bigint;
  user?: string;
  skipme: boolean;
}

const INT64_MAX = 2n ** 63n - 1n;

/** The filter form's option/value pairs, with networking.c's errors. */
function parseFilter(ctx: CommandContext, argv: readonly string[]): KillFilter | Reply {
  const f: KillFilter = { skipme: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const value = argv[i + 1];
    if (value === undefined) return replyError.syntax();
    if (opt === 'id') {
      const id = parseLongLong(value);
      if (id === null || id < 1n || id > INT64_MAX) return replyError.clientIdNotPositive();
      f.id = id;
    } else if (opt === 'type') {
      const type = parseClientType(value);
      if (type === null) return replyError.unknownClientType(value);
      f.type = type;
    } else if (opt === 'addr') {
      f.addr = value;
    } else if (opt === 'laddr') {
      f.laddr = value;
    } else if (opt === 'user') {
      if (!userExists(ctx.sentinel.server, value)) return replyError.noSuchUser(value);
      f.user = value;
    } else if (opt === 'skipme') {
      if (value.toLowerCase() === 'yes') f.skipme = true;
      else if (value.toLowerCase() === 'no') f.skipme = false;
      else return replyError.syntax();
    } else {
      return replyError.syntax();
    }
  }
  return f;
}

const matches = (c: ClientSession, f: KillFilter, self: ClientSession): boolean =>
  (f.addr === undefined || c.addr === f.addr) &&
  (f.laddr === undefined || c.laddr === f.laddr) &&
  (f.type === undefined || clientType(c) === f.type) &&
  (f.id === undefined || BigInt(c.id) === f.id) &&
  (f.user === undefined || c.user === f.user) &&
  !(c === self && f.skipme);

/**
 * CLIENT KILL <ip:port> (old form: +OK or "No such client", may kill the caller) and
 * CLIENT KILL <filter> <value> ... (new form: the number killed; skips the caller unless
 * SKIPME no). The caller is closed after its reply.
 */
export const clientKillSubcommand: ArgusCommandSpec = {
  ...CONNECTION_ADMIN,
  name: 'kill',
  arity: -3,
  summary: 'Closes client connections chosen by address, id, type or user.',
  since: '2.4.0',
  complexity: 'O(N) for N connections',
  run(ctx, argv) {
    const oldForm = argv.length === 3;
    const filter = oldForm ? { addr: argv[2]!, skipme: false } : parseFilter(ctx, argv);
    if ('t' in filter) return filter;
    const { client, sentinel } = ctx;
    const victims = [...sentinel.clients.all()].filter((c) => matches(c, filter, client));
    for (const c of victims) {
      if (c === client) client.closeAfterReply = true;
      else sentinel.clients.kill(c);
    }
    if (oldForm) return victims.length === 0 ? replyError.noSuchClient() : ok;
    return int(victims.length);
  },
};
