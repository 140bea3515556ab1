/** Argus's own release, reported by `--version` beside the Redis version it emulates. */
export const ARGUS_VERSION = '0.1.0';

/**
 * The Redis version Argus presents on the wire (INFO redis_version, HELLO version, the FATAL
 * CONFIG banner). Clients gate features on it (CLIENT SETINFO needs 7.2), so it names the Sentinel
 * behaviour Argus implements: Redis 7.2 plus Valkey 9's hardening.
 */
export const REDIS_COMPAT_VERSION = '7.2.4';
