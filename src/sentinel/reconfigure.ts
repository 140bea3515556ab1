import type { RenamedCommand } from './instance.js';

type RenameMap = ReadonlyMap<string, RenamedCommand>;

/**
 * sentinel.c sentinelInstanceMapCommand: the name to put on the wire for `name`, through the
 * master's rename-command table (keys are lower-case, so the lookup ignores case). Replicas and
 * peer sentinel records use their master's table.
 */
export function renameCommand(master: { readonly renamedCommands: RenameMap }, name: string): string {
  return master.renamedCommands.get(name.toLowerCase())?.renamed ?? name;
}

/**
 * sentinel.c sentinelSendSlaveOf as data: the commands to pipeline on the command connection,
 * replies ignored (the effect is observed in the next INFO).
 *
 *   MULTI
 *   [FAILOVER ABORT]           V9, when the node's INFO reports a FAILOVER in progress
 *   SLAVEOF <host> <port>      or SLAVEOF NO ONE when host is null
 *   CONFIG REWRITE
 *   CLIENT KILL TYPE normal
 *   CLIENT KILL TYPE pubsub    (present in 7.0.15 too)
 *   EXEC
 *
 * Each command is `[name, ...args]`; with `rename` (the master's renamedCommands) the names are
 * the wire names, without it the logical ones (for a link layer that renames itself).
 */
export function slaveOfCommands(
  host: string | null,
  port: number,
  rename?: RenameMap,
  abortFailover = false,
): string[][] {
  const n = (name: string): string => (rename === undefined ? name : renameCommand({ renamedCommands: rename }, name));
  const cmds: string[][] = [[n('MULTI')]];
  if (abortFailover) cmds.push([n('FAILOVER'), 'ABORT']);
  cmds.push(
    host === null ? [n('SLAVEOF'), 'NO', 'ONE'] : [n('SLAVEOF'), host, String(port)],
    [n('CONFIG'), 'REWRITE'],
    [n('CLIENT'), 'KILL', 'TYPE', 'normal'],
    [n('CLIENT'), 'KILL', 'TYPE', 'pubsub'],
    [n('EXEC')],
  );
  return cmds;
}
