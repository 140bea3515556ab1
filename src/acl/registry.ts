import type { ServerOptions } from '../config/server-options.js';
import { commandTable } from '../commands/table.js';
import { AclModel, DEFAULT_USER, type CommandCatalog } from './model.js';

/** The command table as the ACL model sees it: `ping`, `sentinel`, `sentinel|masters`. */
export const tableCatalog: CommandCatalog = {
  lookup(name) {
    const [top, sub] = name.split('|', 2) as [string, string | undefined];
    const spec = commandTable().get(top);
    if (spec === undefined) return null;
    if (sub === undefined) return { categories: spec.categories, container: spec.subcommands !== undefined, subcommand: false };
    const s = spec.subcommands?.get(sub);
    return s === undefined ? null : { categories: s.categories, container: false, subcommand: true };
  },
};

interface Entry {
  readonly model: AclModel;
  /** no `user default` line and no ACL SETUSER default: the password follows `requirepass` */
  followRequirepass: boolean;
  /** the `requirepass` last applied: hashing it again on every command cost a SHA-256 each */
  requirepass: string | null | undefined;
}

const models = new WeakMap<ServerOptions, Entry>();

/**
 * The ACL users of the process that owns `server`, built from its `user` lines and `requirepass`
 * on first use.
 */
export function aclOf(server: ServerOptions): AclModel {
  let entry = models.get(server);
  if (entry === undefined) {
    const model = new AclModel(tableCatalog, server.get('acl-pubsub-default')?.[0]?.toLowerCase() === 'allchannels');
    let defaultLine = false;
    for (const [name, ...rules] of server.all('user')) {
      if (name === undefined) continue;
      if (name === DEFAULT_USER) defaultLine = true;
      model.loadUser(name, rules);
    }
    entry = { model, followRequirepass: !defaultLine, requirepass: undefined };
    models.set(server, entry);
  }
  if (entry.followRequirepass) {
    const pass = server.get('requirepass')?.[0] ?? null;
    if (pass !== entry.requirepass) {
      entry.model.setRequirepass(pass);
      entry.requirepass = pass;
    }
  }
  return entry.model;
}

/** ACL SETUSER default: from now on the model, not `requirepass`, holds the default password. */
export function detachDefaultFromRequirepass(server: ServerOptions): void {
  const entry = models.get(server);
  if (entry) {
    entry.followRequirepass = false;
    entry.requirepass = undefined;
  }
}
