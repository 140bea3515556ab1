import { aclOf } from '../../acl/registry.js';
import type { AclUser } from '../../acl/model.js';
import { err, type Reply } from '../../resp/reply.js';
import { clientLine } from '../client/info-line.js';
import type { CommandContext } from '../types.js';

/** What a permission check needs to know about the resolved command. */
export interface CheckedCommand {
  readonly command: string;
  readonly fullname: string;
  readonly categories: readonly string[];
  /** NO_AUTH commands (AUTH, HELLO) pass the command check (acl.c ACLSelectorCheckCmd) */
  readonly noAuth?: boolean;
}

export type Denial = { readonly reason: 'command' } | { readonly reason: 'channel'; readonly object: string };

/**
 * acl.c ACLCheckAllUserCommandPerm for a sentinel: the command bit, then the channels of
 * PUBLISH (its first argument), SUBSCRIBE (every argument) and PSUBSCRIBE (every pattern,
 * compared literally). Keys are never checked: no Sentinel command has any.
 */
export function checkPermission(user: AclUser, cmd: CheckedCommand, argv: readonly string[]): Denial | null {
  if (!cmd.noAuth && !user.canRun({ ...cmd, firstArg: argv[1]?.toLowerCase() })) return { reason: 'command' };
  const channels =
    cmd.command === 'publish' ? argv.slice(1, 2) : cmd.command === 'subscribe' || cmd.command === 'psubscribe' ? argv.slice(1) : [];
  const isPattern = cmd.command === 'psubscribe';
  for (const ch of channels) if (!user.canUseChannel(ch, isPattern)) return { reason: 'channel', object: ch };
  return null;
}

/** server.c getAclErrorMessage (Redis 7.2 text) */
export function noPermReply(username: string, fullname: string, denial: Denial): Reply {
  return denial.reason === 'command'
    ? err(`NOPERM User ${username} has no permissions to run the '${fullname}' command`)
    : err('NOPERM No permissions to access a channel');
}

/** acl.c addACLLogEntry for this connection */
export function logAcl(ctx: CommandContext, reason: 'auth' | 'command' | 'channel', object: string, username: string): void {
  const { client, sentinel } = ctx;
  aclOf(sentinel.server).addLog(
    {
      reason,
      context: 'toplevel',
      object,
      username,
      clientInfo: clientLine(client, sentinel.clock.monotonic(), client),
    },
    sentinel.clock.wall(),
  );
}
