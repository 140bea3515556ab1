import test from 'ava';
import type { MonitorControl } from '../../../src/commands/types.js';
import { AuditLog, type AuditRecord } from '../../../src/events/audit.js';
import { EventRing, type HistoryEntry } from '../../../src/events/history.js';
import { DEFAULT_COUNT, health, MAX_COUNT, parseListQuery, parseMaxLag, route, type RouteDeps } from '../../../src/http/routes.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { newSentinelState } from '../../../src/sentinel/state.js';

function deps(saveError: string | null = null): RouteDeps {
  const state = newSentinelState();
  const monitors = { view: async () => [] } as unknown as MonitorControl;
  return { state, monitors, clock: systemClock, lastSaveError: () => saveError };
}

test('health: 200 ok, 503 with the reasons in TILT and after a failed save', (t) => {
  t.deepEqual(health(deps()), { status: 200, body: { status: 'ok' } });
  const d = deps('Permission denied');
  d.state.tilt = true;
  t.deepEqual(health(d), { status: 503, body: { status: 'unhealthy', reasons: ['tilt', 'config save failed: Permission denied'] } });
});

test('max-lag: <n> bytes or <n>s seconds, anything else refused', (t) => {
  t.deepEqual(parseMaxLag('1048576'), { bytes: 1_048_576 });
  t.deepEqual(parseMaxLag('10s'), { seconds: 10 });
  t.is(parseMaxLag('10ms'), null);
  t.is(parseMaxLag('-1'), null);
});

test('route: unknown paths are null (404), bad ports 400, unmonitored nodes 503', async (t) => {
  const d = deps();
  t.is(await route(d, '/nope', new URLSearchParams()), null);
  t.is(await route(d, '/masters/m/other', new URLSearchParams()), null);
  t.is(await route(d, '/metrics', new URLSearchParams()), null, 'no /metrics without a registry');
  t.is((await route(d, '/check/10.0.0.1/99999', new URLSearchParams()))?.status, 400);
  t.like(await route(d, '/check/10.0.0.1/6379', new URLSearchParams()), { status: 503, body: { error: 'node is not monitored' } });
  t.like(await route(d, '/masters', new URLSearchParams()), { status: 200, body: [] });
});

test('list query: since, since-ms, master and a bounded count; malformed values are errors', (t) => {
  const q = (s: string) => parseListQuery(new URLSearchParams(s));
  t.deepEqual(q(''), { since: null, master: null, count: DEFAULT_COUNT });
  t.deepEqual(q('since=7&count=5&master=m'), { since: 7, master: 'm', count: 5 });
  t.deepEqual(q('since-ms=1796000000000'), { since: { timeMs: 1_796_000_000_000 }, master: null, count: DEFAULT_COUNT });
  t.deepEqual(q(`count=${MAX_COUNT}`), { since: null, master: null, count: MAX_COUNT });
  for (const bad of ['since=1&since-ms=2', 'since=-1', 'since=x', 'since-ms=1.5', 'count=0', `count=${MAX_COUNT + 1}`, 'count=ten']) {
    t.is(typeof q(bad), 'string', bad);
  }
});

test('route: /events serves the history after an id, by time, per master, bounded by count', async (t) => {
  const ring = new EventRing(10);
  for (let i = 1; i <= 6; i++) ring.record({ level: 'warning', type: '+sdown', text: `e${i}`, master: i % 2 ? 'a' : 'b', time: 1000 * i });
  const d = { ...deps(), history: ring };
  const texts = async (query: string) => ((await route(d, '/events', new URLSearchParams(query)))!.body as HistoryEntry[]).map((e) => e.text);
  t.deepEqual(await texts(''), ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  t.deepEqual(await texts('count=2'), ['e5', 'e6']);
  t.deepEqual(await texts('since=2&count=2'), ['e3', 'e4'], 'after an id, the oldest first');
  t.deepEqual(await texts('since-ms=5000'), ['e5', 'e6']);
  t.deepEqual(await texts('master=b'), ['e2', 'e4', 'e6']);
  t.deepEqual(await texts('since=2&master=a'), ['e3', 'e5']);
  t.like(await route(d, '/events', new URLSearchParams('count=0')), { status: 400 });
  t.is(await route(deps(), '/events', new URLSearchParams()), null, 'no history, no route');
});

test('route: /audit serves the last records or those after an id', async (t) => {
  const trail = new AuditLog(10, () => {});
  for (let i = 1; i <= 3; i++) trail.record({ time: i, addr: '127.0.0.1:1', user: 'default', command: `SENTINEL RESET m${i}`, ok: true, result: '(integer) 1' });
  const d = { ...deps(), audit: trail };
  const ids = async (query: string) => ((await route(d, '/audit', new URLSearchParams(query)))!.body as AuditRecord[]).map((r) => r.id);
  t.deepEqual(await ids(''), [1, 2, 3]);
  t.deepEqual(await ids('count=1'), [3]);
  t.deepEqual(await ids('since=1&count=1'), [2]);
  t.like(await route(d, '/audit', new URLSearchParams('master=m')), { status: 400 });
  t.like(await route(d, '/audit', new URLSearchParams('since-ms=1')), { status: 400 });
});
