/**
 * Hostname resolution for the links and for SENTINEL MONITOR, off the event loop.
 *
 * Redis resolves with getaddrinfo on its only thread (anetResolve): a DNS server that takes
 * seconds to answer stalls the whole sentinel, and a stall above two seconds puts it in TILT
 * (redis/redis#13866). Here a lookup is asynchronous and bounded by `argus-dns-timeout`; the last
 * good address of every name is cached, so a re-resolve that fails or times out falls back to it
 * (sentinel.c keeps the old address too when a reconnect's re-resolve fails), and the pure rules
 * read it synchronously (RuleContext.lookupIp). At most one lookup per name is in flight: a
 * hung lookup holds one libuv pool thread or one c-ares query, however often links retry.
 */
import { lookup as systemLookupOnce, Resolver } from 'node:dns/promises';
import { ArgusError, isArgusError } from '../errors.js';
import type { LineLevel } from '../runtime/logger.js';
import { isIpLiteral } from '../sentinel/address.js';
import { reasonOf } from './decode.js';

/**
 * argus-dns-timeout's default: ample for a healthy resolver on a loaded host, and short enough
 * that a reconnect (one per ping period) is not held back by more than a couple of periods.
 */
export const DEFAULT_DNS_TIMEOUT_MS = 2_000;

export interface DnsSettings {
  /** argus-dns-timeout: how long one resolution may take before the attempt fails */
  readonly timeoutMs: number;
  /** argus-dns-servers (`ip`, `ip:port`, `[ipv6]:port`); empty = the system resolver */
  readonly servers: readonly string[];
}

export const DEFAULT_DNS_SETTINGS: DnsSettings = { timeoutMs: DEFAULT_DNS_TIMEOUT_MS, servers: [] };

/** One resolution of a name to one IP; rejects with the resolver's error. */
export type Lookup = (host: string) => Promise<string>;

/** Arms a one-shot timer and returns its cancel function (injected by unit tests). */
export type Schedule = (ms: number, fn: () => void) => () => void;

const realSchedule: Schedule = (ms, fn) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * getaddrinfo through libuv's thread pool, first address as anetResolve takes it. It runs off
 * the event loop but cannot be cancelled: a hung lookup keeps one pool thread (shared by the
 * whole process, fs and crypto included) until the system resolver gives up.
 */
export const systemLookup: Lookup = async (host) => (await systemLookupOnce(host)).address;

/**
 * c-ares queries to the given servers (no thread pool, no /etc/hosts, no search domains): A
 * first, then AAAA for a name that has no A record. c-ares gives up after the same timeout, so
 * a server that never answers leaves no query behind.
 */
export function serverLookup(servers: readonly string[], timeoutMs: number): Lookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([...servers]);
  return async (host) => {
    try {
      const [a] = await resolver.resolve4(host);
      if (a !== undefined) return a;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENODATA') throw e;
    }
    const [aaaa] = await resolver.resolve6(host);
    if (aaaa === undefined) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENODATA' });
    return aaaa;
  };
}

export const lookupFor = (s: DnsSettings): Lookup => (s.servers.length > 0 ? serverLookup(s.servers, s.timeoutMs) : systemLookup);

export interface HostResolverOptions {
  readonly timeoutMs?: number;
  readonly lookup?: Lookup;
  readonly log?: (level: LineLevel, message: string) => void;
  readonly schedule?: Schedule;
  /** names kept in the cache (the oldest resolved is dropped beyond it) */
  readonly maxEntries?: number;
  /** a name resolved for the first time, or to another IP than before (what cached() returns changed) */
  readonly onChange?: (host: string, ip: string) => void;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Resolution with a deadline, a cache of last good addresses and one lookup in flight per
 * name. IP literals pass through untouched. Every failure is logged once when a name's state
 * changes, not once per connection attempt.
 */
export class HostResolver {
  #timeoutMs: number;
  #lookup: Lookup;
  /** the settings configure() last applied ('' = none: the constructor's options) */
  #settingsKey = '';
  readonly #log: (level: LineLevel, message: string) => void;
  readonly #schedule: Schedule;
  readonly #maxEntries: number;
  readonly #onChange: (host: string, ip: string) => void;
  readonly #cache = new Map<string, string>();
  readonly #inflight = new Map<string, Promise<string>>();
  /** what was last logged about each name, so a state is logged once */
  readonly #status = new Map<string, string>();

  constructor(opts: HostResolverOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    this.#lookup = opts.lookup ?? systemLookup;
    this.#log = opts.log ?? (() => {});
    this.#schedule = opts.schedule ?? realSchedule;
    this.#maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#onChange = opts.onChange ?? (() => {});
  }

  /** A resolver that follows argus-dns-timeout / argus-dns-servers. */
  static fromSettings(settings: DnsSettings, opts: Omit<HostResolverOptions, 'timeoutMs' | 'lookup'> = {}): HostResolver {
    const r = new HostResolver(opts);
    r.configure(settings);
    return r;
  }

  /** New settings (a shard's globals); the cache is kept. A no-op when they are the same. */
  configure(settings: DnsSettings): void {
    const key = JSON.stringify({ timeoutMs: settings.timeoutMs, servers: settings.servers });
    if (key === this.#settingsKey) return;
    this.#settingsKey = key;
    this.#timeoutMs = settings.timeoutMs;
    this.#lookup = lookupFor(settings);
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** The last address `host` resolved to (an IP literal is its own), or undefined. */
  cached(host: string): string | undefined {
    return isIpLiteral(host) ? host : this.#cache.get(host.toLowerCase());
  }

  /**
   * The address to connect to: a fresh answer if one comes within the timeout, else the last
   * good one. Rejects with ARGUS_ERR_DNS_TIMEOUT / ARGUS_ERR_DNS_LOOKUP when neither exists.
   */
  resolve(host: string): Promise<string> {
    if (isIpLiteral(host)) return Promise.resolve(host);
    const key = host.toLowerCase();
    const pending = this.#inflight.get(key) ?? this.#start(key, host);
    const timeoutMs = this.#timeoutMs;
    return new Promise<string>((resolve, reject) => {
      let done = false;
      const settle = (ip: string | null, error: ArgusError | null): void => {
        if (done) return;
        done = true;
        cancel();
        if (ip !== null) {
          this.#report(key, `ok ${ip}`, () => this.#okLine(key, host, ip));
          return resolve(ip);
        }
        const fallback = this.#cache.get(key);
        const why = error!.message;
        this.#report(key, `fail ${error!.code} ${why}`, () =>
          [
            'warning',
            `Can't resolve hostname ${host}: ${why}; ` +
              (fallback !== undefined ? `connecting to its last known address ${fallback}` : 'its links stay down until it resolves'),
          ],
        );
        if (fallback !== undefined) resolve(fallback);
        else reject(error);
      };
      const cancel = this.#schedule(timeoutMs, () => settle(null, timeoutError(host, timeoutMs)));
      pending.then(
        (ip) => settle(ip, null),
        (e: unknown) => settle(null, asLookupError(host, e, timeoutMs)),
      );
    });
  }

  #start(key: string, host: string): Promise<string> {
    let p: Promise<string>;
    try {
      p = this.#lookup(host);
    } catch (e) {
      p = Promise.reject(e);
    }
    // A late answer (after a caller's timeout) still refreshes the cache for lookupIp and the
    // next attempt's fallback.
    const tracked = p.then((ip) => {
      this.#remember(key, ip);
      return ip;
    });
    this.#inflight.set(key, tracked);
    const clear = (): void => {
      if (this.#inflight.get(key) === tracked) this.#inflight.delete(key);
    };
    tracked.then(clear, clear);
    return tracked;
  }

  #remember(key: string, ip: string): void {
    const before = this.#cache.get(key);
    this.#cache.delete(key);
    this.#cache.set(key, ip);
    if (before !== ip) this.#onChange(key, ip);
    if (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) {
        this.#cache.delete(oldest);
        this.#status.delete(oldest);
      }
    }
  }

  #okLine(key: string, host: string, ip: string): [LineLevel, string] {
    const before = this.#status.get(key);
    if (before === undefined) return ['verbose', `Hostname ${host} resolved to ${ip}`];
    if (before.startsWith('fail')) return ['notice', `Hostname ${host} resolves again, to ${ip}`];
    return ['notice', `Hostname ${host} now resolves to ${ip} (was ${before.slice(3)})`];
  }

  #report(key: string, status: string, line: () => [LineLevel, string]): void {
    if (this.#status.get(key) === status) return;
    const [level, message] = line();
    this.#status.set(key, status);
    this.#log(level, message);
  }
}

function asLookupError(host: string, e: unknown, timeoutMs: number): ArgusError {
  if (isArgusError(e, 'ARGUS_ERR_DNS_LOOKUP') || isArgusError(e, 'ARGUS_ERR_DNS_TIMEOUT')) return e;
  // c-ares gave up on its own (Node checks its timeouts once a second, so often after ours):
  // the same state as our timeout, so it is not logged as a change
  if ((e as { code?: unknown })?.code === 'ETIMEOUT') return timeoutError(host, timeoutMs, e);
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'unknown';
  return new ArgusError('ARGUS_ERR_DNS_LOOKUP', `${reasonOf(e)} (${code})`, { host, code }, { cause: e });
}

const timeoutError = (host: string, timeoutMs: number, cause?: unknown): ArgusError =>
  new ArgusError('ARGUS_ERR_DNS_TIMEOUT', `DNS lookup timed out after ${timeoutMs} ms`, { host, timeoutMs }, cause ? { cause } : undefined);
