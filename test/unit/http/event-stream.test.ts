import test from 'ava';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { EventBus } from '../../../src/events/bus.js';
import { EventRing } from '../../../src/events/history.js';
import { EventStream, formatSse, replayFrom } from '../../../src/http/event-stream.js';
import { systemClock } from '../../../src/runtime/clock.js';

/** A response that keeps what is written; `unread` bytes stand for a reader that stopped. */
class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  status = 0;
  headers: Record<string, string> = {};
  destroyed = false;
  ended = false;
  writableLength = 0;
  /** when true, every write stays buffered */
  stalled = false;
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
    return this;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    if (this.stalled) this.writableLength += Buffer.byteLength(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
  get text() {
    return this.chunks.join('');
  }
}

function setup(opts: { maxBufferedBytes?: number; heartbeatMs?: number } = {}) {
  const bus = new EventBus(systemClock);
  const history = new EventRing(100);
  bus.subscribe(history.record);
  const stream = new EventStream({ history, subscribe: (s) => bus.subscribe(s), ...opts });
  const open = (replay: number | null = null) => {
    const res = new FakeResponse();
    stream.open(res as unknown as ServerResponse, replay);
    return res;
  };
  return { bus, history, stream, open };
}

test('event stream: sse framing is id, event (the type) and the history entry as data', (t) => {
  const e = { id: 7, time: 1, type: '+sdown', level: 'warning' as const, master: 'm', text: 'master m 127.0.0.1 6379' };
  t.is(formatSse(e), `id: 7\nevent: +sdown\ndata: ${JSON.stringify(e)}\n\n`);
  t.false(formatSse({ ...e, id: 0 }).includes('id:'), 'no id when the history is off');
});

test('event stream: replay point from Last-Event-ID, else ?since=, ignoring junk', (t) => {
  t.is(replayFrom('12', '3'), 12);
  t.is(replayFrom(undefined, '3'), 3);
  t.is(replayFrom('x', '3'), 3);
  t.is(replayFrom(undefined, null), null);
});

test('event stream: replays after the given id, then sends each bus event live with its history id', (t) => {
  const { bus, stream, open } = setup();
  bus.publish('warning', '+sdown', 'one', 'm');
  bus.publish('warning', '-sdown', 'two', 'm');
  const res = open(1);
  t.is(res.status, 200);
  t.regex(res.headers['content-type']!, /^text\/event-stream/);
  t.regex(res.text, /id: 2\nevent: -sdown\n/);
  t.notRegex(res.text, /event: \+sdown/, 'id 1 is not replayed');
  bus.publish('warning', '+switch-master', 'm 127.0.0.1 1 127.0.0.1 2');
  t.regex(res.text, /id: 3\nevent: \+switch-master\ndata: \{"id":3,.*"type":"\+switch-master"/);
  t.is(stream.clientCount, 1);
  const live = open();
  t.notRegex(live.text, /event:/, 'no replay without an id');
});

test('event stream: a client that stops reading is dropped past the buffer bound', (t) => {
  const { bus, stream, open } = setup({ maxBufferedBytes: 1000 });
  const slow = open();
  const fast = open();
  slow.stalled = true;
  for (let i = 0; i < 20; i++) bus.publish('verbose', '+slave', 'x'.repeat(100));
  t.true(slow.destroyed);
  t.true(slow.writableLength < 1500, 'stopped writing once over the bound');
  t.false(fast.destroyed);
  t.is(stream.clientCount, 1);
  t.is(fast.text.match(/event: \+slave/g)?.length, 20);
});

test('event stream: closeAll ends every client and unsubscribes from the bus', (t) => {
  const { bus, stream, open } = setup();
  const a = open();
  const b = open();
  stream.closeAll();
  t.true(a.ended && b.ended);
  t.is(stream.clientCount, 0);
  const before = a.chunks.length;
  bus.publish('warning', '+sdown', 'after');
  t.is(a.chunks.length, before);
});

test('event stream: comment heartbeats while a client listens, none after it left', async (t) => {
  const { stream, open } = setup({ heartbeatMs: 10 });
  const res = open();
  await new Promise((resolve) => setTimeout(resolve, 60));
  t.true(res.chunks.filter((c) => c === ': heartbeat\n\n').length >= 2);
  res.destroy();
  t.is(stream.clientCount, 0);
  const after = res.chunks.length;
  await new Promise((resolve) => setTimeout(resolve, 40));
  t.is(res.chunks.length, after);
});
