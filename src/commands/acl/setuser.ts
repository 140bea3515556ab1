import { maskAclRules } from '../../events/audit.js';
import { aclOf, detachDefaultFromRequirepass } from '../../acl/registry.js';
import { ACL_ERRORS, DEFAULT_USER } from '../../acl/model.js';
import { err, ok } from '../../resp/reply.js';
import type { ArgusCommandSpec } from '../spec.js';
import { errf } from '../reply-errors.js';
import { ACL_ADMIN } from './flags.js';

/**
 * ACL SETUSER: all rules or none; then the `user` lines are persisted by a config rewrite
 * (no aclfile in a sentinel).
 */
export const aclSetuserSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'setuser',
  audit: { redact: maskAclRules },
  arity: -3,
  summary: 'Creates and modifies an ACL user and its rules.',
  since: '6.0.0',
  complexity: 'O(N). Where N is the number of rules provided.',
  async run({ sentinel }, argv) {
    const name = argv[2]!;
    if (/[ \t\n\v\f\r\0]/.test(name)) return err("ERR Usernames can't contain spaces or null characters");
    const model = aclOf(sentinel.server);
    const failed = model.setUser(name, argv.slice(3));
    if (failed !== null) {
      return errf`ERR Error in ACL SETUSER modifier '${failed.rule}': ${ACL_ERRORS[failed.errno]}`;
    }
    if (name === DEFAULT_USER) detachDefaultFromRequirepass(sentinel.server);
    model.dirty = true;
    await sentinel.saveConfig().catch(() => undefined);
    return ok;
  },
};
