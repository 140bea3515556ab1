import test from 'ava';
import { hostResolver } from '../../../../src/commands/sentinel/host-check.js';
import { err, ok } from '../../../../src/resp/reply.js';
import { createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

test('sentinel monitor: creates the master, saves before replying, then +monitor and masterAdded', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'monitor', 'm1', '127.0.0.1', '6379', '2')), ok);
  const m = h.state.masters.get('m1')!;
  t.is(m.quorum, 2);
  t.is(m.downAfterPeriod, 30000);
  t.is(h.saves, 1);
  t.deepEqual(
    h.events.map((e) => [e.level, e.type, e.text]),
    [['warning', '+monitor', 'master m1 127.0.0.1 6379 quorum 2']],
  );
  t.deepEqual(h.monitors.calls, ['masterAdded:m1']);
});

test('sentinel monitor: validation order of sentinel.c', async (t) => {
  const h = harness();
  createMaster(h.state, 'dup', '127.0.0.1', 6379, 1, h.clock.monotonic());
  const cases: [string[], string][] = [
    [['m', '127.0.0.1', 'x', 'y'], 'ERR Invalid quorum'],
    [['m', '127.0.0.1', 'x', '2'], 'ERR Invalid port'],
    [['m', '127.0.0.1', ' 6379', '2'], 'ERR Invalid port'],
    [['m', '127.0.0.1', '+6379', '2'], 'ERR Invalid port'],
    [['m', '127.0.0.1', '06379', '2'], 'ERR Invalid port'],
    [['m', '127.0.0.1', '6379', '+1'], 'ERR Invalid quorum'],
    [['m', '127.0.0.1', '6379', '0'], 'ERR Quorum must be 1 or greater.'],
    [['m', '127.0.0.1', '6379', '-3'], 'ERR Quorum must be 1 or greater.'],
    [['m', 'localhost', '6379', '1'], 'ERR Invalid IP address or hostname specified'],
    [['dup', '127.0.0.1', '6379', '1'], 'ERR Duplicate master name.'],
    [['m', '127.0.0.1', '70000', '1'], 'ERR Invalid port number.'],
    [['m', '127.0.0.1', '-1', '1'], 'ERR Invalid port number.'],
    // the address is checked before the name, as createSentinelRedisInstance does
    [['dup', '127.0.0.1', '70000', '1'], 'ERR Invalid port number.'],
  ];
  for (const [args, text] of cases) {
    t.deepEqual(one(await h.run('sentinel', 'monitor', ...args)), err(text), args.join(' '));
  }
  t.is(h.saves, 0);
  t.deepEqual(h.events, []);
});

test('sentinel monitor: control characters are refused first, with the argv index', async (t) => {
  const h = harness();
  t.deepEqual(
    one(await h.run('sentinel', 'monitor', 'm\r\nx', '127.0.0.1', 'bad', '2')),
    err('ERR Invalid argument at index 2 for SENTINEL MONITOR: control characters are not allowed'),
  );
  t.deepEqual(
    one(await h.run('sentinel', 'monitor', 'm', '127.0.0.1', '6379', '2\x7f')),
    err('ERR Invalid argument at index 5 for SENTINEL MONITOR: control characters are not allowed'),
  );
  t.is(h.state.masters.size, 0);
});

test('sentinel monitor: IPv6 literals are accepted; hostnames only with resolve-hostnames and a resolver answer', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'monitor', 'v6', '::1', '6379', '1')), ok);
  h.state.resolveHostnames = true;
  const saved = hostResolver.resolves;
  t.teardown(() => (hostResolver.resolves = saved));
  hostResolver.resolves = async (host) => host === 'redis.internal';
  t.deepEqual(one(await h.run('sentinel', 'monitor', 'byname', 'redis.internal', '6379', '1')), ok);
  t.deepEqual(
    one(await h.run('sentinel', 'monitor', 'nope', 'no.such.host', '6379', '1')),
    err('ERR Invalid IP address or hostname specified'),
  );
});

test('sentinel monitor: a failed save keeps the master, replies the save error, and still emits +monitor', async (t) => {
  const h = harness();
  h.failSaves = true;
  t.deepEqual(
    one(await h.run('sentinel', 'monitor', 'm1', '127.0.0.1', '6379', '2')),
    err('ERR Failed to save config file. Check server logs.'),
  );
  t.true(h.state.masters.has('m1'));
  t.is(h.events[0]?.type, '+monitor');
});

test('sentinel remove: -monitor before removal, then save and +OK', async (t) => {
  const h = harness();
  createMaster(h.state, 'm1', '127.0.0.1', 6379, 2, h.clock.monotonic());
  let seenWhileEmitting = false;
  h.sentinel.events.subscribe((e) => {
    if (e.type === '-monitor') seenWhileEmitting = h.state.masters.has('m1');
  });
  t.deepEqual(one(await h.run('sentinel', 'remove', 'm1')), ok);
  t.true(seenWhileEmitting);
  t.false(h.state.masters.has('m1'));
  t.is(h.saves, 1);
  t.deepEqual(h.events.map((e) => `${e.type} ${e.text}`), ['-monitor master m1 127.0.0.1 6379']);
  t.deepEqual(h.monitors.calls, ['masterRemoved:m1']);
  t.deepEqual(one(await h.run('sentinel', 'remove', 'm1')), err('ERR No such master with that name'));
});

test('sentinel remove: a failed save still removes the master', async (t) => {
  const h = harness();
  createMaster(h.state, 'm1', '127.0.0.1', 6379, 2, h.clock.monotonic());
  h.failSaves = true;
  t.deepEqual(one(await h.run('sentinel', 'remove', 'm1')), err('ERR Failed to save config file. Check server logs.'));
  t.false(h.state.masters.has('m1'));
});

test('sentinel flushconfig: saves and replies +OK, or the save error', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'flushconfig')), ok);
  h.failSaves = true;
  t.deepEqual(one(await h.run('sentinel', 'flushconfig')), err('ERR Failed to save config file. Check server logs.'));
  t.is(h.saves, 2);
});
