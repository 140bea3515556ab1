import test from 'ava';
import { SRI } from '../../../src/sentinel/instance.js';
import { onLinkConnected, onLinkDisconnected, onPingReply, onPingSent } from '../../../src/sentinel/ping.js';
import { ctxAt, masterAt, replicaOf, sentinelOf, T0 } from './helpers.js';

const pending = () => {
  const m = masterAt();
  m.link.actPingTime = T0 + 1;
  m.link.lastAvailTime = T0;
  m.link.lastPongTime = T0;
  return m;
};

test('ping: PONG is a valid reply: last-avail and last-pong = now, no PING pending, master_reboot cleared', (t) => {
  const m = pending();
  m.flags |= SRI.MASTER_REBOOT;
  t.deepEqual(onPingReply(m, m, { kind: 'ok', value: 'PONG' }, ctxAt(T0 + 50)), []);
  t.like(m.link, { lastAvailTime: T0 + 50, lastPongTime: T0 + 50, actPingTime: 0 });
  t.false(Boolean(m.flags & SRI.MASTER_REBOOT));
});

test('ping: -LOADING and -MASTERDOWN are valid replies but keep master_reboot', (t) => {
  for (const message of ['LOADING Redis is loading the dataset in memory', 'MASTERDOWN Link with MASTER is down']) {
    const m = pending();
    m.flags |= SRI.MASTER_REBOOT;
    onPingReply(m, m, { kind: 'error', message }, ctxAt(T0 + 50));
    t.like(m.link, { lastAvailTime: T0 + 50, lastPongTime: T0 + 50, actPingTime: 0 }, message);
    t.true(Boolean(m.flags & SRI.MASTER_REBOOT), message);
  }
});

test('ping: any other reply only refreshes last-pong', (t) => {
  for (const reply of [
    { kind: 'error', message: 'NOAUTH Authentication required.' },
    { kind: 'error', message: 'ERR unknown command' },
    { kind: 'ok', value: 42 },
    { kind: 'ok', value: 'OK' },
  ] as const) {
    const m = pending();
    t.deepEqual(onPingReply(m, m, reply, ctxAt(T0 + 50)), []);
    t.like(m.link, { lastAvailTime: T0, lastPongTime: T0 + 50, actPingTime: T0 + 1 });
  }
});

test('ping: a PING lost with its connection changes nothing', (t) => {
  const m = pending();
  t.deepEqual(onPingReply(m, m, { kind: 'closed', reason: 'Connection reset by peer' }, ctxAt(T0 + 50)), []);
  t.like(m.link, { lastAvailTime: T0, lastPongTime: T0, actPingTime: T0 + 1 });
});

test('ping: -BUSY from an SDOWN instance asks for SCRIPT KILL once', (t) => {
  const m = masterAt();
  const r = replicaOf(m, '127.0.0.1', 6380);
  r.flags |= SRI.S_DOWN;
  const busy = { kind: 'error', message: 'BUSY Redis is busy running a script.' } as const;
  t.deepEqual(onPingReply(r, m, busy, ctxAt(T0 + 1)), [{ kind: 'script-kill', instance: r, master: m }]);
  t.true(Boolean(r.flags & SRI.SCRIPT_KILL_SENT));
  t.is(r.link.lastPongTime, T0 + 1);
  t.deepEqual(onPingReply(r, m, busy, ctxAt(T0 + 2)), []);
});

test('ping: -BUSY from an instance that is not SDOWN asks nothing', (t) => {
  const m = masterAt();
  t.deepEqual(onPingReply(m, m, { kind: 'error', message: 'BUSY running a script' }, ctxAt(T0)), []);
  t.false(Boolean(m.flags & SRI.SCRIPT_KILL_SENT));
});

test('ping: sending keeps the oldest unanswered PING time', (t) => {
  const m = masterAt();
  m.link.actPingTime = 0;
  onPingSent(m, T0 + 10);
  t.like(m.link, { lastPingTime: T0 + 10, actPingTime: T0 + 10 });
  onPingSent(m, T0 + 20);
  t.like(m.link, { lastPingTime: T0 + 20, actPingTime: T0 + 10 });
});

test('ping: a master or replica link is connected only with both connections', (t) => {
  const m = masterAt();
  t.true(m.link.disconnected);
  onLinkConnected(m, 'cc', T0);
  t.true(m.link.disconnected);
  onLinkConnected(m, 'pc', T0);
  t.false(m.link.disconnected);
  onLinkDisconnected(m, 'pc', T0);
  t.true(m.link.disconnected);
  t.like(m.link, { ccConnected: true, pcConnected: false });
});

test('ping: a sentinel link is connected with the command connection alone', (t) => {
  const m = masterAt();
  const s = sentinelOf(m, 'c'.repeat(40), '127.0.0.1', 26380);
  onLinkConnected(s, 'cc', T0);
  t.false(s.link.disconnected);
  onLinkDisconnected(s, 'cc', T0);
  t.true(s.link.disconnected);
});

test('ping: closing the command connection drops the pending count, the pub/sub one does not', (t) => {
  const m = masterAt();
  onLinkConnected(m, 'cc', T0);
  onLinkConnected(m, 'pc', T0);
  m.link.pendingCommands = 7;
  onLinkDisconnected(m, 'pc', T0);
  t.is(m.link.pendingCommands, 7);
  onLinkDisconnected(m, 'cc', T0);
  t.is(m.link.pendingCommands, 0);
});

test('ping: a new command connection starts clean and forgets INFO and hello sent on the old one', (t) => {
  const m = masterAt();
  m.link.pendingCommands = 3;
  m.infoSentTime = T0 + 5;
  m.helloSentTime = T0 + 6;
  m.link.actPingTime = T0 + 1;
  m.link.lastPingTime = T0 + 1;
  onLinkConnected(m, 'cc', T0 + 10);
  t.like(m, { infoSentTime: 0, helloSentTime: 0 });
  t.is(m.link.pendingCommands, 0);
  t.is(m.link.actPingTime, T0 + 1, 'a PING pending before the drop still counts');
});

test('ping: a first command connection seen late starts the silence count with its first PING', (t) => {
  const m = masterAt();
  // created (and first attempted) at T0, never pinged; the connect is noticed 40 s later
  onLinkConnected(m, 'cc', T0 + 40_000);
  t.is(m.link.actPingTime, T0 + 40_000, 'the time the connect took is not silence of the instance');
  onPingSent(m, T0 + 40_000);
  onLinkDisconnected(m, 'cc', T0 + 40_100);
  onLinkConnected(m, 'cc', T0 + 45_000);
  t.is(m.link.actPingTime, T0 + 40_000, 'once pinged, a reconnect keeps counting as sentinel.c does');
});

test('ping: a dropped command connection counts as an unanswered PING from the drop on', (t) => {
  const m = masterAt();
  onLinkConnected(m, 'cc', T0);
  onLinkConnected(m, 'pc', T0);
  m.link.actPingTime = 0;
  onLinkDisconnected(m, 'cc', T0 + 50);
  t.is(m.link.actPingTime, T0 + 50);
  onLinkDisconnected(m, 'cc', T0 + 90);
  t.is(m.link.actPingTime, T0 + 50, 'a failed reconnect does not move it');
});

test('ping: a dropped pub/sub connection also starts the silence count, not the last answer', (t) => {
  const m = masterAt();
  onLinkConnected(m, 'cc', T0);
  onLinkConnected(m, 'pc', T0);
  m.link.actPingTime = 0;
  m.link.lastAvailTime = T0 - 5_000;
  onLinkDisconnected(m, 'pc', T0 + 10);
  t.is(m.link.actPingTime, T0 + 10);
});
