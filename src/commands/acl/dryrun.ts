import { aclOf } from '../../acl/registry.js';
import { bulk, err, ok } from '../../resp/reply.js';
import { arityOk, type ArgusCommandSpec } from '../spec.js';
import { errf } from '../reply-errors.js';
import { resolveCommand } from '../dispatch.js';
import { checkPermission } from './check.js';
import { ACL_ADMIN } from './flags.js';

/** ACL DRYRUN <user> <command> [arg ...]: whether the user could run it, without running it. */
export const aclDryrunSubcommand: ArgusCommandSpec = {
  ...ACL_ADMIN,
  name: 'dryrun',
  arity: -4,
  summary: 'Simulates the execution of a command by a user, without executing the command.',
  since: '7.0.0',
  complexity: 'O(1).',
  run({ sentinel }, argv) {
    const user = aclOf(sentinel.server).get(argv[2]!);
    if (user === undefined) return errf`ERR User '${argv[2]!}' not found`;
    const target = argv.slice(3);
    const resolved = resolveCommand(target);
    if (!('spec' in resolved)) return errf`ERR Command '${target[0]!}' not found`;
    if (!arityOk(resolved.spec.arity, target.length)) {
      return err(`ERR wrong number of arguments for '${resolved.fullname}' command`);
    }
    const { command, fullname, spec } = resolved;
    const denial = checkPermission(user, { command, fullname, categories: spec.categories, noAuth: spec.flags.includes('no_auth') }, target);
    if (denial === null) return ok;
    return bulk(
      denial.reason === 'command'
        ? `User ${user.name} has no permissions to run the '${fullname}' command`
        : `User ${user.name} has no permissions to access the '${denial.object}' channel`,
    );
  },
};
