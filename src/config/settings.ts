/**
 * The generic options a sentinel acts on, typed, with the defaults a sentinel starts from.
 * Read after loadConfig (values there are already validated and normalized).
 *
 * Sentinel mode changes two server defaults (sentinel.c initSentinelConfig): the port is 26379
 * instead of 6379, and protected mode is off instead of on. Because CONFIG REWRITE compares with
 * the plain-server defaults, both end up written into every sentinel.conf.
 */
import { memtoull } from './c-numbers.js';
import { LOG_LEVELS, type LogLevel, type ServerOptions } from './server-options.js';

/** sentinel.c REDIS_SENTINEL_PORT */
export const SENTINEL_DEFAULT_PORT = 26379;

/** client-output-buffer-limit of one class: bytes, bytes, seconds; 0 disables a limit */
export interface OutputBufferLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

export type TlsAuthClients = 'yes' | 'no' | 'optional';
export type SupervisedMode = 'no' | 'upstart' | 'systemd' | 'auto';

export interface ServerSettings {
  /** 0 disables TCP */
  readonly port: number;
  /**
   * listen addresses; a `-` prefix marks an optional one ("* -::*" = all IPv4, IPv6 if any);
   * empty after `bind ""`
   */
  readonly bind: readonly string[];
  readonly bindSourceAddr: string | null;
  readonly protectedMode: boolean;
  readonly unixsocket: string | null;
  readonly unixsocketperm: number;
  /** null: stay in the start-up working directory */
  readonly dir: string | null;
  readonly pidfile: string | null;
  /** '' = standard output */
  readonly logfile: string;
  readonly loglevel: LogLevel;
  readonly daemonize: boolean;
  readonly supervised: SupervisedMode;
  readonly syslogEnabled: boolean;
  readonly syslogIdent: string;
  readonly syslogFacility: string;
  /** the default user's password; also sent to peer sentinels when `sentinel sentinel-pass` is unset */
  readonly requirepass: string | null;
  readonly aclfile: string | null;
  readonly acllogMaxLen: number;
  readonly aclPubsubDefault: 'allchannels' | 'resetchannels';
  readonly maxclients: number;
  /** client idle timeout in seconds, 0 = never */
  readonly timeout: number;
  readonly tcpKeepalive: number;
  readonly tcpBacklog: number;
  /** already clamped to 1..500 by the loader */
  readonly hz: number;
  /** the limit that protects the sentinel from slow event subscribers */
  readonly clientOutputBufferLimitPubsub: OutputBufferLimit;
  /** client-query-buffer-limit: a client holding more unparsed input is closed */
  readonly clientQueryBufferLimit: number;
  /** proto-max-bulk-len: the largest bulk argument a request may declare */
  readonly protoMaxBulkLen: number;
  readonly tlsPort: number;
  readonly tlsCertFile: string | null;
  readonly tlsKeyFile: string | null;
  readonly tlsKeyFilePass: string | null;
  readonly tlsClientCertFile: string | null;
  readonly tlsClientKeyFile: string | null;
  readonly tlsClientKeyFilePass: string | null;
  readonly tlsCaCertFile: string | null;
  readonly tlsCaCertDir: string | null;
  readonly tlsDhParamsFile: string | null;
  readonly tlsAuthClients: TlsAuthClients;
  readonly tlsProtocols: string | null;
  readonly tlsCiphers: string | null;
  readonly tlsCiphersuites: string | null;
  readonly tlsPreferServerCiphers: boolean;
  readonly tlsSessionCaching: boolean;
  readonly tlsSessionCacheSize: number;
  readonly tlsSessionCacheTimeout: number;
  /** makes every outgoing link (masters, replicas, peers) TLS */
  readonly tlsReplication: boolean;
  /** argus-dns-timeout: ms a hostname lookup may take */
  readonly dnsTimeoutMs: number;
  /** argus-dns-servers: queried directly when set; empty = the system resolver */
  readonly dnsServers: readonly string[];
  /** argus-event-history: events kept for SENTINEL EVENTS; 0 = none */
  readonly eventHistory: number;
  /** argus-log-format */
  readonly logFormat: 'redis' | 'json';
  /** argus-http-port: the HTTP endpoint's port, 0 = off */
  readonly httpPort: number;
  /** argus-http-bind: its addresses, loopback by default */
  readonly httpBind: readonly string[];
  /** argus-http-token: the bearer token every route but /health needs; null = none */
  readonly httpToken: string | null;
}

/** config.c clientBufferLimitsDefaults[CLIENT_TYPE_PUBSUB]: pubsub 32mb 8mb 60 */
const PUBSUB_DEFAULT: OutputBufferLimit = { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };

/** EMPTY_STRING_IS_NULL strings: an empty value is no value. */
function optString(server: ServerOptions, name: string): string | null {
  const v = server.get(name)?.[0];
  return v === undefined || v === '' ? null : v;
}

/** Memory values are stored as the rewrite writes them ("32mb", "3000"). */
const bytes = (s: string | undefined, fallback: number): number => {
  const v = s === undefined ? null : memtoull(s);
  return v === null ? fallback : Number(v);
};

function pubsubLimit(server: ServerOptions): OutputBufferLimit {
  // the loader keeps one line per class, the last one given for it
  const line = server.all('client-output-buffer-limit').find((l) => l[0] === 'pubsub');
  if (!line) return PUBSUB_DEFAULT;
  return {
    hard: bytes(line[1], PUBSUB_DEFAULT.hard),
    soft: bytes(line[2], PUBSUB_DEFAULT.soft),
    softSeconds: Number(line[3] ?? PUBSUB_DEFAULT.softSeconds),
  };
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === v) ?? fallback;
}

export function readSettings(server: ServerOptions): ServerSettings {
  const int = (name: string, fallback: number): number => server.getInt(name, fallback);
  const bool = (name: string, fallback: boolean): boolean => server.getBool(name, fallback);
  return {
    port: int('port', SENTINEL_DEFAULT_PORT),
    bind: (server.get('bind') ?? ['*', '-::*']).filter((a) => a !== ''),
    bindSourceAddr: optString(server, 'bind-source-addr'),
    protectedMode: bool('protected-mode', false),
    unixsocket: optString(server, 'unixsocket'),
    unixsocketperm: Number.parseInt(server.getString('unixsocketperm', '0'), 8),
    dir: server.get('dir')?.[0] ?? null,
    pidfile: optString(server, 'pidfile'),
    logfile: server.getString('logfile', ''),
    loglevel: oneOf(server.get('loglevel')?.[0], LOG_LEVELS, 'notice'),
    daemonize: bool('daemonize', false),
    supervised: oneOf(server.get('supervised')?.[0], ['no', 'upstart', 'systemd', 'auto'] as const, 'no'),
    syslogEnabled: bool('syslog-enabled', false),
    syslogIdent: server.getString('syslog-ident', 'redis'),
    syslogFacility: server.getString('syslog-facility', 'local0'),
    requirepass: optString(server, 'requirepass'),
    aclfile: optString(server, 'aclfile'),
    acllogMaxLen: int('acllog-max-len', 128),
    aclPubsubDefault: oneOf(server.get('acl-pubsub-default')?.[0], ['allchannels', 'resetchannels'] as const, 'resetchannels'),
    maxclients: int('maxclients', 10000),
    timeout: int('timeout', 0),
    tcpKeepalive: int('tcp-keepalive', 300),
    tcpBacklog: int('tcp-backlog', 511),
    hz: int('hz', 10),
    clientOutputBufferLimitPubsub: pubsubLimit(server),
    clientQueryBufferLimit: bytes(server.get('client-query-buffer-limit')?.[0], 1024 * 1024 * 1024),
    protoMaxBulkLen: bytes(server.get('proto-max-bulk-len')?.[0], 512 * 1024 * 1024),
    tlsPort: int('tls-port', 0),
    tlsCertFile: optString(server, 'tls-cert-file'),
    tlsKeyFile: optString(server, 'tls-key-file'),
    tlsKeyFilePass: optString(server, 'tls-key-file-pass'),
    tlsClientCertFile: optString(server, 'tls-client-cert-file'),
    tlsClientKeyFile: optString(server, 'tls-client-key-file'),
    tlsClientKeyFilePass: optString(server, 'tls-client-key-file-pass'),
    tlsCaCertFile: optString(server, 'tls-ca-cert-file'),
    tlsCaCertDir: optString(server, 'tls-ca-cert-dir'),
    tlsDhParamsFile: optString(server, 'tls-dh-params-file'),
    tlsAuthClients: oneOf(server.get('tls-auth-clients')?.[0], ['yes', 'no', 'optional'] as const, 'yes'),
    tlsProtocols: optString(server, 'tls-protocols'),
    tlsCiphers: optString(server, 'tls-ciphers'),
    tlsCiphersuites: optString(server, 'tls-ciphersuites'),
    tlsPreferServerCiphers: bool('tls-prefer-server-ciphers', false),
    tlsSessionCaching: bool('tls-session-caching', true),
    tlsSessionCacheSize: int('tls-session-cache-size', 20480),
    tlsSessionCacheTimeout: int('tls-session-cache-timeout', 300),
    tlsReplication: bool('tls-replication', false),
    dnsTimeoutMs: int('argus-dns-timeout', 2000),
    dnsServers: server.get('argus-dns-servers') ?? [],
    eventHistory: int('argus-event-history', 1000),
    logFormat: oneOf(server.get('argus-log-format')?.[0], ['redis', 'json'] as const, 'redis'),
    httpPort: int('argus-http-port', 0),
    httpBind: server.get('argus-http-bind') ?? ['127.0.0.1'],
    httpToken: optString(server, 'argus-http-token'),
  };
}
