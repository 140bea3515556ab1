/**
 * The live dashboard (issue 14 item 4): one read-only page, its script and its style, served by
 * the HTTP endpoint at `/` (and `/dashboard`), `/dashboard.js`, `/dashboard.css`. Plain HTML and
 * ES5-style script, no framework, no build step, nothing fetched from elsewhere: it works offline.
 * They live here as strings so that `tsc` ships them in dist/ with the rest of src/http. The page
 * holds no state (everything comes from `/masters`, `/events` and `/events/stream`), so it is
 * served without the token; the script sends the token it finds in the page's `#token=`.
 */

/**
 * The stream's SSE event names the page listens to: Sentinel's event types and Argus's. A type
 * not listed still reaches the page, through its `/events?since=` poll every 5 s.
 */
export const DASHBOARD_EVENT_TYPES: readonly string[] = [
  '+argus-failover-suppressed', '+argus-maintenance', '+config-update-from', '+convert-to-slave',
  '+elected-leader', '+failover-end', '+failover-end-for-timeout', '+failover-state-reconf-slaves',
  '+failover-state-select-slave', '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion', '+fix-slave-config', '+forget-sentinel', '+forget-slave',
  '+monitor', '+new-epoch', '+odown', '+promoted-slave', '+reboot', '+reset-master', '+role-change',
  '+script-child', '+sdown', '+selected-slave', '+sentinel', '+sentinel-address-switch',
  '+sentinel-address-update', '+sentinel-invalid-addr', '+set', '+slave', '+slave-reconf-done',
  '+slave-reconf-inprog', '+slave-reconf-sent', '+slave-reconf-sent-be', '+switch-master', '+tilt',
  '+try-failover', '+vote-for-leader', '-argus-maintenance', '-cmd-link-reconnection',
  '-failover-abort-master-refused', '-failover-abort-master-timeout', '-failover-abort-no-good-slave',
  '-failover-abort-not-elected', '-failover-abort-slave-timeout', '-monitor', '-odown',
  '-pubsub-link-reconnection', '-role-change', '-script-child', '-script-error', '-script-timeout',
  '-sdown', '-slave-reconf-sent-timeout', '-tilt', '-dup-sentinel', '+failover-detected',
  '-slave-restart-as-master', '+failover-state-wait-start', '-failover-state-wait-start'
];

const HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Argus dashboard</title>
<link rel="stylesheet" href="dashboard.css">
</head>
<body>
<header>
  <h1>Argus</h1>
  <span id="conn" class="down">connecting</span>
  <span id="updated"></span>
</header>
<p id="error" hidden></p>
<main>
<section>
<h2>Masters</h2>
<table id="masters">
  <thead><tr>
    <th>name</th><th>status</th><th>address</th><th>replicas</th><th>sentinels</th>
    <th>quorum</th><th>config epoch</th><th>leader epoch</th>
  </tr></thead>
  <tbody id="masters-body"></tbody>
</table>
</section>
<section>
<h2>Events <small>(newest first)</small></h2>
<ol id="events"></ol>
</section>
</main>
<script src="dashboard.js"></script>
</body>
</html>
`;

const CSS = String.raw`:root { color-scheme: light dark; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 0 1.5rem 2rem; }
header { display: flex; gap: 1rem; align-items: baseline; }
h1 { margin: 0.6rem 0; font-size: 1.4rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
#conn.live { color: #1a7f37; } #conn.down { color: #b35900; }
#updated { color: GrayText; font-size: 0.85rem; }
#error { color: #c62828; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #8884; vertical-align: top; }
td.status, .replica, .sentinel { font-weight: 600; }
.ok { color: #1a7f37; } .sdown { color: #b35900; } .odown { color: #c62828; }
.failover { color: #6a1b9a; font-weight: normal; }
ol#events { list-style: none; padding: 0; margin: 0; font-family: ui-monospace, monospace; font-size: 0.85rem; }
ol#events li { padding: 0.15rem 0; border-bottom: 1px solid #8882; }
ol#events time { color: GrayText; margin-right: 0.8rem; }
ol#events .type { display: inline-block; min-width: 19rem; margin-right: 0.6rem; font-weight: 600; }
ol#events .warning .type { color: #b35900; }
`;

const SCRIPT = String.raw`'use strict';
// Argus dashboard: read-only. /masters on load, on events and every 5 s; the events live
// through /events/stream. The token comes from the page's #token= (or ?token=).
(function () {
  var hash = new URLSearchParams(location.hash.slice(1));
  var token = hash.get('token') || new URLSearchParams(location.search).get('token') || '';
  var headers = token ? { authorization: 'Bearer ' + token } : {};
  var MAX_EVENTS = 200;
  var TYPES = [EVENT_TYPES];
  var lastId = 0;
  var refreshTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function statusOf(flags) {
    var f = String(flags).split(',');
    if (f.indexOf('o_down') >= 0) return 'odown';
    if (f.indexOf('s_down') >= 0) return 'sdown';
    return 'ok';
  }

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = !text;
  }

  function renderMasters(masters) {
    var body = $('masters-body');
    body.replaceChildren();
    masters.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
    masters.forEach(function (m) {
      var tr = el('tr');
      tr.dataset.master = m.name;
      var status = statusOf(m.flags);
      tr.append(el('td', m.name, 'name'));
      var st = el('td', status, 'status ' + status);
      if (m['failover-state']) st.append(el('span', ' failover: ' + m['failover-state'], 'failover'));
      tr.append(st);
      tr.append(el('td', m.ip + ':' + m.port, 'addr'));
      var reps = el('td', undefined, 'replicas');
      (m.replicas || []).forEach(function (r) {
        reps.append(el('div', r.ip + ':' + r.port + ' ' + statusOf(r.flags), 'replica ' + statusOf(r.flags)));
      });
      if (!reps.childNodes.length) reps.textContent = '-';
      tr.append(reps);
      var sents = el('td', undefined, 'sentinels');
      (m.sentinels || []).forEach(function (s) {
        sents.append(el('div', s.ip + ':' + s.port + ' ' + statusOf(s.flags), 'sentinel ' + statusOf(s.flags)));
      });
      if (!sents.childNodes.length) sents.textContent = '-';
      tr.append(sents);
      tr.append(el('td', m.quorum, 'quorum'));
      tr.append(el('td', m['config-epoch'], 'config-epoch'));
      tr.append(el('td', m['leader-epoch'] === undefined ? '-' : m['leader-epoch'], 'leader-epoch'));
      body.append(tr);
    });
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }

  function refreshMasters() {
    return fetch('masters', { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status === 401) throw new Error('unauthorized: open the page as .../#token=<argus-http-token>');
      if (!res.ok) throw new Error('/masters answered ' + res.status);
      return res.json();
    }).then(function (masters) {
      showError('');
      renderMasters(masters);
    }).catch(function (e) { showError(String(e.message || e)); });
  }

  /** many events in a burst (a failover) cause one refresh */
  function refreshSoon() {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; refreshMasters(); }, 300);
  }

  function addEvent(e) {
    if (e.id !== 0 && e.id <= lastId) return;
    lastId = Math.max(lastId, e.id);
    var li = el('li', undefined, 'event ' + e.level);
    li.dataset.type = e.type;
    li.dataset.id = String(e.id);
    li.append(el('time', new Date(e.time).toLocaleTimeString()));
    li.append(el('span', e.type, 'type'));
    li.append(el('span', e.text, 'text'));
    var list = $('events');
    list.prepend(li);
    while (list.childNodes.length > MAX_EVENTS) list.lastChild.remove();
  }

  function onStreamEvent(msg) {
    try { addEvent(JSON.parse(msg.data)); } catch (e) { return; }
    refreshSoon();
  }

  function connect() {
    var q = new URLSearchParams();
    if (token) q.set('token', token);
    q.set('since', String(lastId));
    var source = new EventSource('events/stream?' + q.toString());
    TYPES.forEach(function (type) { source.addEventListener(type, onStreamEvent); });
    source.onmessage = onStreamEvent;
    source.onopen = function () { $('conn').textContent = 'live'; $('conn').className = 'live'; };
    source.onerror = function () { $('conn').textContent = 'reconnecting'; $('conn').className = 'down'; };
  }

  /** the history catches what the stream's listeners do not name (a type added later) */
  function pollEvents() {
    return fetch('events?count=100&since=' + lastId, { headers: headers, cache: 'no-store' })
      .then(function (res) { return res.ok ? res.json() : []; })
      .then(function (list) { list.forEach(addEvent); })
      .catch(function () {});
  }

  fetch('events?count=50', { headers: headers, cache: 'no-store' })
    .then(function (res) { return res.ok ? res.json() : []; })
    .then(function (list) { list.forEach(addEvent); })
    .catch(function () {})
    .then(function () { connect(); });
  refreshMasters();
  setInterval(function () { refreshMasters(); pollEvents(); }, 5000);
})();
`.replace('[EVENT_TYPES]', JSON.stringify(DASHBOARD_EVENT_TYPES));

export interface StaticAsset {
  readonly contentType: string;
  readonly body: string;
}

const ASSETS: ReadonlyMap<string, StaticAsset> = new Map([
  ['/', { contentType: 'text/html; charset=utf-8', body: HTML }],
  ['/dashboard', { contentType: 'text/html; charset=utf-8', body: HTML }],
  ['/dashboard.js', { contentType: 'text/javascript; charset=utf-8', body: SCRIPT }],
  ['/dashboard.css', { contentType: 'text/css; charset=utf-8', body: CSS }],
]);

/** The dashboard's paths: served without the token (the page holds no state). */
export const DASHBOARD_PATHS: ReadonlySet<string> = new Set(ASSETS.keys());

/** The asset at `path`, or null. */
export function dashboardAsset(path: string): StaticAsset | null {
  return ASSETS.get(path) ?? null;
}
