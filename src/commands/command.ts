import { array, bulk, int, map, nullBulk, type Reply } from '../resp/reply.js';
import { globMatchNoCase } from '../server/glob.js';
import { allCommands, commandDocsReply, commandInfoReply, lookupByFullName } from './command/describe.js';
import { resolveCommand } from './dispatch.js';
import { helpReply } from './help.js';
import { replyError } from './reply-errors.js';
import { fullName, subcommandMap, type ArgusCommandSpec } from './spec.js';
import { commandTable } from './table.js';

/**
 * COMMAND and its subcommands: they describe the sentinel table only. One file, because the
 * subcommands read the table that holds COMMAND: kept together, the import cycle with table.ts
 * never touches a spec before it exists.
 */

const COMMAND_SUB = {
  flags: ['loading', 'stale'],
  categories: ['slow', 'connection'],
  group: 'server',
} as const;

/** COMMAND COUNT: top-level commands only. */
export const commandCountSubcommand: ArgusCommandSpec = {
  ...COMMAND_SUB,
  name: 'count',
  arity: 2,
  summary: 'Returns the number of commands this sentinel serves.',
  since: '2.8.13',
  complexity: 'O(1)',
  run: () => int(commandTable().size),
};

/** COMMAND INFO [name ...]: all commands without names; a null for each unknown name. */
export const commandInfoSubcommand: ArgusCommandSpec = {
  ...COMMAND_SUB,
  name: 'info',
  arity: -2,
  summary: 'Describes the given commands, or every command.',
  since: '2.8.13',
  complexity: 'O(N) for N commands',
  tips: ['nondeterministic_output_order'],
  run(_ctx, argv) {
    if (argv.length === 2) return array([...commandTable().values()].map((s) => commandInfoReply(s, null)));
    return array(
      argv.slice(2).map((n) => {
        const found = lookupByFullName(n);
        return found === null ? nullBulk : commandInfoReply(found.spec, found.parent);
      }),
    );
  },
};

/** COMMAND DOCS [name ...]: a map of name to documentation; unknown names are left out. */
export const commandDocsSubcommand: ArgusCommandSpec = {
  ...COMMAND_SUB,
  name: 'docs',
  arity: -2,
  summary: 'Documents the given commands, or every command.',
  since: '7.0.0',
  complexity: 'O(N) for N commands',
  tips: ['nondeterministic_output_order'],
  run(_ctx, argv) {
    if (argv.length === 2) return map([...commandTable().values()].map((s) => [s.name, commandDocsReply(s, null)] as const));
    const entries: [string, Reply][] = [];
    for (const n of argv.slice(2)) {
      const found = lookupByFullName(n);
      if (found !== null) entries.push([fullName(found.parent, found.spec), commandDocsReply(found.spec, found.parent)]);
    }
    return map(entries);
  },
};

/** COMMAND LIST [FILTERBY MODULE <m> | ACLCAT <c> | PATTERN <glob>]: full names, subcommands included. */
export const commandListSubcommand: ArgusCommandSpec = {
  ...COMMAND_SUB,
  name: 'list',
  arity: -2,
  summary: 'Lists the names of the commands, optionally filtered.',
  since: '7.0.0',
  complexity: 'O(N) for N commands',
  tips: ['nondeterministic_output_order'],
  run(_ctx, argv) {
    let keep: (spec: ArgusCommandSpec, fullname: string) => boolean = () => true;
    if (argv.length === 5 && argv[2]!.toLowerCase() === 'filterby') {
      const arg = argv[4]!;
      switch (argv[3]!.toLowerCase()) {
        case 'module':
          // no modules in a sentinel
          keep = () => false;
          break;
        case 'aclcat':
          keep = (spec) => spec.categories.includes(arg.toLowerCase());
          break;
        case 'pattern':
          keep = (_spec, fullname) => globMatchNoCase(arg, fullname);
          break;
        default:
          return replyError.syntax();
      }
    } else if (argv.length !== 2) {
      return replyError.syntax();
    }
    return array([...allCommands()].filter((c) => keep(c.spec, c.fullname)).map((c) => bulk(c.fullname)));
  },
};

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS <command> [args ...]: the command must exist (with its
 * subcommand); none of them has keys.
 */
const getKeys = (name: string, summary: string, since: string): ArgusCommandSpec => ({
  ...COMMAND_SUB,
  name,
  arity: -4,
  summary,
  since,
  complexity: 'O(N) for N arguments',
  run(_ctx, argv) {
    const resolved = resolveCommand(argv.slice(2));
    if ('t' in resolved) return replyError.invalidCommand();
    return replyError.noKeyArguments();
  },
});

export const commandGetkeysSubcommand = getKeys('getkeys', 'Extracts the keys of a full command (none here).', '2.8.13');
export const commandGetkeysandflagsSubcommand = getKeys(
  'getkeysandflags',
  'Extracts the keys of a full command with their flags (none here).',
  '7.0.0',
);

const HELP_LINES = [
  '(no subcommand)',
  '    Describe every command of this Sentinel.',
  'COUNT',
  '    Show the number of commands of this Sentinel.',
  'LIST',
  '    List the names of the commands of this Sentinel.',
  'INFO [<command-name> ...]',
  '    Describe the named commands, or every command when none is named.',
  'DOCS [<command-name> ...]',
  '    Document the named commands, or every command when none is named.',
  'GETKEYS <full-command>',
  '    Show the keys of a full command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Show the keys of a full command and how it uses them.',
];

export const commandHelpSubcommand: ArgusCommandSpec = {
  ...COMMAND_SUB,
  name: 'help',
  arity: 2,
  summary: 'Lists the COMMAND subcommands.',
  since: '5.0.0',
  complexity: 'O(1)',
  run: () => helpReply('COMMAND', HELP_LINES),
};

/** COMMAND: without a subcommand, COMMAND INFO of the whole (sentinel) table. */
export const commandCommand: ArgusCommandSpec = {
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  categories: ['slow', 'connection'],
  group: 'server',
  summary: 'Describes the commands this sentinel serves.',
  since: '2.8.13',
  complexity: 'O(N) for N commands',
  tips: ['nondeterministic_output_order'],
  subcommands: subcommandMap(
    commandListSubcommand,
    commandCountSubcommand,
    commandHelpSubcommand,
    commandGetkeysSubcommand,
    commandGetkeysandflagsSubcommand,
    commandInfoSubcommand,
    commandDocsSubcommand,
  ),
  run: () => array([...commandTable().values()].map((s) => commandInfoReply(s, null))),
};
