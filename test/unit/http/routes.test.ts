import test from 'ava';
import type { MonitorControl } from '../../../src/commands/types.js';
import { health, parseMaxLag, route, type RouteDeps } from '../../../src/http/routes.js';
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
