import type { MasterBrief } from '../actors/protocol.js';
import { announceHost } from '../sentinel/addr-match.js';
import { SRI } from '../sentinel/instance.js';
import { maintenanceOn } from '../sentinel/maintenance.js';
import { bulk } from '../resp/reply.js';
import { ARGUS_VERSION } from '../version.js';
import { clientsSection, cpuSection, formatSection, serverSection, statsSection } from './info-sections.js';
import { announceOf } from './sentinel/instance-map.js';
import { scriptQueueOf } from './sentinel/script-queue.js';
import type { ArgusCommandSpec } from './spec.js';
import type { SentinelContext } from './types.js';

/** sentinel.c sentinelInfoCommand: the only sections a sentinel has, in the order INFO prints them. */
const SECTIONS = ['server', 'clients', 'stats', 'cpu', 'sentinel'] as const;
type Section = (typeof SECTIONS)[number];

/**
 * `# Sentinel`: exact field order, plus V9's sentinel_total_tilt (exporters key on names) and,
 * only while it is not 0, Argus's argus_link_errors: how many instances (masters, replicas, peer
 * records) refuse one of Sentinel's commands with -NOAUTH, -WRONGPASS or -NOPERM (link-errors.ts).
 * Left out at 0 so a healthy sentinel's INFO stays byte-identical to redis-sentinel's. The same
 * for argus_maintenance: how many masters are in maintenance (SENTINEL MAINTENANCE).
 */
export function sentinelSection(ctx: SentinelContext, briefs: readonly MasterBrief[]): string {
  const { state, clock } = ctx;
  const scripts = scriptQueueOf(ctx);
  let linkErrors = 0;
  let maintenance = 0;
  const now = clock.monotonic();
  const wallNow = clock.wall();
  const masters = briefs.flatMap((b, i) => {
    const m = state.masters.get(b.name);
    if (!m) return [];
    linkErrors += b.linkErrors;
    if (maintenanceOn(m, wallNow)) maintenance++;
    const status = b.flags & SRI.O_DOWN ? 'odown' : b.flags & SRI.S_DOWN ? 'sdown' : 'ok';
    // the record's own address, announced (announceSentinelAddr), IPv6 unbracketed, as Redis prints it
    const addr = `${announceHost(m.addr, announceOf(ctx))}:${m.addr.port}`;
    const counts = `slaves=${b.replicas},sentinels=${b.sentinels + 1}`;
    return [[`master${i}`, `name=${m.name},status=${status},address=${addr},${counts}`] as const];
  });
  return formatSection('Sentinel', [
    ['sentinel_masters', state.masters.size],
    ['sentinel_tilt', state.tilt ? 1 : 0],
    ['sentinel_tilt_since_seconds', state.tilt ? Math.floor((now - state.tiltStartTime) / 1000) : -1],
    ['sentinel_total_tilt', state.totalTilt],
    ['sentinel_running_scripts', scripts.runningCount()],
    ['sentinel_scripts_queue_length', scripts.jobs().length],
    ['sentinel_simulate_failure_flags', state.simFailureFlags],
    ...(linkErrors > 0 ? [['argus_link_errors', linkErrors] as const] : []),
    ...(maintenance > 0 ? [['argus_maintenance', maintenance] as const] : []),
    ...masters,
  ]);
}

/**
 * `# Argus`: Argus's own figures (shards, config saves and how well they coalesce). Like a Redis
 * module's section it is left out of the default and `all` and printed for `INFO argus` or
 * `INFO everything`, so a plain INFO stays what redis-sentinel prints.
 */
export function argusSection(ctx: SentinelContext): string {
  const s = ctx.process.argus?.();
  return formatSection('Argus', [
    ['argus_version', ARGUS_VERSION],
    ['argus_shards', s?.shards ?? 0],
    ['argus_shards_running', s?.shardsRunning ?? 0],
    ['argus_shard_restarts', s?.shardRestarts ?? 0],
    ['argus_thread_batches', s?.threadBatches ?? 0],
    ['argus_thread_batch_bytes', s?.threadBatchBytes ?? 0],
    ['argus_thread_calls', s?.threadCalls ?? 0],
    ['argus_config_saves', s?.configSaves ?? 0],
    ['argus_config_save_requests', s?.configSaveRequests ?? 0],
    ['argus_config_save_failures', s?.configSaveFailures ?? 0],
    ['argus_config_last_save_ms', s?.configLastSaveMs ?? 0],
    // as INFO persistence's rdb_last_bgsave_status; the error text only while it stands
    ['argus_config_last_save_status', (s?.configLastSaveError ?? null) === null ? 'ok' : 'err'],
    ...(s?.configLastSaveError != null ? [['argus_config_last_save_error', s.configLastSaveError] as const] : []),
  ]);
}

const build: Readonly<Record<Section | 'argus', (ctx: SentinelContext, briefs: readonly MasterBrief[]) => string>> = {
  server: serverSection,
  clients: clientsSection,
  stats: statsSection,
  cpu: () => cpuSection(),
  sentinel: sentinelSection,
  argus: argusSection,
};

/**
 * Which sections a request names: none, `default`, `all` or `everything` mean all five Sentinel
 * sections (`everything` adds Argus's); other names are matched case-insensitively and dropped
 * when unknown.
 */
export function requestedSections(args: readonly string[]): Set<Section | 'argus'> {
  const names = args.map((a) => a.toLowerCase());
  const wanted = new Set<Section | 'argus'>(
    names.length === 0 || names.some((n) => n === 'default' || n === 'all' || n === 'everything')
      ? SECTIONS
      : SECTIONS.filter((s) => names.includes(s)),
  );
  if (names.includes('argus') || names.includes('everything')) wanted.add('argus');
  return wanted;
}

/** Sections separated by a blank line; a bulk string in RESP3 too, as sentinel mode sends it. */
export const infoCommand: ArgusCommandSpec = {
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  categories: ['slow', 'dangerous'],
  group: 'server',
  summary: 'Reports the state of the process and of the monitored masters.',
  since: '1.0.0',
  complexity: 'O(1)',
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
  async run({ sentinel }, argv) {
    const wanted = requestedSections(argv.slice(1));
    // the masters' state is read from their shards, and only when the section is asked for
    const briefs = wanted.has('sentinel') ? await sentinel.monitors.brief() : [];
    const text = [...SECTIONS, 'argus' as const].filter((s) => wanted.has(s))
      .map((s) => build[s](sentinel, briefs))
      .join('\r\n');
    return bulk(text);
  },
};
