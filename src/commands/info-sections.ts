import { arch, machine, release, type } from 'node:os';
import { ARGUS_VERSION, REDIS_COMPAT_VERSION } from '../version.js';
import { extrasOf } from './client/extras.js';
import { replyStatsOf } from './reply-stats.js';
import type { SentinelContext } from './types.js';

/**
 * The generic INFO sections a sentinel serves (server.c genRedisInfoString), with the fields of
 * Redis 7.2. Values Node cannot know the way Redis does (allocator, event library) are the
 * plausible constants a Linux build of Redis reports, so exporters keep parsing.
 */

type Fields = readonly (readonly [string, string | number])[];

export const formatSection = (title: string, fields: Fields): string =>
  `# ${title}\r\n${fields.map(([k, v]) => `${k}:${v}\r\n`).join('')}`;

/** A stable 16-hex build id derived from the Argus version (Redis prints its build hash). */
function buildId(): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of `argus-${ARGUS_VERSION}`) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

export function serverSection(ctx: SentinelContext): string {
  const { process: proc, clock, server } = ctx;
  const uptime = Math.max(0, Math.floor((clock.monotonic() - proc.startTime) / 1000));
  const wallMs = clock.wall();
  return formatSection('Server', [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', buildId()],
    ['redis_mode', 'sentinel'],
    ['os', `${type()} ${release()} ${machine()}`],
    ['arch_bits', arch().endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', process.platform === 'linux' ? 'epoll' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', server.getString('supervised', 'no')],
    ['run_id', proc.runId],
    ['tcp_port', proc.tcpPort],
    ['server_time_usec', wallMs * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', proc.hz()],
    ['configured_hz', server.getInt('hz', 10)],
    // evict.c LRU_CLOCK: seconds, 24 bits
    ['lru_clock', Math.floor(wallMs / 1000) & 0xffffff],
    ['executable', proc.executable],
    ['config_file', proc.configFile],
    ['io_threads_active', 0],
  ]);
}

export function clientsSection(ctx: SentinelContext): string {
  let maxIn = 0;
  let maxOut = 0;
  let tracking = 0;
  for (const c of ctx.clients.all()) {
    maxIn = Math.max(maxIn, c.queryBufferBytes());
    maxOut = Math.max(maxOut, c.outputBytes());
    if (extrasOf(c).tracking) tracking++;
  }
  return formatSection('Clients', [
    ['connected_clients', ctx.clients.count()],
    ['cluster_connections', 0],
    ['maxclients', ctx.server.getInt('maxclients', 10000)],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', 0],
    ['tracking_clients', tracking],
    ['clients_in_timeout_table', 0],
    ['total_blocking_keys', 0],
    ['total_blocking_keys_on_nokey', 0],
  ]);
}

export function statsSection(ctx: SentinelContext): string {
  const s = ctx.process.stats;
  const zero = (names: string): [string, number][] => names.split(' ').map((n) => [n, 0]);
  return formatSection('Stats', [
    ['total_connections_received', s.totalConnectionsReceived],
    ['total_commands_processed', s.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', 0],
    ['total_net_input_bytes', s.totalNetInputBytes],
    ['total_net_output_bytes', s.totalNetOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ...zero('sync_full sync_partial_ok sync_partial_err expired_keys'),
    ['expired_stale_perc', '0.00'],
    ...zero(
      'expired_time_cap_reached_count expire_cycle_cpu_milliseconds evicted_keys evicted_clients ' +
        'total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits keyspace_misses',
    ),
    ['pubsub_channels', ctx.pubsub.channelCount()],
    ['pubsub_patterns', ctx.pubsub.patternCount()],
    ...zero(
      'pubsubshard_channels latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys ' +
        'active_defrag_hits active_defrag_misses active_defrag_key_hits active_defrag_key_misses ' +
        'total_active_defrag_time current_active_defrag_time tracking_total_keys tracking_total_items ' +
        'tracking_total_prefixes unexpected_error_replies',
    ),
    ['total_error_replies', replyStatsOf(ctx.process).totalErrorReplies],
    ...zero('dump_payload_sanitizations'),
    ['total_reads_processed', s.totalCommandsProcessed],
    ['total_writes_processed', s.totalCommandsProcessed],
    ...zero('io_threaded_reads_processed io_threaded_writes_processed reply_buffer_shrinks reply_buffer_expands'),
  ]);
}

/** `%ld.%06ld` seconds from microseconds, as server.c prints rusage. */
const seconds = (micros: number): string =>
  `${Math.floor(micros / 1e6)}.${String(Math.floor(micros % 1e6)).padStart(6, '0')}`;

export function cpuSection(): string {
  const u = process.cpuUsage();
  return formatSection('CPU', [
    ['used_cpu_sys', seconds(u.system)],
    ['used_cpu_user', seconds(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    // Node's thread pool is busy for sockets and files; the main thread gets the process figure
    ['used_cpu_sys_main_thread', seconds(u.system)],
    ['used_cpu_user_main_thread', seconds(u.user)],
  ]);
}
