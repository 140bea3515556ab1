import type { SentinelTimings } from './timings.js';

/**
 * What every pure monitoring rule reads besides the records it is given. `now` is monotonic ms
 * (integers: the rules' "first ms where a strict `>` holds" deadlines assume whole ms).
 */
export type RuleContext = {
  now: number;
  timings: SentinelTimings;
  /** sentinel.tilt: the acting half of the rules is skipped */
  tilt: boolean;
  resolveHostnames: boolean;
  announceHostnames: boolean;
  myid: string;
  /**
   * Optional: the links' last asynchronous resolution of a hostname (undefined = not known).
   * sentinel.c keeps a resolved IP beside every hostname (sentinelAddr.ip); the pure records
   * keep only the host, so address comparisons and SLAVEOF targets ask here when a record holds
   * a name. Without it they compare the names themselves.
   */
  lookupIp?: (host: string) => string | undefined;
};
