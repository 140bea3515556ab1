import test from 'ava';
import { array, bulk, err, int, map, nullBulk, simple, type Reply } from '../../../src/resp/reply.js';
import { harness, one } from '../../helpers/fake-context.js';

const items = (r: Reply): readonly Reply[] => (r.t === 'array' ? r.items : []);

test('command count: the top-level sentinel table (redis-sentinel 7.0.15: 15, Argus adds QUIT)', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('command', 'count')), int(16));
});

test('command: the full table, one 10-element entry per command', async (t) => {
  const h = harness();
  const all = items(one(await h.run('command')));
  t.is(all.length, 16);
  t.true(all.every((e) => items(e).length === 10));
  const names = all.map((e) => items(e)[0]);
  for (const n of ['sentinel', 'ping', 'info', 'client', 'hello', 'auth', 'subscribe', 'publish', 'shutdown', 'role']) {
    t.true(names.some((x) => x?.t === 'bulk' && x.b === n), n);
  }
});

test('command info: shape of a command entry, nulls for unknown names', async (t) => {
  const h = harness();
  t.deepEqual(
    one(await h.run('command', 'info', 'PING', 'foo')),
    array([
      array([
        bulk('ping'), int(-1), array([simple('fast')]), int(0), int(0), int(0),
        array([simple('@fast'), simple('@connection')]),
        array([bulk('request_policy:all_shards'), bulk('response_policy:all_succeeded')]),
        array([]), array([]),
      ]),
      nullBulk,
    ]),
  );
});

test('command info: subcommands nested with their full names; admin flags on SENTINEL subcommands but HELP', async (t) => {
  const h = harness();
  const [sentinel] = items(one(await h.run('command', 'info', 'sentinel')));
  const e = items(sentinel!);
  t.deepEqual(e.slice(0, 3), [bulk('sentinel'), int(-2), array([simple('admin')])]);
  const subs = items(e[9]!);
  const byName = new Map(subs.map((s) => [(items(s)[0] as { b: string }).b, items(s)]));
  t.deepEqual(byName.get('sentinel|masters')!.slice(1, 3), [int(2), array([simple('admin')])]);
  t.deepEqual(byName.get('sentinel|masters')![6], array([simple('@admin'), simple('@slow'), simple('@dangerous')]));
  t.deepEqual(byName.get('sentinel|help')!.slice(1, 3), [int(2), array([simple('loading'), simple('stale')])]);
  t.deepEqual(byName.get('sentinel|help')![6], array([simple('@slow')]));
  t.deepEqual(byName.get('sentinel|config')![1], int(-4));
  t.deepEqual(byName.get('sentinel|set')![1], int(-5));
  t.true(byName.has('sentinel|primary') && byName.has('sentinel|is-primary-down-by-addr'));
  t.deepEqual(
    one(await h.run('command', 'info', 'client|setinfo')),
    array([
      array([
        bulk('client|setinfo'), int(4), array([simple('noscript'), simple('loading'), simple('stale')]), int(0), int(0), int(0),
        array([simple('@slow'), simple('@connection')]), array([]), array([]), array([]),
      ]),
    ]),
  );
});

test('command docs: maps keyed by full name, subcommands nested, unknown names left out', async (t) => {
  const h = harness();
  const r = one(await h.run('command', 'docs', 'ROLE', 'nosuch', 'client|id'));
  if (r.t !== 'map') return t.fail();
  t.deepEqual(r.entries.map(([k]) => k), ['role', 'client|id']);
  const role = r.entries[0]![1];
  t.deepEqual(role.t === 'map' ? role.entries.map(([k]) => k) : [], ['summary', 'since', 'group', 'complexity']);
  const slaves = one(await h.run('command', 'docs', 'sentinel|slaves'));
  const doc = slaves.t === 'map' && slaves.entries[0]![1].t === 'map' ? new Map(slaves.entries[0]![1].entries) : new Map();
  t.deepEqual(doc.get('doc_flags'), array([simple('deprecated')]));
  t.deepEqual(doc.get('deprecated_since'), bulk('5.0.0'));
  const sentinel = one(await h.run('command', 'docs', 'sentinel'));
  const sdoc = sentinel.t === 'map' && sentinel.entries[0]![1].t === 'map' ? new Map(sentinel.entries[0]![1].entries) : new Map();
  const subs = sdoc.get('subcommands');
  t.true(subs?.t === 'map' && subs.entries.some(([k]: [string]) => k === 'sentinel|get-master-addr-by-name'));
  const all = one(await h.run('command', 'docs'));
  t.is(all.t === 'map' ? all.entries.length : 0, 16);
  t.deepEqual(one(await h.run('command', 'docs', 'nosuch')), map([]));
});

test('command list: every full name; filters by ACL category, pattern and module', async (t) => {
  const h = harness();
  const names = (r: Reply) => items(r).map((x) => (x.t === 'bulk' ? x.b : ''));
  const all = names(one(await h.run('command', 'list')));
  t.true(all.includes('sentinel|get-master-addr-by-name') && all.includes('client|setinfo') && all.includes('ping'));
  t.deepEqual(names(one(await h.run('command', 'list', 'FILTERBY', 'ACLCAT', 'pubsub'))).sort(), [
    'psubscribe', 'publish', 'punsubscribe', 'subscribe', 'unsubscribe',
  ]);
  const s = names(one(await h.run('command', 'list', 'filterby', 'pattern', 'SENTINEL|M*')));
  t.deepEqual(s.sort(), ['sentinel|maintenance', 'sentinel|master', 'sentinel|masters', 'sentinel|monitor', 'sentinel|myid']);
  t.deepEqual(one(await h.run('command', 'list', 'filterby', 'module', 'x')), array([]));
  t.deepEqual(one(await h.run('command', 'list', 'filterby', 'foo', 'x')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('command', 'list', 'x')), err('ERR syntax error'));
});

test('command getkeys: invalid command, or no key arguments', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('command', 'getkeys', 'foo', 'x')), err('ERR Invalid command specified'));
  t.deepEqual(one(await h.run('command', 'getkeys', 'sentinel', 'nosuch')), err('ERR Invalid command specified'));
  t.deepEqual(one(await h.run('command', 'getkeys', 'ping', 'x')), err('ERR The command has no key arguments'));
  t.deepEqual(one(await h.run('command', 'getkeysandflags', 'sentinel', 'masters')), err('ERR The command has no key arguments'));
});

test('command help: usage first, HELP last', async (t) => {
  const h = harness();
  const r = items(one(await h.run('command', 'help')));
  t.deepEqual(r[0], simple('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'));
  t.deepEqual(r.slice(-2), [simple('HELP'), simple('    Prints this help.')]);
});
