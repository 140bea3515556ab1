import test from 'ava';
import { array, arrayOf, bulk, err, int, nullBulk, ok, push, simple } from '../../../src/resp/reply.js';
import { createMaster } from '../../../src/sentinel/state.js';
import { harness, one } from '../../helpers/fake-context.js';

test('ping: PONG, or the message as a bulk string', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('ping')), simple('PONG'));
  t.deepEqual(one(await h.run('ping', 'hi')), bulk('hi'));
});

test('ping: [pong, message] in a RESP2 subscribed context, plain in RESP3', async (t) => {
  const h = harness();
  await h.run('subscribe', 'a');
  t.deepEqual(one(await h.run('ping')), arrayOf(bulk('pong'), bulk('')));
  t.deepEqual(one(await h.run('ping', 'hi')), arrayOf(bulk('pong'), bulk('hi')));
  h.client.resp = 3;
  t.deepEqual(one(await h.run('ping')), simple('PONG'));
});

test('role: sentinel and the master names in table order', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('role')), arrayOf(bulk('sentinel'), array([])));
  createMaster(h.state, 'b', '127.0.0.1', 1, 1, 0);
  createMaster(h.state, 'a', '127.0.0.1', 2, 1, 0);
  t.deepEqual(one(await h.run('ROLE')), arrayOf(bulk('sentinel'), arrayOf(bulk('b'), bulk('a'))));
});

test('subscribe: one confirmation per channel with the running count', async (t) => {
  const h = harness();
  t.deepEqual(await h.run('subscribe', 'a', 'b', 'a'), [
    push([bulk('subscribe'), bulk('a'), int(1)]),
    push([bulk('subscribe'), bulk('b'), int(2)]),
    push([bulk('subscribe'), bulk('a'), int(2)]),
  ]);
  t.deepEqual(await h.run('psubscribe', 'x*'), [push([bulk('psubscribe'), bulk('x*'), int(3)])]);
  t.deepEqual(await h.run('unsubscribe'), [
    push([bulk('unsubscribe'), bulk('a'), int(2)]),
    push([bulk('unsubscribe'), bulk('b'), int(1)]),
  ]);
  t.deepEqual(await h.run('punsubscribe'), [push([bulk('punsubscribe'), bulk('x*'), int(0)])]);
});

test('unsubscribe: without subscriptions, one confirmation with a null channel', async (t) => {
  const h = harness();
  t.deepEqual(await h.run('unsubscribe'), [push([bulk('unsubscribe'), nullBulk, int(0)])]);
  t.deepEqual(await h.run('punsubscribe'), [push([bulk('punsubscribe'), nullBulk, int(0)])]);
  await h.run('psubscribe', '*');
  t.deepEqual(await h.run('unsubscribe'), [push([bulk('unsubscribe'), nullBulk, int(1)])]);
  t.deepEqual(await h.run('unsubscribe', 'never'), [push([bulk('unsubscribe'), bulk('never'), int(1)])]);
});

test('publish: only __sentinel__:hello, case-sensitive, and always 1', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('publish', '__sentinel__:hello', 'x')), int(1));
  t.deepEqual(one(await h.run('publish', '__SENTINEL__:hello', 'x')), err('ERR Only HELLO messages are accepted by Sentinel instances.'));
  t.deepEqual(one(await h.run('publish', '+sdown', 'x')), err('ERR Only HELLO messages are accepted by Sentinel instances.'));
});

test('shutdown: options parse as Redis; success shuts down without a reply', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('shutdown', 'foo')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('shutdown', 'SAVE', 'NOSAVE')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('shutdown', 'ABORT', 'NOW')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('shutdown', 'abort')), err('ERR No shutdown in progress.'));
  t.deepEqual(h.shutdowns, []);
  t.deepEqual(await h.run('shutdown', 'save', 'now', 'force'), []);
  t.deepEqual(h.shutdowns, ['User requested shutdown...']);
});

test('quit: +OK and close after the reply', async (t) => {
  const h = harness();
  t.deepEqual(one(await h.run('quit')), ok);
  t.true(h.client.closeAfterReply);
});
