import test from 'ava';
import { AUDIT_TEXT_MAX, AuditLog, formatAuditCommand, formatAuditLine, maskAclRules, maskPairs } from '../../../src/events/audit.js';

test('audit: SENTINEL SET and CONFIG SET values of secret options show as ******, others as typed', (t) => {
  const set = maskPairs(3)(['sentinel', 'set', 'auth-pass', 'quorum', '3', 'AUTH-PASS', 's3cret', 'auth-user', 'u']);
  // the master may be called auth-pass: only option positions count
  t.deepEqual(set, ['sentinel', 'set', 'auth-pass', 'quorum', '3', 'AUTH-PASS', '******', 'auth-user', 'u']);
  t.deepEqual(maskPairs(3)(['sentinel', 'config', 'set', 'sentinel-pass', 'pw', 'resolve-hostnames', 'yes']), [
    'sentinel', 'config', 'set', 'sentinel-pass', '******', 'resolve-hostnames', 'yes',
  ]);
});

test('audit: values of options given a function show as it shows them (a webhook URL as its origin)', (t) => {
  const mask = maskPairs(3, { 'argus-webhook': () => 'https://hooks.example.com/******' });
  t.deepEqual(mask(['sentinel', 'set', 'm', 'ARGUS-WEBHOOK', 'https://hooks.example.com/T0/B0/XYZ', 'quorum', '2']), [
    'sentinel', 'set', 'm', 'ARGUS-WEBHOOK', 'https://hooks.example.com/******', 'quorum', '2',
  ]);
});

test('audit: ACL SETUSER passwords and hashes keep their sigil only', (t) => {
  t.deepEqual(maskAclRules(['acl', 'setuser', 'bob', 'on', '>pw1', '<pw2', '#' + 'a'.repeat(64), '!' + 'b'.repeat(64), '+@all', '~*', 'nopass']), [
    'acl', 'setuser', 'bob', 'on', '>******', '<******', '#******', '!******', '+@all', '~*', 'nopass',
  ]);
  // the user name is not a rule, even when it starts with a sigil
  t.is(maskAclRules(['acl', 'setuser', '>odd'])[2], '>odd');
});

test('audit: the line names address, user, the command (words upper case, odd arguments quoted) and the result', (t) => {
  const r = { time: 0, addr: '127.0.0.1:51234', user: 'default', ok: true, result: 'OK' };
  t.is(
    formatAuditLine({ ...r, command: formatAuditCommand(['sentinel', 'set', 'm', 'quorum', '3'], 2) }),
    'Audit: 127.0.0.1:51234 user default: SENTINEL SET m quorum 3 -> OK',
  );
  t.is(
    formatAuditLine({ ...r, ok: false, result: 'ERR No such master with that name', command: formatAuditCommand(['sentinel', 'reset', 'a b\r\n'], 2) }),
    'Audit: 127.0.0.1:51234 user default: SENTINEL RESET "a b\\r\\n" -> error: ERR No such master with that name',
  );
  t.is(formatAuditCommand(['acl', 'setuser', ''], 2), 'ACL SETUSER ""');
});

test('audit: the trail keeps the last records with growing ids and logs each one', (t) => {
  const lines: string[] = [];
  const log = new AuditLog(3, (l) => lines.push(l));
  for (let i = 0; i < 10; i++) log.record({ time: i, addr: 'a:1', user: 'u', command: `C ${i}`, ok: true, result: 'OK' });
  t.is(lines.length, 10);
  t.deepEqual(log.last(10).map((r) => [r.id, r.command]), [[8, 'C 7'], [9, 'C 8'], [10, 'C 9']]);
  t.deepEqual(log.last(1).map((r) => r.id), [10]);
  t.deepEqual(log.since(8).map((r) => r.id), [9, 10]);
  t.deepEqual(log.last(0), []);
});

test('audit: a huge command or result is kept and logged cut, with how much was left out', (t) => {
  const lines: string[] = [];
  const log = new AuditLog(10, (line) => lines.push(line));
  const argv = ['SENTINEL', 'SET', 'm', ...Array.from({ length: 2000 }, (_, i) => `rename-command x${i}`)];
  log.record({ time: 0, addr: '127.0.0.1:1', user: 'default', command: formatAuditCommand(argv, 2), ok: false, result: 'x'.repeat(5000) });
  const [r] = log.last(1);
  t.true(r!.command.length < AUDIT_TEXT_MAX + 40);
  t.regex(r!.command, /… \(\d+ more bytes\)$/);
  t.regex(r!.result, /^x{512}… \(4488 more bytes\)$/);
  t.true(lines[0]!.length < 2 * AUDIT_TEXT_MAX + 100);
});
