import { aclOf } from '../../acl/registry.js';
import { array, bulk, err, int, map, ok } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** ACL LOG [count | RESET]: failed authentications and denials, newest first. */
export const aclLogSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'log',
  arity: -2,
  summary: 'Lists recent security events generated due to ACL rules.',
  since: '6.0.0',
  complexity: 'O(N) with N being the number of entries shown.',
  run({ sentinel }, argv) {
    const model = aclOf(sentinel.server);
    if (argv.length > 3) return err("ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP.");
    let count = 10;
    if (argv.length === 3) {
      if (argv[2]!.toLowerCase() === 'reset') {
        model.resetLog();
        return ok;
      }
      const v = /^-?\d+$/.test(argv[2]!) ? Number(argv[2]) : NaN;
      if (!Number.isSafeInteger(v)) return err('ERR value is not an integer or out of range');
      count = Math.max(0, v);
    }
    const now = sentinel.clock.wall();
    return array(
      model.log.slice(0, count).map((e) =>
        map([
          ['count', int(e.count)],
          ['reason', bulk(e.reason)],
          ['context', bulk(e.context)],
          ['object', bulk(e.object)],
          ['username', bulk(e.username)],
          ['age-seconds', bulk(String((now - e.created) / 1000))],
          ['client-info', bulk(e.clientInfo)],
          ['entry-id', int(e.entryId)],
          ['timestamp-created', int(e.created)],
          ['timestamp-last-updated', int(e.updated)],
        ]),
      ),
    );
  },
};
