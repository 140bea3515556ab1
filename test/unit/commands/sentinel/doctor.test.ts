import test from 'ava';
import { array, bulk, err, map } from '../../../../src/resp/reply.js';
import { addKnownReplica, createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

function setup() {
  const h = harness();
  for (const [name, port] of [['a', 16379], ['b', 16479]] as const) {
    const created = createMaster(h.state, name, '127.0.0.1', port, 2, h.clock.monotonic());
    if (!created.ok) throw new Error(created.error);
    addKnownReplica(h.state, created.value, '127.0.0.1', port + 1, h.clock.monotonic());
  }
  return h;
}

test('sentinel doctor: one map per node, missing commands with their refusal, reason when unchecked', async (t) => {
  const h = setup();
  h.monitors.doctorFindings.set('a', [
    { master: 'a', name: '127.0.0.1:16379', role: 'master', user: 'u', status: 'missing', reason: null,
      missing: [{ command: 'CONFIG REWRITE', error: "NOPERM this user has no permissions to run the 'config|rewrite' command" }] },
    { master: 'a', name: '127.0.0.1:16380', role: 'slave', user: 'u', status: 'ok', reason: null, missing: [] },
  ]);
  t.deepEqual(one(await h.run('sentinel', 'doctor', 'a')), array([
    map([['master', bulk('a')], ['name', bulk('127.0.0.1:16379')], ['role', bulk('master')], ['user', bulk('u')], ['status', bulk('missing')],
      ['missing', map([['CONFIG REWRITE', bulk("NOPERM this user has no permissions to run the 'config|rewrite' command")]])]]),
    map([['master', bulk('a')], ['name', bulk('127.0.0.1:16380')], ['role', bulk('slave')], ['user', bulk('u')], ['status', bulk('ok')], ['missing', map([])]]),
  ]));
  t.deepEqual(h.monitors.calls.filter((c) => c.startsWith('doctor')), ['doctor:a']);
});

test('sentinel doctor: * asks about every master in table order; an unknown master is refused', async (t) => {
  const h = setup();
  const all = one(await h.run('sentinel', 'doctor', '*'));
  t.is(all.t, 'array');
  const rows = (all as unknown as { items: { entries: [string, { b: string }][] }[] }).items.map((r) => Object.fromEntries(r.entries.map(([k, v]) => [k, v.b])));
  t.deepEqual(rows.map((r) => `${r['master']} ${r['name']} ${r['role']} ${r['status']} ${r['user']}`), [
    'a 127.0.0.1:16379 master unchecked default', 'a 127.0.0.1:16380 slave unchecked default',
    'b 127.0.0.1:16479 master unchecked default', 'b 127.0.0.1:16480 slave unchecked default',
  ]);
  t.is(rows[0]!['reason'], 'fake monitors');
  t.deepEqual(one(await h.run('sentinel', 'doctor', 'nope')), err('ERR No such master with that name'));
  t.is(one(await h.run('sentinel', 'doctor')).t, 'error', 'arity');
});
