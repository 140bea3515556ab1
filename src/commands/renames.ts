import type { ServerOptions } from '../config/server-options.js';
import { commandTable } from './table.js';

/** The name a client types (lower case) → the command's own name; null when nothing is renamed. */
export type CommandRenames = ReadonlyMap<string, string> | null;

const cache = new WeakMap<ServerOptions, CommandRenames>();

/**
 * Top-level `rename-command <cmd> <new>` lines (server.c's commands dict, rekeyed): the new name
 * runs the command, the old one is unknown, `""` hides it. Lines apply in order, so a renamed
 * command can be renamed again. Only the lookup changes: replies, errors and ACL rules keep the
 * command's own name, as in Redis. The loader has already refused bad lines; the lines are read
 * once, as they come only from the config file.
 */
export function commandRenames(server: ServerOptions): CommandRenames {
  if (cache.has(server)) return cache.get(server)!;
  const lines = server.all('rename-command');
  let renames: Map<string, string> | null = null;
  if (lines.length > 0) {
    renames = new Map([...commandTable().keys()].map((k) => [k, k]));
    for (const [from, to] of lines) {
      const key = from!.toLowerCase();
      const target = renames.get(key);
      if (target === undefined) continue;
      renames.delete(key);
      if (to !== '') renames.set(to!.toLowerCase(), target);
    }
  }
  cache.set(server, renames);
  return renames;
}
