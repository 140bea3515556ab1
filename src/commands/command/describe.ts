import { array, bulk, int, map, simple, type Reply } from '../../resp/reply.js';
import { fullName, type ArgusCommandSpec } from '../spec.js';
import { commandTable } from '../table.js';

/**
 * server.c addReplyCommandInfo: `[name, arity, flags, first-key, last-key, step, categories, tips,
 * key-specs, subcommands]`. No sentinel command takes keys, so the key positions are 0 and the key
 * specs empty. Flags and categories are status strings, tips bulk strings (Redis sends RESP3 sets
 * for the three lists; the Reply type has no set kind, so they go out as arrays).
 */
export function commandInfoReply(spec: ArgusCommandSpec, parent: string | null): Reply {
  const name = fullName(parent, spec);
  return array([
    bulk(name),
    int(spec.arity),
    array(spec.flags.map(simple)),
    int(0),
    int(0),
    int(0),
    array(spec.categories.map((c) => simple(`@${c}`))),
    array((spec.tips ?? []).map((t) => bulk(t))),
    array([]),
    array([...(spec.subcommands?.values() ?? [])].map((s) => commandInfoReply(s, name))),
  ]);
}

/** server.c addReplyCommandDocs: the documentation map of one command (no argument list). */
export function commandDocsReply(spec: ArgusCommandSpec, parent: string | null): Reply {
  const name = fullName(parent, spec);
  const entries: [string, Reply][] = [
    ['summary', bulk(spec.summary)],
    ['since', bulk(spec.since)],
    ['group', bulk(spec.group)],
  ];
  if (spec.complexity !== undefined) entries.push(['complexity', bulk(spec.complexity)]);
  if (spec.docFlags !== undefined) entries.push(['doc_flags', array(spec.docFlags.map(simple))]);
  if (spec.deprecatedSince !== undefined) entries.push(['deprecated_since', bulk(spec.deprecatedSince)]);
  if (spec.replacedBy !== undefined) entries.push(['replaced_by', bulk(spec.replacedBy)]);
  if (spec.subcommands !== undefined) {
    entries.push([
      'subcommands',
      map([...spec.subcommands.values()].map((s) => [fullName(name, s), commandDocsReply(s, name)] as const)),
    ]);
  }
  return map(entries);
}

/** lookupCommandBySds: `name` or `container|sub`, case-insensitive. */
export function lookupByFullName(name: string): { spec: ArgusCommandSpec; parent: string | null } | null {
  const [top, sub, ...rest] = name.toLowerCase().split('|');
  if (rest.length > 0) return null;
  const spec = commandTable().get(top!);
  if (spec === undefined) return null;
  if (sub === undefined) return { spec, parent: null };
  const child = spec.subcommands?.get(sub);
  return child === undefined ? null : { spec: child, parent: spec.name };
}

/** Every command and subcommand, parents first, as COMMAND LIST walks the table. */
export function* allCommands(): Generator<{ spec: ArgusCommandSpec; fullname: string }> {
  for (const spec of commandTable().values()) {
    yield { spec, fullname: spec.name };
    for (const sub of spec.subcommands?.values() ?? []) yield { spec: sub, fullname: fullName(spec.name, sub) };
  }
}
