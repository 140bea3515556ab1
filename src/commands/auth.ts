import { ok } from '../resp/reply.js';
import { checkCredentials, DEFAULT_USER, defaultUserNopass } from './auth-check.js';
import { logAcl } from './acl/check.js';
import { replyError } from './reply-errors.js';
import type { ArgusCommandSpec } from './spec.js';

/** acl.c authCommand: `AUTH <password>` (the default user) or `AUTH <username> <password>`. */
export const authCommand: ArgusCommandSpec = {
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['fast', 'connection'],
  group: 'connection',
  summary: 'Authenticates the connection.',
  since: '1.0.0',
  complexity: 'O(N) for N passwords of the user',
  run({ client, sentinel }, argv) {
    if (argv.length > 3) return replyError.syntax();
    // the one-argument form keeps its old error when the default user has no password
    if (argv.length === 2 && defaultUserNopass(sentinel.server)) return replyError.authWithoutPassword();
    const [username, password] = argv.length === 2 ? [DEFAULT_USER, argv[1]!] : [argv[1]!, argv[2]!];
    // a failed attempt leaves an earlier login in place, as in Redis
    if (!checkCredentials(sentinel.server, username, password)) {
      logAcl({ client, sentinel }, 'auth', 'auth', username);
      return replyError.wrongPass();
    }
    client.authenticated = true;
    client.user = username;
    return ok;
  },
};
