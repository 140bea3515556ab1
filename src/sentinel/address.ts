/** Instance addresses as sentinel.c's `sentinelAddr`: host as configured, port. */
export interface Addr {
  readonly host: string;
  readonly port: number;
  /**
   * sentinelAddr.ip for a host that is a name: its resolved IP as the owning shard's resolver
   * last knew it. Filled only where a record leaves its shard (views, facts), so the main
   * thread can show it; the shard's own rules ask RuleContext.lookupIp, which is always fresh.
   * Absent for an IP literal and for a name not resolved yet.
   */
  readonly ip?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIpv4 = (s: string): boolean => IPV4.test(s);

export function isIpv6(s: string): boolean {
  if (!s.includes(':') || /[^0-9a-fA-F:.%]/.test(s.split('%')[0] ?? '')) return false;
  try {
    new URL(`http://[${s.split('%')[0]}]/`);
    return true;
  } catch {
    return false;
  }
}

export const isIpLiteral = (s: string): boolean => isIpv4(s) || isIpv6(s);

/** `ip:port`, with IPv6 bracketed: the name of a replica record (sentinel.c announceSentinelAddr). */
export const addrName = (a: Addr): string =>
  a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;

export const sameAddr = (a: Addr, b: Addr): boolean =>
  a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
