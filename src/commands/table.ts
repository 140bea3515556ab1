import { aclCommand } from './acl.js';
import { authCommand } from './auth.js';
import { clientCommand } from './client.js';
import { commandCommand } from './command.js';
import { helloCommand } from './hello.js';
import { infoCommand } from './info.js';
import { pingCommand } from './ping.js';
import { publishCommand } from './publish.js';
import { quitCommand } from './quit.js';
import { roleCommand } from './role.js';
import { sentinelCommand } from './sentinel.js';
import { shutdownCommand } from './shutdown.js';
import type { ArgusCommandSpec } from './spec.js';
import {
  psubscribeCommand,
  punsubscribeCommand,
  subscribeCommand,
  unsubscribeCommand,
} from './subscribe.js';

let table: ReadonlyMap<string, ArgusCommandSpec> | null = null;

/**
 * Every command served on the sentinel port, keyed by lower-case name: the commands whose
 * Redis JSON carries the SENTINEL flag (commands.md §5), plus QUIT. Built on first use, not at
 * import, because COMMAND's handlers read the table that contains COMMAND.
 */
export function commandTable(): ReadonlyMap<string, ArgusCommandSpec> {
  table ??= new Map(
    [
      aclCommand,
      authCommand,
      clientCommand,
      commandCommand,
      helloCommand,
      infoCommand,
      pingCommand,
      psubscribeCommand,
      publishCommand,
      punsubscribeCommand,
      quitCommand,
      roleCommand,
      sentinelCommand,
      shutdownCommand,
      subscribeCommand,
      unsubscribeCommand,
    ].map((c) => [c.name, c] as const),
  );
  return table;
}
