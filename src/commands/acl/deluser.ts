import { aclOf } from '../../acl/registry.js';
import { DEFAULT_USER } from '../../acl/model.js';
import { err, int } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** ACL DELUSER: removes users (never `default`), disconnects their clients, persists. */
export const aclDeluserSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'deluser',
  audit: {},
  arity: -3,
  summary: 'Deletes ACL users, and terminates their connections.',
  since: '6.0.0',
  complexity: 'O(1) amortized time considering the typical user.',
  async run({ sentinel }, argv) {
    const names = argv.slice(2);
    if (names.includes(DEFAULT_USER)) return err("ERR The 'default' user cannot be removed");
    const model = aclOf(sentinel.server);
    let deleted = 0;
    for (const name of names) {
      if (!model.deleteUser(name)) continue;
      deleted++;
      for (const c of [...sentinel.clients.all()]) if (c.user === name && c.authenticated) sentinel.clients.kill(c);
    }
    if (deleted > 0) {
      model.dirty = true;
      await sentinel.saveConfig().catch(() => undefined);
    }
    return int(deleted);
  },
};
