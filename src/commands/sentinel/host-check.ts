import { DEFAULT_DNS_SETTINGS, HostResolver, type DnsSettings } from '../../links/host-resolver.js';
import type { LineLevel } from '../../runtime/logger.js';

let resolver = HostResolver.fromSettings(DEFAULT_DNS_SETTINGS);

/**
 * Whether a hostname resolves, for SENTINEL MONITOR with resolve-hostnames on (anet.c anetResolve
 * without ANET_IP_ONLY). Redis blocks its only thread here; this awaits the main thread's
 * resolver, bounded by argus-dns-timeout, while other clients are served. An object with
 * replaceable methods so tests need no DNS.
 */
export const hostResolver = {
  /** argus-dns-timeout / argus-dns-servers, set once at start-up */
  configure(settings: DnsSettings, log?: (level: LineLevel, message: string) => void): void {
    resolver = HostResolver.fromSettings(settings, log ? { log } : {});
  },
  async resolves(host: string): Promise<boolean> {
    try {
      await resolver.resolve(host);
      return true;
    } catch {
      return false;
    }
  },
};
