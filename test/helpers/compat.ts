import { RawClient, type Value } from './raw-client.js';
import { startSentinel, type SentinelProc } from './processes.js';

/** Instance-map fields whose values are ages in ms: they differ between any two processes. */
export const AGE_FIELDS = new Set([
  'last-ping-sent', 'last-ok-ping-reply', 'last-ping-reply', 'info-refresh', 'role-reported-time',
  's-down-time', 'o-down-time', 'last-hello-message',
]);

/** Replaces the values of `volatile` fields in flat field/value arrays (at any depth) by '<v>'. */
export function normalize(v: Value, volatile: ReadonlySet<string> = AGE_FIELDS): Value {
  if (!Array.isArray(v)) return v;
  const flat = v.every((x) => typeof x === 'string') && v.length % 2 === 0;
  return v.map((x, i) => {
    if (flat && i % 2 === 1 && volatile.has(String(v[i - 1]))) return '<v>';
    return normalize(x, volatile);
  });
}

/**
 * Debian's redis-sentinel and Argus started on the same config, with one RawClient each:
 * the "same reply as redis-sentinel" check every later issue reuses.
 */
export class SentinelPair {
  private constructor(
    readonly redis: SentinelProc,
    readonly argus: SentinelProc,
    readonly redisClient: RawClient,
    readonly argusClient: RawClient,
  ) {}

  static async start(config: string): Promise<SentinelPair> {
    const [redis, argus] = await Promise.all([
      startSentinel(config, { impl: 'redis' }),
      startSentinel(config, { impl: 'argus' }),
    ]);
    const [rc, ac] = await Promise.all([RawClient.open(redis.port), RawClient.open(argus.port)]);
    return new SentinelPair(redis, argus, rc, ac);
  }

  /** The same command to both; their raw replies and decoded values. */
  async both(...args: string[]): Promise<{ redis: { raw: string; value: Value }; argus: { raw: string; value: Value } }> {
    const [redis, argus] = await Promise.all([this.redisClient.call(...args), this.argusClient.call(...args)]);
    return { redis, argus };
  }

  async stop(): Promise<void> {
    this.redisClient.close();
    this.argusClient.close();
    await Promise.all([this.redis.cleanup(), this.argus.cleanup()]);
  }
}
