import test from 'ava';
import type { LinkReply } from '../../../src/links/types.js';
import { doctorPrecheck, doctorProbes, doctorUser, dryrunArgs, judgeDryruns, redisVersionOf } from '../../../src/sentinel/doctor.js';
import { newMasterRecord } from '../../../src/sentinel/instance.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';

const master = () => newMasterRecord('m', { host: '10.0.0.1', port: 6379 }, 2, defaultTimings(), 0);
const ok = (value: unknown): LinkReply => ({ kind: 'ok', value });
const error = (message: string): LinkReply => ({ kind: 'error', message });

test('doctor: probes every command Sentinel sends, renamed ones under their new name', (t) => {
  const m = master();
  m.renamedCommands.set('config', { command: 'CONFIG', renamed: 'MYCONFIG' });
  const probes = doctorProbes(m, 'sentinel-abcdef12-cmd');
  t.deepEqual(probes.map((p) => p.label), [
    'PING', 'INFO', 'SLAVEOF NO ONE', 'SLAVEOF <host> <port>', 'CONFIG REWRITE (renamed MYCONFIG)', 'CLIENT KILL',
    'CLIENT SETNAME', 'PUBLISH __sentinel__:hello', 'SUBSCRIBE __sentinel__:hello', 'SCRIPT KILL', 'MULTI', 'EXEC', 'FAILOVER',
  ]);
  t.deepEqual(dryrunArgs('u', probes[4]!), ['DRYRUN', 'u', 'MYCONFIG', 'REWRITE']);
  t.deepEqual(probes[3]!.argv, ['SLAVEOF', '10.0.0.1', '6379']);
  t.deepEqual(probes[5]!.argv, ['CLIENT', 'KILL', 'TYPE', 'normal']);
});

test('doctor: the user is auth-user only with auth-pass (Sentinel sends no AUTH without a password)', (t) => {
  const m = master();
  t.is(doctorUser(m), 'default');
  m.authUser = 'sentinel-user';
  t.is(doctorUser(m), 'default');
  m.authPass = 'pw';
  t.is(doctorUser(m), 'sentinel-user');
});

test('doctor: a refusal is shown as the NOPERM reply the command would get; an unknown name as Redis says it', (t) => {
  const probes = doctorProbes(master(), 'x').slice(0, 3);
  t.deepEqual(judgeDryruns(probes, [ok('OK'), ok('OK'), ok('OK')]), { status: 'ok', missing: [], reason: null });
  t.deepEqual(
    judgeDryruns(probes, [ok('OK'), ok("This user has no permissions to run the 'info' command"), error("ERR Command 'SLAVEOF' not found")]),
    {
      status: 'missing',
      missing: [
        { command: 'INFO', error: "NOPERM this user has no permissions to run the 'info' command" },
        { command: 'SLAVEOF NO ONE', error: "ERR Command 'SLAVEOF' not found" },
      ],
      reason: null,
    },
  );
});

test('doctor: unchecked when ACL DRYRUN itself is refused, unknown or cut off', (t) => {
  const probes = doctorProbes(master(), 'x').slice(0, 2);
  const refused = judgeDryruns(probes, [error("NOPERM this user has no permissions to run the 'acl|dryrun' command"), ok('OK')]);
  t.is(refused.status, 'unchecked');
  t.regex(refused.reason!, /^ACL DRYRUN was refused: NOPERM .*'acl\|dryrun'.*\+acl\|dryrun/);
  t.regex(judgeDryruns(probes, [error("ERR unknown subcommand 'DRYRUN'. Try ACL HELP."), ok('OK')]).reason!, /does not support ACL DRYRUN/);
  t.regex(judgeDryruns(probes, [{ kind: 'closed', reason: 'not connected' }]).reason!, /connection closed.*not connected/);
});

test('doctor: nodes older than 7.0 and nodes without a command connection are not asked', (t) => {
  const m = master();
  t.regex(doctorPrecheck(m)!, /no command connection/);
  m.link.ccConnected = true;
  t.is(doctorPrecheck(m), null, 'version unknown yet: DRYRUN is tried');
  m.info = '# Server\r\nredis_version:6.2.14\r\n';
  t.deepEqual(redisVersionOf(m.info), [6, 2]);
  t.regex(doctorPrecheck(m)!, /needs Redis 7\.0 or later; the node runs 6\.2/);
  m.info = 'redis_version:7.0.15\r\n';
  t.is(doctorPrecheck(m), null);
});
