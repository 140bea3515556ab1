import { isIpLiteral, isIpv6, type Addr } from './address.js';
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
 * sentinel.c announceSentinelAddr: the hostname with announce-hostnames, else the IP (for a
 * record that holds a name: its cached resolution, or the name when none is known).
 */
export function announceHost(addr: Addr, ctx: Pick<RuleContext, 'announceHostnames' | 'lookupIp'>): string {
  if (ctx.announceHostnames || isIpLiteral(addr.host)) return addr.host;
  return ctx.lookupIp?.(addr.host) ?? addr.host;
}
