import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig } from '../../../src/config/rewrite.js';
import { ConfigLineError } from '../../../src/errors.js';
import { EventBus } from '../../../src/events/bus.js';
import type { SentinelEvent } from '../../../src/events/event.js';
import { err, ok } from '../../../src/resp/reply.js';
import { createMaster, newSentinelState } from '../../../src/sentinel/state.js';
import { instanceOf, webhookBody } from '../../../src/webhooks/payload.js';
import {
  addGlobalWebhook, addMasterWebhook, globalWebhooks, masterWebhooks, redactUrl, webhookUrl,
} from '../../../src/webhooks/targets.js';
import { exitCodeOf, WebhookRunner, type WebhookPost } from '../../../src/webhooks/webhook-runner.js';
import { harness, one } from '../../helpers/fake-context.js';
import { FakeTime } from './fake-time.js';

const BASE = 'sentinel myid 0123456789012345678901234567890123456789\nsentinel monitor m 127.0.0.1 6379 2\n';

test('webhook payload: the instance description is read back from the text', (t) => {
  t.is(instanceOf('+sdown', 'master m 10.0.0.1 6379', 'm'), 'master m 10.0.0.1 6379');
  t.is(instanceOf('+odown', 'master m 10.0.0.1 6379 #quorum 2/2', 'm'), 'master m 10.0.0.1 6379');
  t.is(
    instanceOf('+slave', 'slave 10.0.0.2:6380 10.0.0.2 6380 @ m 10.0.0.1 6379', 'm'),
    'slave 10.0.0.2:6380 10.0.0.2 6380 @ m 10.0.0.1 6379',
  );
  t.is(
    instanceOf('+sentinel-address-update', `sentinel ${'a'.repeat(40)} 10.0.0.3 26379 @ m 10.0.0.1 6379 2 additional matching instances`, 'm'),
    `sentinel ${'a'.repeat(40)} 10.0.0.3 26379 @ m 10.0.0.1 6379`,
  );
  // no prefix even though the master is known, and a master named like a kind
  t.is(instanceOf('+switch-master', 'master 10.0.0.1 6379 10.0.0.2 6380', 'master'), null);
  t.is(instanceOf('+new-epoch', '7', 'm'), null);
  t.is(instanceOf('+tilt', '#tilt mode entered', null), null);
});

test('webhook payload: JSON with type, level, master, instance, text, time, epoch, sentinel', (t) => {
  const e: SentinelEvent = { level: 'warning', type: '+sdown', text: 'master m 10.0.0.1 6379', master: 'm', time: Date.UTC(2026, 0, 2, 3, 4, 5, 678) };
  t.deepEqual(JSON.parse(webhookBody(e, 12, 'f'.repeat(40))), {
    type: '+sdown',
    level: 'warning',
    master: 'm',
    instance: 'master m 10.0.0.1 6379',
    text: 'master m 10.0.0.1 6379',
    time: '2026-01-02T03:04:05.678Z',
    epoch: 12,
    sentinel: 'f'.repeat(40),
  });
  // bytes are latin1 inside Argus; a UTF-8 master name arrives as characters
  const name = Buffer.from('müster', 'utf8').toString('latin1');
  t.is(JSON.parse(webhookBody({ ...e, master: name, text: `master ${name} 10.0.0.1 6379` }, 0, '')).master, 'müster');
});

test('webhook targets: only absolute http(s) URLs; the event and logs show the origin only', (t) => {
  t.is(webhookUrl('https://hooks.example.com/services/T0/B0/XYZ'), 'https://hooks.example.com/services/T0/B0/XYZ');
  t.is(webhookUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/');
  for (const bad of ['ftp://x/', 'hooks.example.com/x', '', 'http://', 'file:///etc/passwd']) t.is(webhookUrl(bad), null, bad);
  t.is(redactUrl('https://hooks.example.com/services/T0/B0/XYZ'), 'https://hooks.example.com/******');
  t.is(redactUrl('https://user:pw@example.com:8443/'), 'https://example.com:8443');
});

test('exitCodeOf: 2xx done, 408/425/429/5xx retried, any other status given up', (t) => {
  t.deepEqual([200, 204, 299].map(exitCodeOf), [0, 0, 0]);
  t.deepEqual([408, 425, 429, 500, 503].map(exitCodeOf), [1, 1, 1, 1, 1]);
  t.deepEqual([301, 400, 401, 404, 410].map(exitCodeOf), [2, 2, 2, 2, 2]);
});

test('argus-webhook: loads per master and for *, and round-trips through the rewrite', (t) => {
  const conf = `${BASE}sentinel argus-webhook m http://127.0.0.1:9/a\nsentinel argus-webhook * https://hooks.example.com/x\nsentinel argus-webhook m http://127.0.0.1:9/b\n`;
  const loaded = loadConfig(conf, '/tmp/s.conf', [], 0);
  const m = loaded.state.masters.get('m')!;
  t.deepEqual(masterWebhooks(m), ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
  t.deepEqual(globalWebhooks(loaded.state), ['https://hooks.example.com/x']);
  const text = rewriteConfig(conf, loaded.server, loaded.state, { cwd: '/tmp' });
  t.is(text.match(/^sentinel argus-webhook .*$/gm)?.length, 3);
  const again = loadConfig(text, '/tmp/s.conf', [], 0);
  t.deepEqual(masterWebhooks(again.state.masters.get('m')!), ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
  t.deepEqual(globalWebhooks(again.state), ['https://hooks.example.com/x']);
});

test('argus-webhook: a removed master takes its lines with it; a URL with a space is quoted', (t) => {
  const conf = `${BASE}sentinel argus-webhook m http://127.0.0.1:9/a\n`;
  const loaded = loadConfig(conf, '/tmp/s.conf', [], 0);
  addGlobalWebhook(loaded.state, 'http://127.0.0.1:9/a b');
  loaded.state.masters.delete('m');
  const text = rewriteConfig(conf, loaded.server, loaded.state, { cwd: '/tmp' });
  t.deepEqual(text.match(/^sentinel argus-webhook .*$/gm), ['sentinel argus-webhook * "http://127.0.0.1:9/a b"']);
});

test('argus-webhook: a bad URL or an unknown master stops start-up with a reason', (t) => {
  const bad = t.throws(() => loadConfig(`${BASE}sentinel argus-webhook m ftp://x/\n`, '/tmp/s.conf', [], 0), { instanceOf: ConfigLineError });
  t.is(bad?.reason, 'argus-webhook needs an http:// or https:// URL.');
  const unknown = t.throws(() => loadConfig(`${BASE}sentinel argus-webhook zz http://x/\n`, '/tmp/s.conf', [], 0), { instanceOf: ConfigLineError });
  t.is(unknown?.reason, 'No such master with specified name.');
});

test('sentinel set argus-webhook: refused under deny-scripts-reconfig, else added with a redacted +set', async (t) => {
  const h = harness();
  createMaster(h.state, 'm', '127.0.0.1', 6379, 1, 0);
  const m = h.state.masters.get('m')!;
  t.deepEqual(
    one(await h.run('sentinel', 'set', 'm', 'argus-webhook', 'http://127.0.0.1:9/x')),
    err('ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration'),
  );
  h.state.denyScriptsReconfig = false;
  t.deepEqual(one(await h.run('sentinel', 'set', 'm', 'argus-webhook', 'nope')), err("ERR Invalid argument 'nope' for SENTINEL SET 'argus-webhook'"));
  t.deepEqual(one(await h.run('sentinel', 'set', 'm', 'argus-webhook', 'https://hooks.example.com/T/B/secret')), ok);
  t.deepEqual(masterWebhooks(m), ['https://hooks.example.com/T/B/secret']);
  t.is(h.events.at(-1)?.text, 'master m 127.0.0.1 6379 argus-webhook https://hooks.example.com/******');
  t.is(h.saves, 1);
  t.deepEqual(one(await h.run('sentinel', 'set', 'm', 'argus-webhook', '')), ok);
  t.deepEqual(masterWebhooks(m), []);
});

/** A receiver the test answers by hand: each POST waits for resolve/reject. */
function fakeReceiver() {
  const calls: { url: string; body: Record<string, unknown>; answer: (status: number) => void; fail: (e: Error) => void; signal: AbortSignal }[] = [];
  const post: WebhookPost = (url, body, signal) =>
    new Promise<number>((resolve, reject) => {
      calls.push({ url, body: JSON.parse(body) as Record<string, unknown>, answer: resolve, fail: reject, signal });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  return { calls, post };
}

function webhookSetup() {
  const time = new FakeTime();
  const state = newSentinelState();
  state.myid = 'c'.repeat(40);
  const m = createMaster(state, 'm', '127.0.0.1', 6379, 1, 0);
  const other = createMaster(state, 'other', '127.0.0.1', 6390, 1, 0);
  if (!m.ok || !other.ok) throw new Error('createMaster');
  const events = new EventBus(time);
  const logs: string[] = [];
  const rx = fakeReceiver();
  const runner = new WebhookRunner({ state, clock: time, log: (l, msg) => logs.push(`${l} ${msg}`), post: rx.post, timers: time });
  events.subscribe((e) => runner.notify(e));
  return { time, state, m: m.value, other: other.value, events, logs, rx, runner };
}

const settle = () => new Promise((r) => setImmediate(r));

test('webhook runner: a master webhook gets that master’s published events, one POST at a time, in order', async (t) => {
  const { time, m, other, events, rx } = webhookSetup();
  addMasterWebhook(m, 'http://rx/a');
  events.instanceEvent('warning', '+sdown', m, m);
  events.instanceEvent('warning', '+odown', m, m, '#quorum 1/1');
  events.instanceEvent('warning', '+sdown', other, other);
  events.instanceEvent('debug', '+script-child', m, m);
  events.publish('warning', '+tilt', '#tilt mode entered');
  time.advance(0);
  t.deepEqual(rx.calls.map((c) => c.body.type), ['+sdown']);
  rx.calls[0]!.answer(204);
  await settle();
  time.advance(0);
  t.deepEqual(rx.calls.map((c) => c.body.type), ['+sdown', '+odown']);
  t.like(rx.calls[1]!.body, { master: 'm', instance: 'master m 127.0.0.1 6379', text: 'master m 127.0.0.1 6379 #quorum 1/1' });
});

test('webhook runner: * webhooks get every published event, +tilt and other masters included', (t) => {
  const { time, state, m, other, events, rx } = webhookSetup();
  addGlobalWebhook(state, 'http://rx/all');
  addGlobalWebhook(state, 'http://rx/all2');
  events.instanceEvent('warning', '+sdown', other, other);
  events.publish('warning', '+tilt', '#tilt mode entered');
  events.instanceEvent('notice', '+slave', m, m);
  time.advance(0);
  t.deepEqual(rx.calls.map((c) => `${c.url} ${c.body.type}`), ['http://rx/all +sdown', 'http://rx/all2 +sdown']);
});

test('webhook runner: a 500 is retried after script-retry-delay; later events wait so order is kept', async (t) => {
  const { time, m, events, rx, logs } = webhookSetup();
  addMasterWebhook(m, 'http://rx/a');
  events.instanceEvent('warning', '+sdown', m, m);
  events.instanceEvent('warning', '-sdown', m, m);
  time.advance(0);
  rx.calls[0]!.answer(500);
  await settle();
  t.deepEqual(logs, ['notice Webhook http://rx/****** (+sdown) failed: HTTP 500; attempt 1 of 10, next in 30000 ms']);
  time.advance(29_999);
  t.is(rx.calls.length, 1);
  time.advance(1);
  t.deepEqual(rx.calls.map((c) => c.body.type), ['+sdown', '+sdown']);
  rx.calls[1]!.answer(200);
  await settle();
  time.advance(0);
  t.deepEqual(rx.calls.map((c) => c.body.type), ['+sdown', '+sdown', '-sdown']);
});

test('webhook runner: a 404 is given up at once with a warning; the next event goes out', async (t) => {
  const { time, m, events, rx, logs, runner } = webhookSetup();
  addMasterWebhook(m, 'http://rx/a');
  events.instanceEvent('warning', '+sdown', m, m);
  events.instanceEvent('warning', '-sdown', m, m);
  time.advance(0);
  rx.calls[0]!.answer(404);
  await settle();
  t.deepEqual(logs, ['warning Webhook http://rx/****** (+sdown) failed: HTTP 404; giving up after 1 attempts']);
  time.advance(0);
  t.is(rx.calls.at(-1)!.body.type, '-sdown');
  t.is(runner.pending().length, 1);
});

test('webhook runner: a receiver that never answers is aborted after script-max-runtime and retried', async (t) => {
  const { time, m, events, rx, logs } = webhookSetup();
  addMasterWebhook(m, 'http://rx/a');
  events.instanceEvent('warning', '+sdown', m, m);
  time.advance(0);
  time.advance(60_001);
  t.true(rx.calls[0]!.signal.aborted);
  await settle();
  t.deepEqual(logs, ['notice Webhook http://rx/****** (+sdown) failed: no answer within 60000 ms; attempt 1 of 10, next in 30000 ms']);
  time.advance(30_000);
  t.is(rx.calls.length, 2);
});

test('webhook runner: a network error is retried like exit 1', async (t) => {
  const { time, m, events, rx, logs } = webhookSetup();
  addMasterWebhook(m, 'http://rx/a');
  events.instanceEvent('warning', '+sdown', m, m);
  time.advance(0);
  rx.calls[0]!.fail(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
  await settle();
  t.regex(logs[0]!, /failed: ECONNREFUSED; attempt 1 of 10/);
});
