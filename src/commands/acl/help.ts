import { helpReply } from '../help.js';
import type { ArgusCommandSpec } from '../spec.js';

/** acl.c aclCommand HELP, Redis 7's lines. */
const LINES = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

export const aclHelpSubcommand: ArgusCommandSpec = {
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  categories: ['slow'],
  group: 'server',
  summary: 'Returns helpful text about the different subcommands.',
  since: '6.0.0',
  complexity: 'O(1)',
  run: () => helpReply('ACL', LINES),
};
