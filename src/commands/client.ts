import { subcommandMap, type ArgusCommandSpec } from './spec.js';
import { clientHelpSubcommand } from './client/help.js';
import { clientIdSubcommand } from './client/id.js';
import { clientInfoSubcommand } from './client/info.js';
import { clientKillSubcommand } from './client/kill.js';
import { clientListSubcommand } from './client/list.js';
import { clientSetinfoSubcommand } from './client/setinfo.js';
import { clientGetnameSubcommand, clientSetnameSubcommand } from './client/setname.js';
import {
  clientNoEvictSubcommand,
  clientPauseSubcommand,
  clientReplySubcommand,
  clientUnblockSubcommand,
  clientUnpauseSubcommand,
} from './client/switches.js';
import {
  clientCachingSubcommand,
  clientGetredirSubcommand,
  clientTrackinginfoSubcommand,
  clientTrackingSubcommand,
} from './client/tracking.js';

/** CLIENT: connection management, each subcommand in client/. */
export const clientCommand: ArgusCommandSpec = {
  name: 'client',
  arity: -2,
  flags: [],
  categories: ['slow'],
  group: 'connection',
  summary: 'A container for the client connection subcommands.',
  since: '2.4.0',
  complexity: 'Depends on subcommand.',
  subcommands: subcommandMap(
    clientCachingSubcommand,
    clientGetnameSubcommand,
    clientGetredirSubcommand,
    clientHelpSubcommand,
    clientIdSubcommand,
    clientInfoSubcommand,
    clientKillSubcommand,
    clientListSubcommand,
    clientNoEvictSubcommand,
    clientPauseSubcommand,
    clientReplySubcommand,
    clientSetinfoSubcommand,
    clientSetnameSubcommand,
    clientTrackingSubcommand,
    clientTrackinginfoSubcommand,
    clientUnblockSubcommand,
    clientUnpauseSubcommand,
  ),
};
