import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig } from '../../../src/config/rewrite.js';
import { err, ok } from '../../../src/resp/reply.js';
import { pingPeriodOf } from '../../../src/sentinel/periodic.js';
import { createMaster } from '../../../src/sentinel/state.js';
import { ConfigLineError } from '../../../src/errors.js';
import { harness, one } from '../../helpers/fake-context.js';

const BASE = 'sentinel myid 0123456789012345678901234567890123456789\nsentinel monitor m 127.0.0.1 6379 2\n';

test('argus-ping-period: loads from the config and round-trips through the rewrite', (t) => {
  const loaded = loadConfig(`${BASE}sentinel argus-ping-period m 100\n`, '/tmp/s.conf', [], 0);
  const m = loaded.state.masters.get('m')!;
  t.is(m.argusPingPeriod, 100);
  const text = rewriteConfig(`${BASE}sentinel argus-ping-period m 100\n`, loaded.server, loaded.state, { cwd: '/tmp' });
  t.regex(text, /^sentinel argus-ping-period m 100$/m);
  t.is(loadConfig(text, '/tmp/s.conf', [], 0).state.masters.get('m')!.argusPingPeriod, 100);
});

test('argus-ping-period: a value back at 0 disappears from the rewritten file', (t) => {
  const old = `${BASE}sentinel argus-ping-period m 100\n`;
  const loaded = loadConfig(old, '/tmp/s.conf', [], 0);
  loaded.state.masters.get('m')!.argusPingPeriod = 0;
  t.notRegex(rewriteConfig(old, loaded.server, loaded.state, { cwd: '/tmp' }), /argus-ping-period/);
});

test('argus-ping-period: out-of-range values stop start-up with a clear reason', (t) => {
  for (const v of ['5', '-1', 'abc', '60001']) {
    const e = t.throws(() => loadConfig(`${BASE}sentinel argus-ping-period m ${v}\n`, '/tmp/s.conf', [], 0), {
      instanceOf: ConfigLineError,
    });
    t.is(e?.line, 3);
    t.regex(e?.reason ?? '', /^argus-ping-period must be 0/);
  }
});

test('argus-ping-period: replaces the ping period in the PING rule, never beyond down-after', (t) => {
  const loaded = loadConfig(`${BASE}sentinel down-after-milliseconds m 50\n`, '/tmp/s.conf', [], 0);
  const m = loaded.state.masters.get('m')!;
  const ctx = { now: 0, timings: loaded.state.timings, tilt: false, resolveHostnames: false, announceHostnames: false, myid: '' };
  t.is(pingPeriodOf(m, m, ctx), 50);
  m.downAfterPeriod = 30_000;
  t.is(pingPeriodOf(m, m, ctx), 1_000);
  m.argusPingPeriod = 100;
  t.is(pingPeriodOf(m, m, ctx), 100);
});

test('argus-ping-period: SENTINEL SET accepts it, emits +set, saves; bad values are refused', async (t) => {
  const h = harness();
  const created = createMaster(h.state, 'm', '127.0.0.1', 6379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  t.deepEqual(one(await h.run('sentinel', 'set', 'm', 'argus-ping-period', '100')), ok);
  t.is(created.value.argusPingPeriod, 100);
  t.is(h.events.at(-1)?.text, 'master m 127.0.0.1 6379 argus-ping-period 100');
  t.is(h.saves, 1);
  t.deepEqual(one(await h.run('sentinel', 'set', 'm', 'argus-ping-period', '3')), err("ERR Invalid argument '3' for SENTINEL SET 'argus-ping-period'"));
  t.is(created.value.argusPingPeriod, 100);
});
