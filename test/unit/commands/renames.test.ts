import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { resolveCommand } from '../../../src/commands/dispatch.js';
import { commandRenames } from '../../../src/commands/renames.js';

const serverOf = (text: string) => loadConfig(text, '/etc/sentinel.conf', [], 0).server;

test('commandRenames: null when the config renames nothing', (t) => {
  t.is(commandRenames(serverOf('')), null);
});

test('commandRenames: the new name resolves to the command, the old one and a hidden one are unknown', (t) => {
  const renames = commandRenames(serverOf('rename-command ROLE myrole\nrename-command acl ""\nrename-command INFO i2\nrename-command I2 i3\n'));
  const name = (argv: string[]): string => {
    const r = resolveCommand(argv, renames);
    return 'spec' in r ? r.fullname : r.t === 'error' ? r.s : '?';
  };
  t.is(name(['MYROLE']), 'role');
  t.is(name(['i3']), 'info');
  t.is(name(['ROLE']), "ERR unknown command 'ROLE', with args beginning with: ");
  t.is(name(['i2']), "ERR unknown command 'i2', with args beginning with: ");
  t.is(name(['acl', 'whoami']), "ERR unknown command 'acl', with args beginning with: 'whoami' ");
  t.is(name(['sentinel', 'masters']), 'sentinel|masters');
  // without the table (ACL DRYRUN, COMMAND GETKEYS): the commands' own names
  const own = resolveCommand(['ROLE']);
  t.true('spec' in own && own.fullname === 'role');
});
