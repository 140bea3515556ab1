import test from 'ava';
import { err, ok } from '../../../../src/resp/reply.js';
import { createMaster } from '../../../../src/sentinel/state.js';
import { harness, one, wire } from '../../../helpers/fake-context.js';

function setup() {
  const h = harness();
  for (const name of ['a', 'b']) {
    const created = createMaster(h.state, name, '127.0.0.1', name === 'a' ? 16379 : 16380, 2, h.clock.monotonic());
    if (!created.ok) throw new Error(created.error);
  }
  return h;
}

const entries = (r: unknown) => (one(r as never) as unknown as { items: { entries: [string, { b: string }][] }[] }).items.map((m) =>
  Object.fromEntries(m.entries.map(([k, v]) => [k, v.b])));

test('sentinel events: the last events of one master, newest last, as id/time/type/text maps', async (t) => {
  const h = setup();
  await h.run('sentinel', 'reset', 'a');
  await h.run('sentinel', 'reset', 'b');
  await h.run('sentinel', 'reset', 'a');
  const a = entries(await h.run('sentinel', 'events', 'a'));
  t.deepEqual(a.map((e) => [e.id, e.type, e.text]), [
    ['1', '+reset-master', 'master a 127.0.0.1 16379'],
    ['3', '+reset-master', 'master a 127.0.0.1 16379'],
  ]);
  t.is(a[0]!.time, String(h.clock.wall()));
  t.deepEqual(entries(await h.run('sentinel', 'events', 'a', '1')).map((e) => e.id), ['3']);
  t.deepEqual(entries(await h.run('sentinel', 'events', '*')).map((e) => e.id), ['1', '2', '3']);
  t.deepEqual(entries(await h.run('sentinel', 'events', '*', '2')).map((e) => e.id), ['2', '3']);
  t.regex(wire(await h.run('sentinel', 'events', 'b'), 3), /^\*1\r\n%4\r\n\$2\r\nid\r\n\$1\r\n2\r\n/);
});

test('sentinel events: Sentinel-style errors for an unknown master, a bad count, extra arguments', async (t) => {
  const h = setup();
  t.deepEqual(one(await h.run('sentinel', 'events', 'nosuch')), err('ERR No such master with that name'));
  t.deepEqual(one(await h.run('sentinel', 'events', 'a', 'ten')), err('ERR value is not an integer or out of range'));
  t.deepEqual(one(await h.run('sentinel', 'events', 'a', '0')), err('ERR value is out of range, must be positive'));
  t.deepEqual(one(await h.run('sentinel', 'events', 'a', '-1')), err('ERR value is out of range, must be positive'));
  t.deepEqual(one(await h.run('sentinel', 'events', 'a', '1', 'x')), err("ERR unknown subcommand or wrong number of arguments for 'events'. Try SENTINEL HELP."));
  t.deepEqual(one(await h.run('sentinel', 'events')), err("ERR wrong number of arguments for 'sentinel|events' command"));
  t.deepEqual(entries(await h.run('sentinel', 'events', 'a', '99999999')), []);
});

test('audit: admin commands are recorded with client, user, masked command and result; reads are not', async (t) => {
  const h = setup();
  t.deepEqual(one(await h.run('sentinel', 'set', 'a', 'quorum', '1', 'auth-pass', 'Sekr1t')), ok);
  await h.run('sentinel', 'set', 'nosuch', 'quorum', '1');
  await h.run('sentinel', 'reset', '*');
  await h.run('sentinel', 'config', 'set', 'sentinel-pass', 'Sekr2t');
  await h.run('sentinel', 'config', 'get', '*');
  await h.run('sentinel', 'masters');
  await h.run('sentinel', 'events', '*');
  await h.run('acl', 'setuser', 'bob', 'on', '>Sekr3t');
  await h.run('sentinel', 'set', 'a', 'argus-webhook', 'https://hooks.example.com/Sekr4t');
  const addr = h.client.addr;
  t.deepEqual(h.auditLines, [
    `Audit: ${addr} user default: SENTINEL SET a quorum 1 auth-pass ****** -> OK`,
    `Audit: ${addr} user default: SENTINEL SET nosuch quorum 1 -> error: ERR No such master with that name`,
    `Audit: ${addr} user default: SENTINEL RESET * -> (integer) 2`,
    `Audit: ${addr} user default: SENTINEL CONFIG set sentinel-pass ****** -> OK`,
    `Audit: ${addr} user default: ACL SETUSER bob on >****** -> OK`,
    // deny-scripts-reconfig (on by default) refuses it: the URL is masked all the same
    `Audit: ${addr} user default: SENTINEL SET a argus-webhook https://hooks.example.com/****** -> error: ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration`,
  ]);
  t.false(JSON.stringify(h.audit.last(10)).includes('Sekr'));
  t.like(h.audit.last(2)[0], { id: 5, addr, user: 'default', ok: true, result: 'OK', command: 'ACL SETUSER bob on >******' });
});
