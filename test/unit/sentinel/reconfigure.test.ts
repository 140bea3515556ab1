import test from 'ava';
import { renameCommand, slaveOfCommands } from '../../../src/sentinel/reconfigure.js';
import { masterAt } from './helpers.js';

test('reconfigure: the SLAVEOF transaction of sentinel.c', (t) => {
  t.deepEqual(slaveOfCommands('10.0.0.1', 6379), [
    ['MULTI'],
    ['SLAVEOF', '10.0.0.1', '6379'],
    ['CONFIG', 'REWRITE'],
    ['CLIENT', 'KILL', 'TYPE', 'normal'],
    ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
    ['EXEC'],
  ]);
});

test('reconfigure: SLAVEOF NO ONE when the host is null', (t) => {
  t.deepEqual(slaveOfCommands(null, 0)[1], ['SLAVEOF', 'NO', 'ONE']);
});

test('reconfigure: V9 FAILOVER ABORT right after MULTI when asked', (t) => {
  const cmds = slaveOfCommands('h', 1, undefined, true);
  t.deepEqual(cmds.slice(0, 3), [['MULTI'], ['FAILOVER', 'ABORT'], ['SLAVEOF', 'h', '1']]);
});

test('reconfigure: every command name goes through the master rename-command table', (t) => {
  const m = masterAt();
  m.renamedCommands.set('slaveof', { command: 'SLAVEOF', renamed: 'xslaveof' });
  m.renamedCommands.set('config', { command: 'config', renamed: 'CFG' });
  m.renamedCommands.set('multi', { command: 'Multi', renamed: 'm1' });
  t.deepEqual(slaveOfCommands('h', 1, m.renamedCommands).map((c) => c[0]), ['m1', 'xslaveof', 'CFG', 'CLIENT', 'CLIENT', 'EXEC']);
});

test('reconfigure: renameCommand ignores case and falls back to the name given', (t) => {
  const m = masterAt();
  m.renamedCommands.set('ping', { command: 'PING', renamed: 'p1ng' });
  t.is(renameCommand(m, 'PING'), 'p1ng');
  t.is(renameCommand(m, 'ping'), 'p1ng');
  t.is(renameCommand(m, 'INFO'), 'INFO');
});
