/**
 * The INFO reply of a simulated instance. PURE.
 *
 * Shaped on redis-server 7.0.15's (the version Debian ships and the tests run): the same
 * sections in the same order, the same field names, about the same 5 KB, so what a sentinel
 * spends parsing and caching INFO is what it would spend on a real fleet. Only the fields a
 * sentinel reads, and a few that identify the instance, change; the rest is an idle server's.
 */
import type { SimInstance, SimWorld } from './model.js';

export const SIM_REDIS_VERSION = '7.0.15';

/** The sections plain `INFO` returns, in Redis's order (commandstats and latencystats are not among them). */
export const DEFAULT_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace',
] as const;
type Section = (typeof DEFAULT_SECTIONS)[number];

const lines = (...xs: string[]): string => xs.map((x) => `${x}\r\n`).join('');

// An idle server's figures: constant, since nothing reads them but the byte count matters.
const MEMORY = lines(
  'used_memory:1014048', 'used_memory_human:990.28K', 'used_memory_rss:12357632', 'used_memory_rss_human:11.79M',
  'used_memory_peak:1014048', 'used_memory_peak_human:990.28K', 'used_memory_peak_perc:102.32%', 'used_memory_overhead:876548',
  'used_memory_startup:876344', 'used_memory_dataset:137500', 'used_memory_dataset_perc:99.85%', 'allocator_allocated:1785056',
  'allocator_active:1937408', 'allocator_resident:4608000', 'total_system_memory:25276514304', 'total_system_memory_human:23.54G',
  'used_memory_lua:32768', 'used_memory_vm_eval:32768', 'used_memory_lua_human:32.00K', 'used_memory_scripts_eval:0',
  'number_of_cached_scripts:0', 'number_of_functions:0', 'number_of_libraries:0', 'used_memory_vm_functions:33792',
  'used_memory_vm_total:66560', 'used_memory_vm_total_human:65.00K', 'used_memory_functions:200', 'used_memory_scripts:200',
  'used_memory_scripts_human:200B', 'maxmemory:0', 'maxmemory_human:0B', 'maxmemory_policy:noeviction',
  'allocator_frag_ratio:1.09', 'allocator_frag_bytes:152352', 'allocator_rss_ratio:2.38', 'allocator_rss_bytes:2670592',
  'rss_overhead_ratio:2.68', 'rss_overhead_bytes:7749632', 'mem_fragmentation_ratio:12.70', 'mem_fragmentation_bytes:11384216',
  'mem_not_counted_for_evict:0', 'mem_replication_backlog:4', 'mem_total_replication_buffers:0', 'mem_clients_slaves:0',
  'mem_clients_normal:0', 'mem_cluster_links:0', 'mem_aof_buffer:0', 'mem_allocator:jemalloc-5.3.0', 'active_defrag_running:0',
  'lazyfree_pending_objects:0', 'lazyfreed_objects:0',
);

const PERSISTENCE_HEAD = lines(
  'loading:0', 'async_loading:0', 'current_cow_peak:0', 'current_cow_size:0', 'current_cow_size_age:0', 'current_fork_perc:0.00',
  'current_save_keys_processed:0', 'current_save_keys_total:0', 'rdb_changes_since_last_save:0', 'rdb_bgsave_in_progress:0',
);
const PERSISTENCE_TAIL = lines(
  'rdb_last_bgsave_status:ok', 'rdb_last_bgsave_time_sec:-1', 'rdb_current_bgsave_time_sec:-1', 'rdb_saves:0',
  'rdb_last_cow_size:0', 'rdb_last_load_keys_expired:0', 'rdb_last_load_keys_loaded:0', 'aof_enabled:0', 'aof_rewrite_in_progress:0',
  'aof_rewrite_scheduled:0', 'aof_last_rewrite_time_sec:-1', 'aof_current_rewrite_time_sec:-1', 'aof_last_bgrewrite_status:ok',
  'aof_rewrites:0', 'aof_rewrites_consecutive_failures:0', 'aof_last_write_status:ok', 'aof_last_cow_size:0',
  'module_fork_in_progress:0', 'module_fork_last_cow_size:0',
);

const STATS_TAIL = lines(
  'total_net_repl_input_bytes:0', 'total_net_repl_output_bytes:0', 'instantaneous_input_kbps:0.09', 'instantaneous_output_kbps:0.01',
  'instantaneous_input_repl_kbps:0.00', 'instantaneous_output_repl_kbps:0.00', 'rejected_connections:0', 'sync_full:1',
  'sync_partial_ok:0', 'sync_partial_err:0', 'expired_keys:0', 'expired_stale_perc:0.00', 'expired_time_cap_reached_count:0',
  'expire_cycle_cpu_milliseconds:0', 'evicted_keys:0', 'evicted_clients:0', 'total_eviction_exceeded_time:0',
  'current_eviction_exceeded_time:0', 'keyspace_hits:0', 'keyspace_misses:0',
);
const STATS_END = lines(
  'pubsub_patterns:0', 'pubsubshard_channels:0', 'latest_fork_usec:0', 'total_forks:0', 'migrate_cached_sockets:0',
  'slave_expires_tracked_keys:0', 'active_defrag_hits:0', 'active_defrag_misses:0', 'active_defrag_key_hits:0',
  'active_defrag_key_misses:0', 'total_active_defrag_time:0', 'current_active_defrag_time:0', 'tracking_total_keys:0',
  'tracking_total_items:0', 'tracking_total_prefixes:0', 'unexpected_error_replies:0', 'total_error_replies:0',
  'dump_payload_sanitizations:0', 'total_reads_processed:5', 'total_writes_processed:3', 'io_threaded_reads_processed:0',
  'io_threaded_writes_processed:0', 'reply_buffer_shrinks:1', 'reply_buffer_expands:0',
);

const CPU = lines(
  'used_cpu_sys:0.003772', 'used_cpu_user:0.007542', 'used_cpu_sys_children:0.000000', 'used_cpu_user_children:0.000000',
  'used_cpu_sys_main_thread:0.003742', 'used_cpu_user_main_thread:0.007483',
);

const NO_REPLID2 = '0000000000000000000000000000000000000000';

/** The `slaveN:` lines and `connected_slaves:` of any instance (a replica lists its own replicas too). */
function replicaLines(world: SimWorld, inst: SimInstance, now: number): string {
  const rs = world.replicasOf(inst);
  let out = `connected_slaves:${rs.length}\r\n`;
  const offset = world.offset(inst, now);
  rs.forEach((r, i) => {
    out += `slave${i}:ip=${r.ip},port=${r.port},state=online,offset=${offset},lag=0\r\n`;
  });
  return out;
}

/** `# Replication`: what sentinel.c's INFO parsing reads (role, slaveN, master_host/port/link, priority, offset). */
export function replicationSection(world: SimWorld, inst: SimInstance, now: number): string {
  const offset = world.offset(inst, now);
  const backlog = lines(
    `master_repl_offset:${offset}`, 'second_repl_offset:-1', 'repl_backlog_active:1', 'repl_backlog_size:1048576',
    `repl_backlog_first_byte_offset:${offset > 0 ? 1 : 0}`, `repl_backlog_histlen:${offset}`,
  );
  if (inst.role === 'master') {
    return `role:master\r\n${replicaLines(world, inst, now)}master_failover_state:no-failover\r\n` +
      `master_replid:${inst.replId}\r\nmaster_replid2:${NO_REPLID2}\r\n${backlog}`;
  }
  const up = world.linkUp(inst, now);
  const master = world.masterOf(inst);
  const downSince = inst.linkDownSince === null ? 0 : Math.floor((now - inst.linkDownSince) / 1000);
  return (
    lines(
      'role:slave', `master_host:${inst.masterHost ?? ''}`, `master_port:${inst.masterPort}`, `master_link_status:${up ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${up ? 0 : -1}`, 'master_sync_in_progress:0', `slave_read_repl_offset:${offset}`, `slave_repl_offset:${offset}`,
    ) +
    (up ? '' : `master_link_down_since_seconds:${downSince}\r\n`) +
    lines(`slave_priority:${inst.priority}`, 'slave_read_only:1', 'replica_announced:1') +
    replicaLines(world, inst, now) +
    `master_failover_state:no-failover\r\nmaster_replid:${up && master ? master.replId : inst.replId}\r\nmaster_replid2:${NO_REPLID2}\r\n${backlog}`
  );
}

function section(world: SimWorld, inst: SimInstance, name: Section, now: number, wallMs: number): string {
  const uptime = Math.max(0, Math.floor((now - inst.bootedAt) / 1000));
  switch (name) {
    case 'server':
      return lines(
        `redis_version:${SIM_REDIS_VERSION}`, 'redis_git_sha1:00000000', 'redis_git_dirty:0', 'redis_build_id:ae4d7c971a948f0',
        'redis_mode:standalone', 'os:Linux 6.1.0 x86_64', 'arch_bits:64', 'monotonic_clock:POSIX clock_gettime',
        'multiplexing_api:epoll', 'atomicvar_api:c11-builtin', 'gcc_version:12.2.0', `process_id:${inst.port}`,
        'process_supervised:no', `run_id:${inst.runId}`, `tcp_port:${inst.port}`, `server_time_usec:${Math.floor(wallMs * 1000)}`,
        `uptime_in_seconds:${uptime}`, `uptime_in_days:${Math.floor(uptime / 86_400)}`, 'hz:10', 'configured_hz:10',
        `lru_clock:${Math.floor(wallMs / 1000) & 0xffffff}`, 'executable:/usr/bin/redis-server', 'config_file:', 'io_threads_active:0',
      );
    case 'clients':
      return lines(
        `connected_clients:${inst.clients.size}`, 'cluster_connections:0', 'maxclients:10000', 'client_recent_max_input_buffer:20480',
        'client_recent_max_output_buffer:0', 'blocked_clients:0', 'tracking_clients:0', 'clients_in_timeout_table:0',
      );
    case 'memory':
      return MEMORY;
    case 'persistence':
      return `${PERSISTENCE_HEAD}rdb_last_save_time:${Math.floor(wallMs / 1000) - uptime}\r\n${PERSISTENCE_TAIL}`;
    case 'stats': {
      const channels = new Set<string>();
      for (const c of inst.clients) for (const ch of c.subscriptions) channels.add(ch);
      return lines(`total_connections_received:${inst.clients.size}`, `total_commands_processed:${inst.commands}`, 'instantaneous_ops_per_sec:2',
        'total_net_input_bytes:167', 'total_net_output_bytes:17') + STATS_TAIL + `pubsub_channels:${channels.size}\r\n` + STATS_END;
    }
    case 'replication':
      return replicationSection(world, inst, now);
    case 'cpu':
      return CPU;
    case 'cluster':
      return 'cluster_enabled:0\r\n';
    case 'modules':
    case 'errorstats':
    case 'keyspace':
      return '';
    default:
      return assertNever(name);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown INFO section ${String(x)}`);
}

const TITLES: Readonly<Record<Section, string>> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats', replication: 'Replication',
  cpu: 'CPU', modules: 'Modules', errorstats: 'Errorstats', cluster: 'Cluster', keyspace: 'Keyspace',
};

/**
 * INFO [section ...]: no argument, `default`, `all` or `everything` give every default section;
 * names are case-insensitive; an unknown name gives nothing for it (an empty reply if nothing
 * else), as Redis does. Sections are separated by an empty line, as genRedisInfoString writes.
 * `now` is the monotonic ms of the world, `wallMs` the epoch ms for the fields that show dates.
 */
export function infoText(world: SimWorld, inst: SimInstance, args: readonly string[], now: number, wallMs: number): string {
  const wanted = new Set<Section>();
  const lower = args.map((a) => a.toLowerCase());
  if (lower.length === 0 || lower.some((a) => a === 'default' || a === 'all' || a === 'everything')) {
    for (const s of DEFAULT_SECTIONS) wanted.add(s);
  }
  for (const a of lower) if ((DEFAULT_SECTIONS as readonly string[]).includes(a)) wanted.add(a as Section);
  let out = '';
  for (const name of DEFAULT_SECTIONS) {
    if (!wanted.has(name)) continue;
    if (out) out += '\r\n';
    out += `# ${TITLES[name]}\r\n${section(world, inst, name, now, wallMs)}`;
  }
  return out;
}
