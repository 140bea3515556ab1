import { REDIS_COMPAT_VERSION } from '../version.js';
import { array, bulk, int, map, type Reply } from '../resp/reply.js';
import { logAcl } from './acl/check.js';
import { authRequired, checkCredentials } from './auth-check.js';
import { validClientAttr } from './client/validate.js';
import { parseLongLong } from './parse-int.js';
import { replyError } from './reply-errors.js';
import type { ArgusCommandSpec } from './spec.js';
import type { ClientSession } from './types.js';

/** The six-field reply of sentinel mode (no `role`, unlike a data node). */
function helloReply(client: ClientSession): Reply {
  return map([
    ['server', bulk('redis')],
    ['version', bulk(REDIS_COMPAT_VERSION)],
    ['proto', int(client.resp)],
    ['id', int(client.id)],
    ['mode', bulk('sentinel')],
    ['modules', array([])],
  ]);
}

/**
 * networking.c helloCommand: protocol version, then AUTH and SETNAME options; authentication is
 * attempted before the "must be authenticated" check, the name and protocol change only once
 * everything passed.
 */
export const helloCommand: ArgusCommandSpec = {
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['fast', 'connection'],
  group: 'connection',
  summary: 'Switches the protocol version and reports about the server.',
  since: '6.0.0',
  complexity: 'O(1)',
  run({ client, sentinel }, argv) {
    let version = 0;
    if (argv.length >= 2) {
      const v = parseLongLong(argv[1]!);
      if (v === null) return replyError.protoNotInteger();
      if (v < 2n || v > 3n) return replyError.noProto();
      version = Number(v);
    }
    let credentials: [string, string] | null = null;
    let name: string | null = null;
    for (let j = 2; j < argv.length; j++) {
      const opt = argv[j]!;
      const more = argv.length - 1 - j;
      if (opt.toLowerCase() === 'auth' && more >= 2) {
        credentials = [argv[j + 1]!, argv[j + 2]!];
        j += 2;
      } else if (opt.toLowerCase() === 'setname' && more >= 1) {
        name = argv[j + 1]!;
        if (!validClientAttr(name)) return replyError.clientNameInvalid();
        j += 1;
      } else {
        return replyError.helloSyntax(opt);
      }
    }
    if (credentials !== null) {
      if (!checkCredentials(sentinel.server, credentials[0], credentials[1])) {
        logAcl({ client, sentinel }, 'auth', 'hello', credentials[0]);
        return replyError.wrongPass();
      }
      client.authenticated = true;
      client.user = credentials[0];
    }
    if (authRequired(sentinel.server, client.authenticated)) return replyError.helloNoAuth();
    if (name !== null) client.name = name;
    if (version !== 0) client.resp = version as 2 | 3;
    return helloReply(client);
  },
};
