/**
 * The HTTP endpoint's answers (issue 14): health, the masters as JSON, the current primary, and a
 * load-balancer check per Redis node. State is read where it lives: the live records come from
 * the shards through `MonitorControl.view` (one call per shard per request), the current address
 * is GET-MASTER-ADDR-BY-NAME's main-thread lookup. Nothing here touches a socket.
 */
import { instanceFields } from '../commands/sentinel/instance-map.js';
import type { MonitorControl } from '../commands/types.js';
import type { AuditTrail } from '../events/audit.js';
import type { EventHistory } from '../events/history.js';
import { announceHost, type AnnounceContext } from '../sentinel/addr-match.js';
import type { Addr } from '../sentinel/address.js';
import { SRI, type InstanceRecord, type MasterRecord, type ReplicaRecord } from '../sentinel/instance.js';
import { currentMasterAddr, type SentinelState } from '../sentinel/state.js';
import type { Clock } from '../runtime/clock.js';
import { dashboardAsset } from './dashboard.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  /** a non-JSON body (the metrics text) with its content type */
  readonly text?: { readonly contentType: string; readonly body: string };
}

export interface RouteDeps {
  readonly state: SentinelState;
  readonly monitors: MonitorControl;
  readonly clock: Clock;
  /** the last config save's error, null when it succeeded (or none ran) */
  readonly lastSaveError: () => string | null;
  /** the Prometheus exposition; absent = no /metrics route */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  /** the event history (argus-event-history); absent = no /events route */
  readonly history?: EventHistory;
  /** the audit trail of admin commands; absent = no /audit route */
  readonly audit?: AuditTrail;
}

/** Addresses as replies show them (SENTINEL CONFIG SET announce-hostnames applies at once). */
const announceOf = (deps: RouteDeps): AnnounceContext => ({ announceHostnames: deps.state.announceHostnames });

const json = (status: number, body: unknown): HttpAnswer => ({ status, body });
const notFound = (what = 'not found'): HttpAnswer => json(404, { error: what });

/** GET /health: 200 unless in TILT or the last config save failed. */
export function health(deps: RouteDeps): HttpAnswer {
  const reasons: string[] = [];
  if (deps.state.tilt) reasons.push('tilt');
  const saveError = deps.lastSaveError();
  if (saveError !== null) reasons.push(`config save failed: ${saveError}`);
  return reasons.length === 0 ? json(200, { status: 'ok' }) : json(503, { status: 'unhealthy', reasons });
}

/** An instance as SENTINEL MASTER/REPLICAS/SENTINELS show it, numbers kept numbers. */
function instanceJson(ri: InstanceRecord, deps: RouteDeps): Record<string, string | number> {
  return Object.fromEntries(instanceFields(ri, deps.clock.monotonic(), announceOf(deps)));
}

function masterJson(m: MasterRecord, deps: RouteDeps): Record<string, unknown> {
  return {
    ...instanceJson(m, deps),
    // the election this sentinel last voted in for the master (sentinel.c leader, leader_epoch)
    leader: m.leader ?? '',
    'leader-epoch': m.leaderEpoch,
    replicas: [...m.replicas.values()].filter((r) => r.replicaAnnounced).map((r) => instanceJson(r, deps)),
    sentinels: [...m.sentinels.values()].map((s) => instanceJson(s, deps)),
  };
}

/** The address a request names matches an instance by its configured host or its resolved IP. */
function sameAddr(addr: Addr, ip: string, port: number): boolean {
  return addr.port === port && (addr.host === ip || addr.ip === ip || announceHost(addr, { announceHostnames: false }) === ip);
}

const DOWN = SRI.S_DOWN | SRI.O_DOWN;

/**
 * A lag bound: `<n>s` = the replica's master link down no longer than n seconds (and its INFO
 * fresh), `<n>` = at most n bytes behind the most advanced replica of the same master (Sentinel
 * does not keep the master's own offset). Null when the text is neither.
 */
export function parseMaxLag(text: string): { seconds: number } | { bytes: number } | null {
  const m = /^(\d+)(s?)$/.exec(text);
  if (!m) return null;
  return m[2] === 's' ? { seconds: Number(m[1]) } : { bytes: Number(m[1]) };
}

function replicaProblem(m: MasterRecord, r: ReplicaRecord, lag: ReturnType<typeof parseMaxLag>): string | null {
  if (r.flags & DOWN) return 'replica is down (sdown)';
  if (r.link.disconnected) return 'replica link is disconnected';
  if (r.roleReported !== 'slave') return 'replica reports role master';
  if (!r.slaveMasterLinkStatusUp) return 'replica master-link-status is err';
  if (lag !== null && 'seconds' in lag && r.masterLinkDownTime > lag.seconds * 1000) {
    return `master link down ${r.masterLinkDownTime} ms, above ${lag.seconds} s`;
  }
  if (lag !== null && 'bytes' in lag) {
    let top = 0;
    for (const o of m.replicas.values()) top = Math.max(top, o.slaveReplOffset);
    const behind = top - r.slaveReplOffset;
    if (behind > lag.bytes) return `replica is ${behind} bytes behind, above ${lag.bytes}`;
  }
  return null;
}

/**
 * GET /check/{ip}/{port}[?replica=1[&max-lag=…]]: 200 when the node is the current, healthy master
 * of a monitored master (or, with replica=1, a healthy replica within the lag bound); 503 with
 * the reason otherwise.
 */
export async function checkNode(deps: RouteDeps, ip: string, port: number, query: URLSearchParams): Promise<HttpAnswer> {
  const replicaOk = query.get('replica') === '1' || query.get('replica') === 'true';
  const lagText = query.get('max-lag');
  const lag = lagText === null ? null : parseMaxLag(lagText);
  if (lagText !== null && lag === null) return json(400, { error: 'max-lag must be <bytes> or <seconds>s' });
  const masters = await deps.monitors.view(null);
  const reasons: string[] = [];
  for (const m of masters) {
    if (sameAddr(currentMasterAddr(m), ip, port)) {
      const problem = (m.flags & SRI.O_DOWN ? 'master is odown' : null) ?? (m.flags & SRI.S_DOWN ? 'master is sdown' : null)
        ?? (m.link.disconnected ? 'master link is disconnected' : null)
        ?? (m.roleReported !== 'master' ? 'node reports role slave' : null);
      if (problem === null) return json(200, { role: 'master', master: m.name });
      reasons.push(`${m.name}: ${problem}`);
      continue;
    }
    for (const r of m.replicas.values()) {
      if (!sameAddr(r.addr, ip, port)) continue;
      if (!replicaOk) {
        reasons.push(`${m.name}: node is a replica`);
        continue;
      }
      const problem = replicaProblem(m, r, lag);
      if (problem === null) return json(200, { role: 'replica', master: m.name });
      reasons.push(`${m.name}: ${problem}`);
    }
  }
  return json(503, { error: reasons.length === 0 ? 'node is not monitored' : reasons.join('; ') });
}

/** `?count=` default and bound for /events and /audit (SENTINEL EVENTS's bound too) */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

export interface ListQuery {
  /** entries after this id, or (since-ms) at or after this wall-clock time; null = the last `count` */
  readonly since: number | { readonly timeMs: number } | null;
  readonly master: string | null;
  readonly count: number;
}

const UINT = /^\d{1,15}$/;

/**
 * The query of /events and /audit: `since=<id>`, `since-ms=<unix ms>` (not both), `master=<name>`,
 * `count=<n>` (1..MAX_COUNT, DEFAULT_COUNT when absent). An error text (400) when malformed.
 */
export function parseListQuery(query: URLSearchParams): ListQuery | string {
  const since = query.get('since');
  const sinceMs = query.get('since-ms');
  const countText = query.get('count');
  if (since !== null && sinceMs !== null) return 'give since or since-ms, not both';
  if (since !== null && !UINT.test(since)) return 'since must be an event id (a non-negative integer)';
  if (sinceMs !== null && !UINT.test(sinceMs)) return 'since-ms must be unix milliseconds';
  if (countText !== null && (!UINT.test(countText) || Number(countText) < 1 || Number(countText) > MAX_COUNT)) {
    return `count must be between 1 and ${MAX_COUNT}`;
  }
  return {
    since: since !== null ? Number(since) : sinceMs !== null ? { timeMs: Number(sinceMs) } : null,
    master: query.get('master'),
    count: countText === null ? DEFAULT_COUNT : Number(countText),
  };
}

/**
 * GET /events: oldest first. With `since`/`since-ms`, the first `count` entries after that point
 * (a poller continues from the last id it got); without, the last `count`.
 */
export function eventList(history: EventHistory, query: URLSearchParams): HttpAnswer {
  const q = parseListQuery(query);
  if (typeof q === 'string') return json(400, { error: q });
  if (q.since === null) return json(200, history.last(q.count, q.master ?? undefined));
  const after = history.since(q.since);
  return json(200, (q.master === null ? after : after.filter((e) => e.master === q.master)).slice(0, q.count));
}

/** GET /audit: like /events (`since` is an audit record id; no master, no since-ms). */
export function auditList(audit: AuditTrail, query: URLSearchParams): HttpAnswer {
  const q = parseListQuery(query);
  if (typeof q === 'string') return json(400, { error: q });
  if (q.master !== null || (q.since !== null && typeof q.since !== 'number')) return json(400, { error: '/audit takes since and count only' });
  return json(200, q.since === null ? audit.last(q.count) : audit.since(q.since).slice(0, q.count));
}

/** Routes a GET; `null` = no such route. */
export async function route(deps: RouteDeps, path: string, query: URLSearchParams): Promise<HttpAnswer | null> {
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const [first, second, third, ...rest] = parts;
  const asset = dashboardAsset(path);
  if (asset !== null) return { status: 200, body: null, text: asset };
  if (first === 'health' && parts.length === 1) return health(deps);
  if (first === 'metrics' && parts.length === 1 && deps.metrics) {
    const text = await deps.metrics();
    return { status: 200, body: null, text };
  }
  if (first === 'events' && parts.length === 1 && deps.history) return eventList(deps.history, query);
  if (first === 'audit' && parts.length === 1 && deps.audit) return auditList(deps.audit, query);
  if (first === 'masters') {
    if (second === undefined) return json(200, (await deps.monitors.view(null)).map((m) => masterJson(m, deps)));
    if (third === undefined) {
      const [m] = await deps.monitors.view([second]);
      return m === undefined ? notFound('no such master') : json(200, masterJson(m, deps));
    }
    if (third === 'primary' && rest.length === 0) {
      const m = deps.state.masters.get(second);
      if (m === undefined) return notFound('no such master');
      const addr = currentMasterAddr(m);
      return json(200, { ip: announceHost(addr, announceOf(deps)), port: addr.port });
    }
    return null;
  }
  if (first === 'check' && second !== undefined && third !== undefined && rest.length === 0) {
    const port = Number(third);
    if (!/^\d{1,5}$/.test(third) || port > 65535) return json(400, { error: 'bad port' });
    return checkNode(deps, second, port, query);
  }
  return null;
}
