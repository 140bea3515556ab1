import { lookup } from 'node:dns/promises';

/**
 * Whether a hostname resolves, for SENTINEL MONITOR with resolve-hostnames on (anet.c anetResolve
 * without ANET_IP_ONLY). An object with a replaceable method so tests need no DNS.
 */
export const hostResolver = {
  async resolves(host: string): Promise<boolean> {
    try {
      await lookup(host);
      return true;
    } catch {
      return false;
    }
  },
};
