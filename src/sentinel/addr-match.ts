import { addrName, isIpLiteral, isIpv6, type Addr } from './address.js';
import type { InstanceRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

type ResolveCtx = Pick<RuleContext, 'resolveHostnames' | 'lookupIp'>;

/** One textual form per IP: IPv6 compressed and lower-cased (inet_pton + inet_ntop). */
export function canonicalIp(ip: string): string {
  if (!isIpv6(ip)) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/**
 * anetResolve as sentinel.c calls it: an IP literal resolves to itself; a name resolves only
 * with resolve-hostnames, here through the links' cache (no DNS in pure code); else it fails.
 */
function resolve(host: string, ctx: ResolveCtx): string | null {
  if (isIpLiteral(host)) return canonicalIp(host);
  if (!ctx.resolveHostnames) return null;
  const ip = ctx.lookupIp?.(host);
  return ip === undefined ? null : canonicalIp(ip);
}

/**
 * sentinel.c sentinelAddrEqualsHostname (7.2+): does the host a replica reports (master_host)
 * name the address `addr`? Resolve the reported host; if that fails compare strings
 * case-insensitively (the record's hostname with resolve-hostnames, else its IP); otherwise
 * compare IPs. The record's IP is its host when that is a literal, else the cached resolution.
 * A null host (no master_host line seen) matches nothing.
 */
export function addrEqualsHostname(addr: Addr, hostname: string | null, ctx: ResolveCtx): boolean {
  if (hostname === null) return false;
  const addrIp = resolve(addr.host, ctx) ?? addr.host;
  const ip = resolve(hostname, ctx);
  if (ip === null) return (ctx.resolveHostnames ? addr.host : addrIp).toLowerCase() === hostname.toLowerCase();
  return addrIp.toLowerCase() === ip;
}

/**
 * What decides how an address is shown: announce-hostnames and, in a shard, its resolver cache.
 * Without `lookupIp` (the main thread) the IP the address carries from its shard is used.
 */
export type AnnounceContext = Pick<RuleContext, 'announceHostnames' | 'lookupIp'>;

/**
 * sentinel.c announceSentinelAddr: the hostname with announce-hostnames, else the IP (for a
 * record that holds a name: its cached resolution, else the IP the address carries from its
 * shard (Addr.ip), or the name when none is known yet).
 */
export function announceHost(addr: Addr, ctx: AnnounceContext): string {
  if (ctx.announceHostnames || isIpLiteral(addr.host)) return addr.host;
  return ctx.lookupIp?.(addr.host) ?? addr.ip ?? addr.host;
}

/**
 * The name an instance is shown by. sentinel.c names a replica by announceSentinelAddrAndPort
 * when it creates it (`10.0.0.5:6379`, or `redis-1:6379` with announce-hostnames), so with
 * announce-hostnames no a replica known by name is shown by its IP, as Redis shows it. Argus
 * keys the record by the address as reported and derives the shown name when it is shown, so
 * switching announce-hostnames renames it at once (Redis keeps the old name and, at the next
 * INFO, adds a second record under the new one). Masters and peers keep their names.
 */
export function announceName(ri: InstanceRecord, ctx: AnnounceContext): string {
  if (ri.kind !== 'slave' || ctx.announceHostnames || isIpLiteral(ri.addr.host)) return ri.name;
  return addrName({ host: announceHost(ri.addr, ctx), port: ri.addr.port });
}
