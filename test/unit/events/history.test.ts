import test from 'ava';
import type { SentinelEvent } from '../../../src/events/event.js';
import { EventRing } from '../../../src/events/history.js';

const ev = (type: string, master: string | null, time = 1000): SentinelEvent => ({ level: 'warning', type, text: `${type} text`, master, time });

test('event history: ids grow from 1 and last() returns the newest, oldest first', (t) => {
  const h = new EventRing(10);
  for (let i = 0; i < 5; i++) h.record(ev(`+e${i}`, 'm', 1000 + i));
  t.is(h.lastId(), 5);
  t.deepEqual(h.last(3).map((e) => [e.id, e.type, e.time]), [[3, '+e2', 1002], [4, '+e3', 1003], [5, '+e4', 1004]]);
  t.deepEqual(h.last(0), []);
  t.is(h.last(100).length, 5);
});

test('event history: keeps only the last N when more come, however many (bounded memory)', (t) => {
  const h = new EventRing(100);
  for (let i = 1; i <= 10_000; i++) h.record(ev('+sdown', i % 2 === 0 ? 'even' : 'odd', i));
  t.is(h.lastId(), 10_000);
  const all = h.since(0);
  t.is(all.length, 100);
  t.deepEqual([all[0]!.id, all.at(-1)!.id], [9_901, 10_000]);
  t.is(h.last(1000).length, 100);
});

test('event history: since(id) gives the entries after that id, since({ timeMs }) those at or after the time', (t) => {
  const h = new EventRing(5);
  for (let i = 1; i <= 8; i++) h.record(ev('+x', 'm', i * 10));
  t.deepEqual(h.since(6).map((e) => e.id), [7, 8]);
  t.deepEqual(h.since(0).map((e) => e.id), [4, 5, 6, 7, 8]);
  t.deepEqual(h.since(8), []);
  t.deepEqual(h.since({ timeMs: 65 }).map((e) => e.id), [7, 8]);
});

test('event history: last(count, master) keeps that master only; process events have master null', (t) => {
  const h = new EventRing(10);
  h.record(ev('+monitor', 'a'));
  h.record(ev('+monitor', 'b'));
  h.record(ev('+tilt', null));
  h.record(ev('+sdown', 'a'));
  h.record(ev('+sdown', 'b'));
  t.deepEqual(h.last(10, 'a').map((e) => `${e.id} ${e.type}`), ['1 +monitor', '4 +sdown']);
  t.deepEqual(h.last(1, 'b').map((e) => e.id), [5]);
  t.deepEqual(h.last(10, 'nosuch'), []);
  t.is(h.last(10).length, 5);
});

test('event history: capacity 0 keeps nothing', (t) => {
  const h = new EventRing(0);
  h.record(ev('+x', 'm'));
  t.deepEqual([h.last(10), h.since(0), h.lastId()], [[], [], 0]);
});
