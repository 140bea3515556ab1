import { subcommandMap, type ArgusCommandSpec } from './spec.js';
import { aclCatSubcommand } from './acl/cat.js';
import { aclDeluserSubcommand } from './acl/deluser.js';
import { aclDryrunSubcommand } from './acl/dryrun.js';
import { aclGenpassSubcommand } from './acl/genpass.js';
import { aclGetuserSubcommand } from './acl/getuser.js';
import { aclHelpSubcommand } from './acl/help.js';
import { aclListSubcommand } from './acl/list.js';
import { aclLogSubcommand } from './acl/log.js';
import { aclLoadSubcommand, aclSaveSubcommand } from './acl/save-load.js';
import { aclSetuserSubcommand } from './acl/setuser.js';
import { aclUsersSubcommand } from './acl/users.js';
import { aclWhoamiSubcommand } from './acl/whoami.js';

/** ACL: a container; every subcommand has a file of its own under acl/. */
export const aclCommand: ArgusCommandSpec = {
  name: 'acl',
  arity: -2,
  flags: [],
  categories: ['slow'],
  group: 'server',
  summary: 'A container for Access List Control commands.',
  since: '6.0.0',
  complexity: 'Depends on subcommand.',
  subcommands: subcommandMap(
    aclCatSubcommand,
    aclDeluserSubcommand,
    aclDryrunSubcommand,
    aclGenpassSubcommand,
    aclGetuserSubcommand,
    aclHelpSubcommand,
    aclListSubcommand,
    aclLoadSubcommand,
    aclLogSubcommand,
    aclSaveSubcommand,
    aclSetuserSubcommand,
    aclUsersSubcommand,
    aclWhoamiSubcommand,
  ),
};
