import { array, simple, type Reply } from '../resp/reply.js';

/**
 * server.c addReplyHelp: a status line per row, framed by the usage line and the HELP entry that
 * every container command shares.
 */
export function helpReply(command: string, lines: readonly string[]): Reply {
  const rows = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ];
  return array(rows.map(simple));
}
