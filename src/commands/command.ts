import { array } from '../resp/reply.js';
import { commandInfoReply } from './command/describe.js';
import {
  commandCountSubcommand,
  commandDocsSubcommand,
  commandGetkeysandflagsSubcommand,
  commandGetkeysSubcommand,
  commandHelpSubcommand,
  commandInfoSubcommand,
  commandListSubcommand,
} from './command/subcommands.js';
import { subcommandMap, type ArgusCommandSpec } from './spec.js';
import { commandTable } from './table.js';

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
