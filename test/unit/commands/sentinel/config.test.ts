import test from 'ava';
import { bulk, err, map, ok } from '../../../../src/resp/reply.js';
import { harness, one } from '../../../helpers/fake-context.js';

const keys = (r: ReturnType<typeof one>) => (r.t === 'map' ? r.entries.map(([k]) => k) : null);

test('sentinel config get: "*" lists every parameter in the fixed order with their values', async (t) => {
  const h = harness();
  h.state.announcePort = 26380;
  h.state.sentinelPass = 'pw';
  t.deepEqual(
    one(await h.run('sentinel', 'config', 'get', '*')),
    map([
      ['resolve-hostnames', bulk('no')],
      ['announce-hostnames', bulk('no')],
      ['announce-ip', bulk('')],
      ['announce-port', bulk('26380')],
      ['sentinel-user', bulk('')],
      ['sentinel-pass', bulk('pw')],
      ['loglevel', bulk('notice')],
    ]),
  );
});

test('sentinel config get: patterns are case-insensitive globs, in pattern order, each parameter once', async (t) => {
  const h = harness();
  t.deepEqual(keys(one(await h.run('sentinel', 'config', 'get', 'ANNOUNCE*'))), ['announce-hostnames', 'announce-ip', 'announce-port']);
  t.deepEqual(keys(one(await h.run('sentinel', 'config', 'GET', 'loglevel', '*-hostnames', 'announce-ip', 'LogLevel'))), [
    'loglevel',
    'resolve-hostnames',
    'announce-hostnames',
    'announce-ip',
  ]);
  t.deepEqual(keys(one(await h.run('sentinel', 'config', 'get', 'sentinel-?ser'))), ['sentinel-user']);
  t.deepEqual(one(await h.run('sentinel', 'config', 'get', 'nothing-like-this')), map([]));
});

test('sentinel config: anything but GET with a pattern or SET with a pair is a usage error', async (t) => {
  const h = harness();
  const usage = err(
    'ERR Only SENTINEL CONFIG GET <param> [<param> <param> ...] / SET <param> <value> [<param> <value> ...] are supported.',
  );
  t.deepEqual(one(await h.run('sentinel', 'config', 'foo', 'x')), usage);
  t.deepEqual(one(await h.run('sentinel', 'config', 'set', 'x')), usage);
  t.deepEqual(one(await h.run('sentinel', 'config', 'get')), err("ERR wrong number of arguments for 'sentinel|config' command"));
});

test('sentinel config set: several parameters at once, saved before the reply', async (t) => {
  const h = harness();
  t.deepEqual(
    one(
      await h.run('sentinel', 'config', 'set', 'resolve-hostnames', 'YES', 'Announce-Hostnames', 'yes', 'announce-ip', '10.0.0.9',
        'announce-port', '26400', 'loglevel', 'WARNING'),
    ),
    ok,
  );
  t.true(h.state.resolveHostnames);
  t.true(h.state.announceHostnames);
  t.is(h.state.announceIp, '10.0.0.9');
  t.is(h.state.announcePort, 26400);
  t.deepEqual(h.logLevels, ['warning']);
  t.deepEqual(h.server.get('loglevel'), ['warning']);
  t.deepEqual(one(await h.run('sentinel', 'config', 'get', 'loglevel')), map([['loglevel', bulk('warning')]]));
  t.is(h.saves, 1);
  t.deepEqual(h.monitors.calls, []);
});

test('sentinel config set: every pair is validated before any is applied', async (t) => {
  const h = harness();
  const cases: [string[], string][] = [
    [['announce-port', '1', 'foo', 'x'], "ERR Invalid argument 'foo' to SENTINEL CONFIG SET"],
    [['announce-port', '1', 'ANNOUNCE-PORT', '2'], "ERR Duplicate argument 'ANNOUNCE-PORT' to SENTINEL CONFIG SET"],
    [['announce-port', '1', 'announce-ip'], "ERR Missing argument 'announce-ip' value"],
    [['announce-port', '1', 'announce-port'], "ERR Duplicate argument 'announce-port' to SENTINEL CONFIG SET"],
    [['announce-ip', 'x', 'announce-port', '65536'], "ERR Invalid value '65536' to SENTINEL CONFIG SET 'announce-port'"],
    [['announce-port', '-1'], "ERR Invalid value '-1' to SENTINEL CONFIG SET 'announce-port'"],
    [['announce-port', 'x'], "ERR Invalid value 'x' to SENTINEL CONFIG SET 'announce-port'"],
    [['resolve-hostnames', 'maybe'], "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'"],
    [['announce-hostnames', '1'], "ERR Invalid value '1' to SENTINEL CONFIG SET 'announce-hostnames'"],
    [['loglevel', 'loud'], "ERR Invalid value 'loud' to SENTINEL CONFIG SET 'loglevel'"],
  ];
  for (const [args, text] of cases) t.deepEqual(one(await h.run('sentinel', 'config', 'set', ...args)), err(text), args.join(' '));
  t.is(h.state.announceIp, null);
  t.is(h.state.announcePort, 0);
  t.is(h.saves, 0);
});

test('sentinel config set: control characters are refused with the argv index', async (t) => {
  const h = harness();
  t.deepEqual(
    one(await h.run('sentinel', 'config', 'set', 'sentinel-pass', 'a\nb')),
    err('ERR Invalid argument at index 4 for SENTINEL CONFIG SET: control characters are not allowed'),
  );
  t.is(h.state.sentinelPass, null);
});

test('sentinel config set: sentinel-user/pass drop the peer links after saving; "" unsets', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('sentinel', 'config', 'set', 'sentinel-user', 'peer', 'sentinel-pass', 'pw')), ok);
  t.is(h.state.sentinelUser, 'peer');
  t.is(h.state.sentinelPass, 'pw');
  t.deepEqual(h.monitors.calls, ['peerAuthChanged']);
  t.deepEqual(one(await h.run('sentinel', 'config', 'set', 'sentinel-pass', '')), ok);
  t.is(h.state.sentinelPass, null);
});

test('sentinel config set: an empty announce-ip unsets it at once', async (t) => {
  const h = harness();
  h.state.announceIp = '10.0.0.1';
  t.deepEqual(one(await h.run('sentinel', 'config', 'set', 'announce-ip', '')), ok);
  t.is(h.state.announceIp as string | null, null);
  t.deepEqual(one(await h.run('sentinel', 'config', 'get', 'announce-ip')), map([['announce-ip', bulk('')]]));
});

test('sentinel config set: a failed save keeps the change and replies the save error', async (t) => {
  const h = harness();
  h.failSaves = true;
  t.deepEqual(
    one(await h.run('sentinel', 'config', 'set', 'announce-port', '7')),
    err('ERR Failed to save config file. Check server logs.'),
  );
  t.is(h.state.announcePort, 7);
});
