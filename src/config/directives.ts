/**
 * Every directive a sentinel.conf may hold. A sentinel is a whole Redis server, so Redis accepts
 * (and CONFIG REWRITE keeps) the complete redis.conf vocabulary in it: config.c's
 * `static_configs[]` table, the special lines of `loadServerConfigFromString` (include,
 * rename-command, user, loadmodule, sentinel, `module.option`), and three deprecated names it
 * swallows silently. The list is Redis 7.2's: the 7.0.15 table (read back from a running 7.0.15
 * with DEBUG CONFIG-REWRITE-FORCE-ALL, which is also where the default texts come from) plus the
 * 7.2 additions, marked `since`.
 *
 * Argus-only top-level directives start with `argus-` and go into ARGUS_DIRECTIVES: one entry
 * each, validated and stored like any standard config.
 */
import {
  formatMemory, INT_MAX, INT_MIN, LLONG_MAX, LONG_MAX, UINT_MAX, ULLONG_MAX,
} from './c-numbers.js';

/** Extra checks some string configs run (config.c is_valid_fn). */
export type StringCheck = 'db-filename' | 'aof-filename' | 'aof-dirname' | 'hostname' | 'proc-title';

/** The special setters of config.c (createSpecialConfig). */
export type SpecialId =
  | 'dir' | 'save' | 'client-output-buffer-limit' | 'oom-score-adj-values' | 'notify-keyspace-events'
  | 'bind' | 'replicaof' | 'latency-tracking-info-percentiles'
  /** Argus: argus-dns-servers, a list of resolver addresses */
  | 'dns-servers'
  /** Argus: argus-http-bind, the HTTP endpoint's listen addresses */
  | 'http-bind';

/** How a value is parsed, validated and written (config.c's typed config families). */
export type ValueSpec =
  | { readonly t: 'bool'; readonly def: boolean }
  | { readonly t: 'string'; readonly def: string | null; readonly emptyIsNull: boolean; readonly check?: StringCheck }
  | { readonly t: 'enum'; readonly values: readonly string[]; readonly def: string; readonly bitflags?: boolean }
  | {
      readonly t: 'number';
      readonly min: bigint;
      readonly max: bigint;
      readonly def: bigint;
      /** unsigned C types compare as unsigned: "-1" is far above any bound */
      readonly unsigned: boolean;
      /** MEMORY_CONFIG / PERCENT_CONFIG / OCTAL_CONFIG, or a plain integer */
      readonly format: 'int' | 'memory' | 'memory-percent' | 'octal';
    }
  | { readonly t: 'special'; readonly id: SpecialId };

/**
 * - standard: a config-table entry (a wrong argument count says `wrong number of arguments`)
 * - file: one of the special lines (include, rename-command, user, loadmodule, sentinel)
 * - deprecated: accepted with one argument and ignored; never written back
 * - argus: an Argus-only directive, handled like a standard one
 */
export type DirectiveKind = 'standard' | 'file' | 'deprecated' | 'argus';

export interface DirectiveSpec {
  /** canonical, lower case */
  readonly name: string;
  readonly aliases: readonly string[];
  /** arguments after the directive name */
  readonly minArgs: number;
  /** Infinity = unbounded */
  readonly maxArgs: number;
  /** several lines accumulate (each line one value) instead of the last one winning */
  readonly multi: boolean;
  /** the default as CONFIG REWRITE writes it; absent = unset by default (nothing is written) */
  readonly defaultArgs?: readonly string[];
  /** for multi-line directives: the default lines (save, client-output-buffer-limit) */
  readonly defaultLines?: readonly (readonly string[])[];
  readonly kind: DirectiveKind;
  /** absent for file/deprecated directives */
  readonly value?: ValueSpec;
  /** MULTI_ARG_CONFIG: one line takes many arguments (or one quoted string of them) */
  readonly multiArg: boolean;
  /** first Redis version with the directive, when later than 7.0 */
  readonly since?: '7.2';
  /** HIDDEN_CONFIG: accepted and rewritten, but not listed by CONFIG GET * */
  readonly hidden?: boolean;
}

interface Entry {
  readonly name: string;
  readonly alias?: string;
  readonly value: ValueSpec;
  readonly multiArg?: boolean;
  readonly since?: '7.2';
  readonly hidden?: boolean;
}

type Opts = Pick<Entry, 'alias' | 'since' | 'hidden'>;

const bool = (name: string, def: boolean, o: Opts = {}): Entry => ({ name, value: { t: 'bool', def }, ...o });
const str = (name: string, def: string | null, emptyIsNull: boolean, o: Opts & { check?: StringCheck } = {}): Entry => {
  const { check, ...rest } = o;
  return { name, value: check ? { t: 'string', def, emptyIsNull, check } : { t: 'string', def, emptyIsNull }, ...rest };
};
const en = (name: string, values: readonly string[], def: string, o: Opts = {}): Entry => ({ name, value: { t: 'enum', values, def }, ...o });
type Num = Extract<ValueSpec, { t: 'number' }>;
const num = (
  name: string, min: bigint, max: bigint, def: bigint, unsigned: boolean, format: Num['format'] = 'int', o: Opts = {},
): Entry => ({ name, value: { t: 'number', min, max, def, unsigned, format }, ...o });
/** createIntConfig / LongConfig / LongLongConfig / SSizeT / TimeT / OffT: signed bounds */
const int = (name: string, min: bigint, max: bigint, def: bigint, o: Opts = {}): Entry => num(name, min, max, def, false, 'int', o);
/** createUIntConfig / ULongLongConfig / SizeTConfig: unsigned bounds */
const uint = (name: string, min: bigint, max: bigint, def: bigint, o: Opts = {}): Entry => num(name, min, max, def, true, 'int', o);
const special = (name: string, id: SpecialId, multiArg: boolean, o: Opts = {}): Entry => ({ name, value: { t: 'special', id }, multiArg, ...o });

const PROTECTED = ['no', 'yes', 'local'] as const;
const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'] as const;
const MB = 1024n * 1024n;

/** config.c static_configs[], in its order. */
const STANDARD: readonly Entry[] = [
  // Bool configs
  bool('rdbchecksum', true), bool('daemonize', false), bool('io-threads-do-reads', false),
  bool('always-show-logo', false), bool('protected-mode', true), bool('rdbcompression', true),
  bool('rdb-del-sync-files', false), bool('activerehashing', true), bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true), bool('dynamic-hz', true), bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false), bool('lazyfree-lazy-server-del', false), bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false), bool('repl-disable-tcp-nodelay', false), bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true), bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true), bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true), bool('aof-use-rdb-preamble', true), bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, { alias: 'cluster-slave-no-failover' }),
  bool('replica-lazy-flush', false, { alias: 'slave-lazy-flush' }),
  bool('replica-serve-stale-data', true, { alias: 'slave-serve-stale-data' }),
  bool('replica-read-only', true, { alias: 'slave-read-only' }),
  bool('replica-ignore-maxmemory', true, { alias: 'slave-ignore-maxmemory' }),
  bool('jemalloc-bg-thread', true), bool('activedefrag', false), bool('syslog-enabled', false),
  bool('cluster-enabled', false), bool('appendonly', false), bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true), bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true), bool('use-exit-on-panic', false, { hidden: true }),
  bool('disable-thp', true), bool('cluster-allow-replica-migration', true), bool('replica-announced', true),
  bool('latency-tracking', true), bool('aof-disable-auto-gc', false), bool('replica-ignore-disk-write-errors', false),

  // String configs (createStringConfig, createSDSConfig)
  str('aclfile', '', false), str('unixsocket', null, true), str('pidfile', null, true),
  str('replica-announce-ip', null, true, { alias: 'slave-announce-ip' }), str('masteruser', null, true),
  str('cluster-announce-ip', null, true), str('cluster-config-file', 'nodes.conf', false),
  str('cluster-announce-hostname', null, true, { check: 'hostname' }),
  str('cluster-announce-human-nodename', null, true, { since: '7.2' }),
  str('syslog-ident', 'redis', false), str('dbfilename', 'dump.rdb', false, { check: 'db-filename' }),
  str('appendfilename', 'appendonly.aof', false, { check: 'aof-filename' }),
  str('appenddirname', 'appendonlydir', false, { check: 'aof-dirname' }),
  str('server_cpulist', null, true), str('bio_cpulist', null, true), str('aof_rewrite_cpulist', null, true),
  str('bgsave_cpulist', null, true), str('ignore-warnings', '', false),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', false, { check: 'proc-title' }),
  str('bind-source-addr', null, true), str('logfile', '', false), str('locale-collate', '', false, { since: '7.2' }),
  str('masterauth', null, true), str('requirepass', null, true),

  // Enum configs
  en('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no'),
  en('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0'),
  en('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled'),
  // "nothing" is 7.2's; 7.0 refuses it.
  en('loglevel', ['debug', 'verbose', 'notice', 'warning', 'nothing'], 'notice'),
  en('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru',
    'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction'),
  en('appendfsync', ['everysec', 'always', 'no'], 'everysec'),
  en('oom-score-adj', ['no', 'yes', 'relative', 'absolute'], 'no'),
  en('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels'),
  en('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no'),
  en('enable-protected-configs', PROTECTED, 'no'), en('enable-debug-command', PROTECTED, 'no'),
  en('enable-module-command', PROTECTED, 'no'),
  en('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip'),
  en('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore'),
  { name: 'shutdown-on-sigint', value: { t: 'enum', values: SHUTDOWN_FLAGS, def: 'default', bitflags: true }, multiArg: true },
  { name: 'shutdown-on-sigterm', value: { t: 'enum', values: SHUTDOWN_FLAGS, def: 'default', bitflags: true }, multiArg: true },

  // Integer configs
  int('databases', 1n, INT_MAX, 16n), int('port', 0n, 65535n, 6379n), int('io-threads', 1n, 128n, 1n),
  int('auto-aof-rewrite-percentage', 0n, INT_MAX, 100n),
  int('cluster-replica-validity-factor', 0n, INT_MAX, 10n, { alias: 'cluster-slave-validity-factor' }),
  int('list-max-listpack-size', INT_MIN, INT_MAX, -2n, { alias: 'list-max-ziplist-size' }),
  int('tcp-keepalive', 0n, INT_MAX, 300n), int('cluster-migration-barrier', 0n, INT_MAX, 1n),
  int('active-defrag-cycle-min', 1n, 99n, 1n), int('active-defrag-cycle-max', 1n, 99n, 25n),
  int('active-defrag-threshold-lower', 0n, 1000n, 10n), int('active-defrag-threshold-upper', 0n, 1000n, 100n),
  int('lfu-log-factor', 0n, INT_MAX, 10n), int('lfu-decay-time', 0n, INT_MAX, 1n),
  int('replica-priority', 0n, INT_MAX, 100n, { alias: 'slave-priority' }),
  int('repl-diskless-sync-delay', 0n, INT_MAX, 5n), int('maxmemory-samples', 1n, INT_MAX, 5n),
  int('maxmemory-eviction-tenacity', 0n, 100n, 10n), int('timeout', 0n, INT_MAX, 0n),
  int('replica-announce-port', 0n, 65535n, 0n, { alias: 'slave-announce-port' }),
  int('tcp-backlog', 0n, INT_MAX, 511n), int('cluster-port', 0n, 65535n, 0n),
  int('cluster-announce-bus-port', 0n, 65535n, 0n), int('cluster-announce-port', 0n, 65535n, 0n),
  int('cluster-announce-tls-port', 0n, 65535n, 0n), int('repl-timeout', 1n, INT_MAX, 60n),
  int('repl-ping-replica-period', 1n, INT_MAX, 10n, { alias: 'repl-ping-slave-period' }),
  int('list-compress-depth', 0n, INT_MAX, 0n),
  int('rdb-key-save-delay', INT_MIN, INT_MAX, 0n, { hidden: true }),
  int('key-load-delay', INT_MIN, INT_MAX, 0n, { hidden: true }),
  int('active-expire-effort', 1n, 10n, 1n), int('hz', 0n, INT_MAX, 10n),
  int('min-replicas-to-write', 0n, INT_MAX, 0n, { alias: 'min-slaves-to-write' }),
  int('min-replicas-max-lag', 0n, INT_MAX, 10n, { alias: 'min-slaves-max-lag' }),
  int('watchdog-period', 0n, INT_MAX, 0n, { hidden: true }), int('shutdown-timeout', 0n, INT_MAX, 10n),
  int('repl-diskless-sync-max-replicas', 0n, INT_MAX, 0n),
  // Unsigned int configs
  uint('maxclients', 1n, UINT_MAX, 10000n),
  num('unixsocketperm', 0n, 0o777n, 0n, true, 'octal'),
  uint('socket-mark-id', 0n, UINT_MAX, 0n),
  // Added by redis#12178 (mid 2023); accepted so that configs written for 7.2+/7.4 load.
  uint('max-new-connections-per-cycle', 1n, 1000n, 10n, { since: '7.2' }),
  uint('max-new-tls-connections-per-cycle', 1n, 1000n, 1n, { since: '7.2' }),
  // Unsigned long configs (checked as signed: their bounds fit)
  int('active-defrag-max-scan-fields', 1n, LONG_MAX, 1000n), int('slowlog-max-len', 0n, LONG_MAX, 128n),
  int('acllog-max-len', 0n, LONG_MAX, 128n),
  // Long long configs
  int('busy-reply-threshold', 0n, LONG_MAX, 5000n, { alias: 'lua-time-limit' }),
  int('cluster-node-timeout', 0n, LLONG_MAX, 15000n), int('slowlog-log-slower-than', -1n, LLONG_MAX, 10000n),
  int('latency-monitor-threshold', 0n, LLONG_MAX, 0n),
  num('proto-max-bulk-len', MB, LONG_MAX, 512n * MB, false, 'memory'),
  int('stream-node-max-entries', 0n, LLONG_MAX, 100n),
  num('repl-backlog-size', 1n, LLONG_MAX, MB, false, 'memory'),
  // Unsigned long long configs
  num('maxmemory', 0n, ULLONG_MAX, 0n, true, 'memory'),
  num('cluster-link-sendbuf-limit', 0n, ULLONG_MAX, 0n, true, 'memory'),
  // size_t configs
  uint('hash-max-listpack-entries', 0n, LONG_MAX, 512n, { alias: 'hash-max-ziplist-entries' }),
  uint('set-max-intset-entries', 0n, LONG_MAX, 512n),
  uint('set-max-listpack-entries', 0n, LONG_MAX, 128n, { since: '7.2' }),
  uint('set-max-listpack-value', 0n, LONG_MAX, 64n, { since: '7.2' }),
  uint('zset-max-listpack-entries', 0n, LONG_MAX, 128n, { alias: 'zset-max-ziplist-entries' }),
  num('active-defrag-ignore-bytes', 1n, LLONG_MAX, 100n * MB, true, 'memory'),
  { ...num('hash-max-listpack-value', 0n, LONG_MAX, 64n, true, 'memory'), alias: 'hash-max-ziplist-value' },
  num('stream-node-max-bytes', 0n, LONG_MAX, 4096n, true, 'memory'),
  { ...num('zset-max-listpack-value', 0n, LONG_MAX, 64n, true, 'memory'), alias: 'zset-max-ziplist-value' },
  num('hll-sparse-max-bytes', 0n, LONG_MAX, 3000n, true, 'memory'),
  uint('tracking-table-max-keys', 0n, LONG_MAX, 1000000n),
  num('client-query-buffer-limit', MB, LONG_MAX, 1024n * MB, true, 'memory'),
  num('maxmemory-clients', -100n, LONG_MAX, 0n, false, 'memory-percent'),
  // Other configs
  int('repl-backlog-ttl', 0n, LONG_MAX, 3600n),
  num('auto-aof-rewrite-min-size', 0n, LLONG_MAX, 64n * MB, false, 'memory'),
  int('loading-process-events-interval-bytes', 1024n, INT_MAX, 2n * MB, { hidden: true }),
  // TLS (USE_OPENSSL builds, which Debian's is)
  int('tls-port', 0n, 65535n, 0n), int('tls-session-cache-size', 0n, INT_MAX, 20480n),
  int('tls-session-cache-timeout', 0n, INT_MAX, 300n), bool('tls-cluster', false), bool('tls-replication', false),
  en('tls-auth-clients', ['no', 'yes', 'optional'], 'yes'), bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  ...['tls-cert-file', 'tls-key-file', 'tls-key-file-pass', 'tls-client-cert-file', 'tls-client-key-file',
    'tls-client-key-file-pass', 'tls-dh-params-file', 'tls-ca-cert-file', 'tls-ca-cert-dir', 'tls-protocols',
    'tls-ciphers', 'tls-ciphersuites'].map((n) => str(n, null, true)),

  // Special configs
  special('dir', 'dir', false), special('save', 'save', true),
  special('client-output-buffer-limit', 'client-output-buffer-limit', true),
  special('oom-score-adj-values', 'oom-score-adj-values', true),
  special('notify-keyspace-events', 'notify-keyspace-events', false),
  special('bind', 'bind', true),
  { ...special('replicaof', 'replicaof', true), alias: 'slaveof' },
  special('latency-tracking-info-percentiles', 'latency-tracking-info-percentiles', true),
];

/**
 * Argus-only top-level directives (`argus-<name> <value>`), validated by their ValueSpec and
 * kept in ServerOptions like any standard config. Redis refuses them, so they only appear in
 * files written for Argus.
 */
export const ARGUS_DIRECTIVES: readonly Entry[] = [
  // shard worker threads that watch the masters; 0 = sized by the masters and cores (src/actors/placement.ts)
  int('argus-shards', 0n, 64n, 0n),
  // how long a hostname lookup may take before a connect attempt fails (src/links/host-resolver.ts)
  int('argus-dns-timeout', 10n, 60000n, 2000n),
  // DNS servers queried directly (c-ares) instead of the system resolver; unset = getaddrinfo
  special('argus-dns-servers', 'dns-servers', true),
  // events kept in memory for SENTINEL EVENTS and the HTTP layer; 0 = none (src/events/history.ts)
  int('argus-event-history', 0n, 1000000n, 1000n),
  // log lines as Redis writes them, or JSON lines (src/runtime/json-log.ts)
  en('argus-log-format', ['redis', 'json'], 'redis'),
  // the HTTP endpoint (src/http): health, state, load-balancer checks, /metrics; 0 = off
  int('argus-http-port', 0n, 65535n, 0n),
  // its listen addresses; unset = 127.0.0.1
  special('argus-http-bind', 'http-bind', true),
  // when set, every route but /health needs `Authorization: Bearer <token>`
  str('argus-http-token', null, true),
];

/** The defaults of the special configs, as the rewrite would write them. */
const SPECIAL_DEFAULTS: Readonly<Partial<Record<SpecialId, readonly string[]>>> = {
  'oom-score-adj-values': ['0', '200', '800'],
  'notify-keyspace-events': [''],
  bind: ['*', '-::*'],
  'latency-tracking-info-percentiles': ['50', '99', '99.9'],
};

const SPECIAL_DEFAULT_LINES: Readonly<Partial<Record<SpecialId, readonly (readonly string[])[]>>> = {
  save: [['3600', '1'], ['300', '100'], ['60', '10000']],
  'client-output-buffer-limit': [
    ['normal', '0', '0', '0'], ['replica', '256mb', '64mb', '60'], ['pubsub', '32mb', '8mb', '60'],
  ],
};

/** A number in the form CONFIG REWRITE writes it (numericConfigRewrite). */
export function formatNumber(v: Num, n: bigint): string {
  if (v.format === 'memory-percent' && n < 0n) return `${-n}%`;
  if (v.format === 'memory' || v.format === 'memory-percent') return formatMemory(n);
  if (v.format === 'octal') return n.toString(8);
  return String(n);
}

function defaultArgsOf(v: ValueSpec): readonly string[] | undefined {
  switch (v.t) {
    case 'bool': return [v.def ? 'yes' : 'no'];
    case 'string': return v.def === null ? undefined : [v.def];
    case 'enum': return [v.def];
    case 'number': return [formatNumber(v, v.def)];
    case 'special': return SPECIAL_DEFAULTS[v.id];
  }
}

function specOf(e: Entry, kind: DirectiveKind): DirectiveSpec {
  const multiArg = e.multiArg ?? false;
  const defaultArgs = defaultArgsOf(e.value);
  const defaultLines = e.value.t === 'special' ? SPECIAL_DEFAULT_LINES[e.value.id] : undefined;
  return {
    name: e.name,
    aliases: e.alias ? [e.alias] : [],
    minArgs: multiArg ? 0 : 1,
    maxArgs: multiArg ? Infinity : 1,
    // save and client-output-buffer-limit accumulate: each line adds pairs / classes.
    multi: e.value.t === 'special' && (e.value.id === 'save' || e.value.id === 'client-output-buffer-limit'),
    kind,
    value: e.value,
    multiArg,
    ...(defaultArgs ? { defaultArgs } : {}),
    ...(defaultLines ? { defaultLines } : {}),
    ...(e.since ? { since: e.since } : {}),
    ...(e.hidden ? { hidden: true } : {}),
  };
}

const fileDirective = (name: string, minArgs: number, maxArgs: number): DirectiveSpec => ({
  name, aliases: [], minArgs, maxArgs, multi: true, kind: 'file', multiArg: maxArgs > 1,
});

/** loadServerConfigFromString's own branches (argc counts the directive itself there). */
const FILE_DIRECTIVES: readonly DirectiveSpec[] = [
  fileDirective('include', 1, 1),
  fileDirective('rename-command', 2, 2),
  fileDirective('user', 1, Infinity),
  fileDirective('loadmodule', 1, Infinity),
  // `sentinel` alone is the sentinel-mode switch main() looks for; with arguments, a queued line.
  fileDirective('sentinel', 0, Infinity),
];

/** config.c deprecated_configs[]: accepted with exactly one argument, then ignored. */
const DEPRECATED: readonly DirectiveSpec[] = ['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']
  .map((name) => ({ name, aliases: [], minArgs: 1, maxArgs: 1, multi: false, kind: 'deprecated', multiArg: false }));

const BY_NAME = new Map<string, DirectiveSpec>();
for (const spec of [
  ...STANDARD.map((e) => specOf(e, 'standard')),
  ...ARGUS_DIRECTIVES.map((e) => specOf(e, 'argus')),
  ...FILE_DIRECTIVES,
  ...DEPRECATED,
]) {
  BY_NAME.set(spec.name, spec);
  for (const a of spec.aliases) BY_NAME.set(a, spec);
}

/** The spec of a directive by name or alias (case-insensitive), or undefined if unknown. */
export function directiveSpec(name: string): DirectiveSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every known directive, canonical names only, in table order. */
export function allDirectives(): DirectiveSpec[] {
  return [...new Set(BY_NAME.values())];
}
