import { aclOf } from '../../acl/registry.js';
import { array, bulk, map, nullBulk } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { ACL_ADMIN } from './flags.js';

/** ACL GETUSER: flags, passwords, commands, keys, channels, selectors of one user. */
export const aclGetuserSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'getuser',
  arity: 3,
  summary: 'Lists the ACL rules of a user.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
  run({ sentinel }, argv) {
    const model = aclOf(sentinel.server);
    const u = model.get(argv[2]!);
    if (u === undefined) return nullBulk;
    const flags = [u.enabled ? 'on' : 'off', ...(u.nopass ? ['nopass'] : []), ...(u.sanitize ? [u.sanitize] : [])];
    const rules = model.describe(u).split(' ');
    const commands = rules.filter((w) => w[0] === '+' || w[0] === '-').join(' ');
    return map([
      ['flags', array(flags.map((f) => bulk(f)))],
      ['passwords', array(u.passwords.map((p) => bulk(p)))],
      ['commands', bulk(commands)],
      ['keys', bulk(u.keyRules.join(' '))],
      ['channels', bulk(u.allChannels ? '&*' : u.channels.map((c) => `&${c}`).join(' '))],
      ['selectors', array(u.selectors.map((s) => bulk(s)))],
    ]);
  },
};
