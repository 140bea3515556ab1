import test from 'ava';
import type { LinkReply } from '../../../src/links/types.js';
import type { Effect } from '../../../src/sentinel/effects.js';
import { commandLabel, currentLinkError, DATA_NODE_ACL, noteCommandReply, PEER_ACL } from '../../../src/sentinel/link-errors.js';
import { masterAt, replicaOf, sentinelOf } from './helpers.js';

const NOPERM_INFO = "NOPERM this user has no permissions to run the 'info' command";
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const NOAUTH = 'NOAUTH Authentication required.';
const refused = (message: string): LinkReply => ({ kind: 'error', message });
const OK: LinkReply = { kind: 'ok', value: 'PONG' };

const logs = (effects: readonly Effect[]) =>
  effects.map((e) => (e.kind === 'log' ? `${e.level} ${e.message}` : `<${e.kind}>`));

test('link-errors: a NOPERM is logged once with the instance, command, error and ACL hint, then kept', (t) => {
  const m = masterAt();
  t.deepEqual(logs(noteCommandReply(m, m, 'INFO', [], refused(NOPERM_INFO))), [
    `warning Access denied by master mymaster 127.0.0.1 6379: INFO answered ${NOPERM_INFO}. ` +
      `Sentinel's user there (sentinel auth-user mymaster) needs ${DATA_NODE_ACL}`,
  ]);
  t.is(currentLinkError(m), NOPERM_INFO);
  // every retry: no new line, same array (the actor mirrors only on change)
  const before = m.link.permErrors;
  t.deepEqual(noteCommandReply(m, m, 'INFO', [], refused(NOPERM_INFO)), []);
  t.is(m.link.permErrors, before);
  // other commands' answers do not clear it
  t.deepEqual(noteCommandReply(m, m, 'PING', [], OK), []);
  t.is(currentLinkError(m), NOPERM_INFO);
});

test('link-errors: the refused command answering again clears it with one notice line', (t) => {
  const m = masterAt();
  noteCommandReply(m, m, 'INFO', [], refused(NOPERM_INFO));
  noteCommandReply(m, m, 'PUBLISH', ['__sentinel__:hello', 'x'], refused('NOPERM this user has no permissions to access one of the channels used as arguments'));
  t.deepEqual(logs(noteCommandReply(m, m, 'INFO', [], { kind: 'ok', value: '# Server\r\n' })), [
    'notice Access restored on master mymaster 127.0.0.1 6379: INFO accepted again; still refused: PUBLISH',
  ]);
  t.regex(currentLinkError(m) ?? '', /channels/);
  // an error that is not a refusal (e.g. -ERR, -BUSY) also means the command is allowed
  t.deepEqual(logs(noteCommandReply(m, m, 'PUBLISH', [], refused('ERR something else'))), [
    'notice Access restored on master mymaster 127.0.0.1 6379: PUBLISH accepted again',
  ]);
  t.is(currentLinkError(m), null);
  t.deepEqual(m.link.permErrors, []);
});

test('link-errors: a wrong password logs once although every command then says NOAUTH', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  const lines = [
    ...noteCommandReply(r, m, 'AUTH', ['user', 'secret'], refused(WRONGPASS)),
    ...noteCommandReply(r, m, 'CLIENT', ['SETNAME', 'sentinel-x-cmd'], refused(NOAUTH)),
    ...noteCommandReply(r, m, 'PING', [], refused(NOAUTH)),
    ...noteCommandReply(r, m, 'INFO', [], refused(NOAUTH)),
  ];
  t.deepEqual(logs(lines), [
    `warning Access denied by slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379: AUTH answered ${WRONGPASS} ` +
      'Check sentinel auth-user / auth-pass mymaster (used for the master and its replicas)',
  ]);
  t.notRegex(lines.map((e) => JSON.stringify(e)).join(), /secret/);
  t.is(currentLinkError(r), WRONGPASS);
  // fixed: only the last credentials refusal to go away is logged
  t.deepEqual(noteCommandReply(r, m, 'AUTH', [], { kind: 'ok', value: 'OK' }), []);
  t.deepEqual(noteCommandReply(r, m, 'CLIENT', ['SETNAME', 'x'], { kind: 'ok', value: 'OK' }), []);
  t.deepEqual(noteCommandReply(r, m, 'PING', [], OK), []);
  t.deepEqual(logs(noteCommandReply(r, m, 'INFO', [], { kind: 'ok', value: '' })), [
    'notice Access restored on slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379: credentials accepted again',
  ]);
});

test('link-errors: a peer sentinel gets the sentinel-user/sentinel-pass hints', (t) => {
  const m = masterAt();
  const p = sentinelOf(m, 'b'.repeat(40), '127.0.0.1', 26380);
  t.deepEqual(logs(noteCommandReply(p, m, 'PING', [], refused(NOAUTH))), [
    `warning Access denied by sentinel ${'b'.repeat(40)} 127.0.0.1 26380 @ mymaster 127.0.0.1 6379: PING answered ${NOAUTH} ` +
      'Check sentinel sentinel-user / sentinel-pass (requirepass is sent when sentinel-pass is unset)',
  ]);
  const denied = "NOPERM this user has no permissions to run the 'sentinel|is-master-down-by-addr' command";
  const line = logs(noteCommandReply(p, m, 'SENTINEL', ['is-master-down-by-addr', '127.0.0.1', '6379', '1', '*'], refused(denied)));
  t.deepEqual(line, [
    `warning Access denied by sentinel ${'b'.repeat(40)} 127.0.0.1 26380 @ mymaster 127.0.0.1 6379: SENTINEL IS-MASTER-DOWN-BY-ADDR answered ${denied}. ` +
      `The user this sentinel logs in as (sentinel-user) needs ${PEER_ACL}`,
  ]);
});

test('link-errors: a reply lost with its connection changes nothing', (t) => {
  const m = masterAt();
  noteCommandReply(m, m, 'INFO', [], refused(NOPERM_INFO));
  t.deepEqual(noteCommandReply(m, m, 'INFO', [], { kind: 'closed', reason: 'Connection reset by peer' }), []);
  t.is(currentLinkError(m), NOPERM_INFO);
});

test('link-errors: commands are named with their subcommand, never with other arguments', (t) => {
  t.is(commandLabel('CLIENT', ['SETNAME', 'sentinel-1234abcd-cmd']), 'CLIENT SETNAME');
  t.is(commandLabel('CONFIG', ['rewrite']), 'CONFIG REWRITE');
  t.is(commandLabel('SCRIPT', ['KILL']), 'SCRIPT KILL');
  t.is(commandLabel('AUTH', ['user', 'password']), 'AUTH');
  t.is(commandLabel('SLAVEOF', ['127.0.0.1', '6380']), 'SLAVEOF');
  t.is(commandLabel('PUBLISH', ['__sentinel__:hello', 'payload']), 'PUBLISH');
});
