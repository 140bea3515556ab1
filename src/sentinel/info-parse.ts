import { atoi, strtoll, strtoull } from '../config/c-numbers.js';

/** An address from a master's `slave<N>:` line, as written there (not yet validated). */
export interface ReportedReplica {
  readonly host: string;
  readonly port: number;
}

/**
 * The fields of an INFO reply that Sentinel reads (monitoring.md §6), in sentinel.c's
 * sentinelRefreshInstanceInfo terms. `null` means "no such line", so the caller keeps what it
 * had, as sentinel.c does for every field but the master-link-down time.
 */
export interface ParsedInfo {
  /** the 40 characters after `run_id:`, only from a line of at least 47 characters */
  runId: string | null;
  /** every `slave<N>:` line with an address, in order (both the `ip=,port=` and the old `ip,port,state` form) */
  replicas: ReportedReplica[];
  /** `master_link_down_since_seconds` × 1000; 0 when absent (sentinel.c resets it before parsing) */
  masterLinkDownTime: number;
  /** the last `role:` line */
  role: 'master' | 'slave' | null;
  // The next six are read only from lines after a `role:slave` line, as sentinel.c does.
  masterHost: string | null;
  masterPort: number | null;
  /** `master_link_status:up` (case-insensitive) → true, anything else → false */
  masterLinkStatusUp: boolean | null;
  /** `slave_priority:` (or `replica_priority:`, see parseInfo) */
  slavePriority: number | null;
  slaveReplOffset: number | null;
  replicaAnnounced: boolean | null;
  /** V9 `master_failover_state:`: `no-failover` exactly → idle, anything else → in progress */
  failoverState: 'no-failover' | 'failover' | null;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** strchr from `from`: the index, or the string's length when absent (the C code's NUL). */
const upTo = (s: string, ch: string, from: number): number => {
  const i = s.indexOf(ch, from);
  return i < 0 ? s.length : i;
};

/**
 * A `slave<N>:` line. New form `slave0:ip=10.0.0.2,port=6380,state=online,...` (the first
 * `ip=` and `port=` anywhere in the line, each ending at the next comma); old form
 * `slave0:10.0.0.2,6380,online`, which needs all three commas-separated parts. IPv6 works in
 * both: an address holds no comma, and the old form starts after the first colon.
 */
function parseReplicaLine(l: string): ReportedReplica | null {
  const ipAt = l.indexOf('ip=');
  if (ipAt < 0) {
    const colon = l.indexOf(':');
    if (colon < 0) return null;
    const comma = l.indexOf(',', colon + 1);
    if (comma < 0) return null;
    const end = l.indexOf(',', comma + 1);
    if (end < 0) return null;
    return { host: l.slice(colon + 1, comma), port: atoi(l.slice(comma + 1, end)) };
  }
  const portAt = l.indexOf('port=');
  if (portAt < 0) return null;
  const ip = l.slice(ipAt + 3, upTo(l, ',', ipAt + 3));
  return { host: ip, port: atoi(l.slice(portAt + 5, upTo(l, ',', portAt + 5))) };
}

/**
 * sentinel.c sentinelRefreshInstanceInfo, parsing half: lines split on CRLF, prefixes matched
 * byte for byte with sentinel.c's minimum lengths, numbers read leniently (atoi, strtoll,
 * strtoull: leading space and sign accepted, junk after the digits ignored, no digits = 0).
 *
 * Argus addition: `replica_priority:` is read like `slave_priority:` (a server that printed the
 * new name only would otherwise keep the default priority 100).
 */
export function parseInfo(text: string): ParsedInfo {
  const info: ParsedInfo = {
    runId: null,
    replicas: [],
    masterLinkDownTime: 0,
    role: null,
    masterHost: null,
    masterPort: null,
    masterLinkStatusUp: null,
    slavePriority: null,
    slaveReplOffset: null,
    replicaAnnounced: null,
    failoverState: null,
  };
  for (const l of text.split('\r\n')) {
    if (l.length >= 47 && l.startsWith('run_id:')) info.runId = l.slice(7, 47);

    if (l.length >= 7 && l.startsWith('slave') && isDigit(l[5])) {
      const r = parseReplicaLine(l);
      if (r !== null) info.replicas.push(r);
      continue;
    }

    if (l.length >= 32 && l.startsWith('master_link_down_since_seconds')) {
      info.masterLinkDownTime = Number(strtoll(l.slice(31)).value) * 1000;
    }

    if (l.length >= 11 && l.startsWith('role:master')) info.role = 'master';
    else if (l.length >= 10 && l.startsWith('role:slave')) info.role = 'slave';

    if (info.role === 'slave') {
      if (l.length >= 12 && l.startsWith('master_host:')) info.masterHost = l.slice(12);
      if (l.length >= 12 && l.startsWith('master_port:')) info.masterPort = atoi(l.slice(12));
      if (l.length >= 19 && l.startsWith('master_link_status:')) {
        info.masterLinkStatusUp = l.slice(19).toLowerCase() === 'up';
      }
      if (l.length >= 15 && l.startsWith('slave_priority:')) info.slavePriority = atoi(l.slice(15));
      if (l.length >= 17 && l.startsWith('replica_priority:')) info.slavePriority = atoi(l.slice(17));
      if (l.length >= 18 && l.startsWith('slave_repl_offset:')) {
        // strtoull: "-1" would be 2^64-1; an offset is never negative, so such junk reads as 0
        const v = strtoull(l.slice(18));
        info.slaveReplOffset = v > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(v);
      }
      if (l.length >= 18 && l.startsWith('replica_announced:')) info.replicaAnnounced = atoi(l.slice(18)) !== 0;
    }

    if (l.length >= 22 && l.startsWith('master_failover_state:')) {
      info.failoverState = l.startsWith('master_failover_state:no-failover') ? 'no-failover' : 'failover';
    }
  }
  return info;
}
