import test from 'ava';
import { DASHBOARD_EVENT_TYPES, DASHBOARD_PATHS, dashboardAsset } from '../../../src/http/dashboard.js';

test('dashboard: the page, its script and its style with their content types', (t) => {
  t.regex(dashboardAsset('/')!.contentType, /^text\/html/);
  t.deepEqual(dashboardAsset('/dashboard'), dashboardAsset('/'));
  t.regex(dashboardAsset('/dashboard.js')!.contentType, /^text\/javascript/);
  t.regex(dashboardAsset('/dashboard.css')!.contentType, /^text\/css/);
  t.is(dashboardAsset('/masters'), null);
  t.deepEqual([...DASHBOARD_PATHS].sort(), ['/', '/dashboard', '/dashboard.css', '/dashboard.js']);
});

test('dashboard: the script compiles, lists the event types, and nothing is fetched from elsewhere', (t) => {
  const js = dashboardAsset('/dashboard.js')!.body;
  t.notThrows(() => new Function(js));
  t.true(js.includes(JSON.stringify(DASHBOARD_EVENT_TYPES)));
  t.true(DASHBOARD_EVENT_TYPES.includes('+switch-master') && DASHBOARD_EVENT_TYPES.includes('-sdown'));
  for (const path of DASHBOARD_PATHS) t.notRegex(dashboardAsset(path)!.body, /(https?:)?\/\/[a-z0-9]/i, `${path} is self-contained`);
});
