import { readFileSync } from 'node:fs';
import type { SentinelState } from '../sentinel/state.js';

/** The soft limit on open files (RLIMIT_NOFILE) from /proc/self/limits; null where unknown. */
export function openFilesLimit(read: () => string = () => readFileSync('/proc/self/limits', 'latin1')): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(read());
    if (!m) return null;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}

/** Descriptors the process itself holds besides links and clients (listeners, threads, logs). */
export const RESERVED_FDS = 64;

/**
 * The descriptors the links to the monitored fleet take: a command and a pub/sub connection per
 * master and replica, one command connection per peer sentinel (records of one run id share it,
 * counted here once per master record as an upper bound a shard split can reach).
 */
export function linkDescriptors(state: SentinelState): number {
  let n = 0;
  for (const m of state.masters.values()) n += 2 + 2 * m.replicas.size + m.sentinels.size;
  return n;
}

/**
 * The start-up warning when the limit cannot hold the fleet's links and the configured clients:
 * without it the links that do not fit fail with EMFILE, their instances go +sdown, and clients
 * are refused, with nothing in the log above debug level. Null when the limit suffices.
 */
export function fdLimitWarning(limit: number | null, state: SentinelState, maxclients: number): string | null {
  if (limit === null || limit === Infinity) return null;
  const links = linkDescriptors(state);
  const needed = links + maxclients + RESERVED_FDS;
  if (limit >= needed) return null;
  return (
    `Open files limit is ${limit}, but the links to ${state.masters.size} masters and their known ` +
    `replicas and sentinels need ${links} and maxclients ${maxclients} more (${needed} with ` +
    `${RESERVED_FDS} reserved). Instances that cannot be linked will be reported down. Raise the ` +
    `limit (ulimit -n, systemd LimitNOFILE=) or split the masters over more sentinels.`
  );
}
