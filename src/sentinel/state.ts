import { addrName, isIpLiteral, type Addr } from './address.js';
import {
  newMasterRecord,
  newReplicaRecord,
  newSentinelRecord,
  SRI,
  type MasterRecord,
} from './instance.js';
import { defaultTimings, type SentinelTimings } from './timings.js';

/** sentinel.c's global `sentinel` struct: what this process is and what it watches. */
export interface SentinelState {
  myid: string;
  currentEpoch: number;
  /** null = unset (an empty string in the file or CONFIG SET also unsets) */
  announceIp: string | null;
  announcePort: number;
  denyScriptsReconfig: boolean;
  resolveHostnames: boolean;
  announceHostnames: boolean;
  sentinelUser: string | null;
  sentinelPass: string | null;
  /** table order = monitor order */
  masters: Map<string, MasterRecord>;
  timings: SentinelTimings;
  tilt: boolean;
  tiltStartTime: number;
  totalTilt: number;
  /** bit 1: crash after election, bit 2: crash after promotion */
  simFailureFlags: number;
}

export const newSentinelState = (): SentinelState => ({
  myid: '',
  currentEpoch: 0,
  announceIp: null,
  announcePort: 0,
  denyScriptsReconfig: true,
  resolveHostnames: false,
  announceHostnames: false,
  sentinelUser: null,
  sentinelPass: null,
  masters: new Map(),
  timings: defaultTimings(),
  tilt: false,
  tiltStartTime: 0,
  totalTilt: 0,
  simFailureFlags: 0,
});

/** Failure texts of sentinel.c createSentinelRedisInstance, shared by config load and MONITOR. */
export type CreateError =
  | 'Duplicate master name.'
  | 'Invalid port number.'
  | "Can't resolve instance hostname."
  | 'Duplicate hostname and port for replica.'
  | 'Duplicate runid for sentinel.';

export type Created<T> = { ok: true; value: T } | { ok: false; error: CreateError };

/**
 * Checks a host the way sentinel.c's createSentinelAddr does at the moment of creation: an IP
 * literal, or any name when resolve-hostnames is on. (Name resolution itself happens on the
 * links, asynchronously, so it never blocks the event loop.)
 */
function checkAddr(state: SentinelState, host: string, port: number): Created<Addr> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, error: 'Invalid port number.' };
  if (!isIpLiteral(host) && !state.resolveHostnames) return { ok: false, error: "Can't resolve instance hostname." };
  return { ok: true, value: { host, port } };
}

export function createMaster(
  state: SentinelState,
  name: string,
  host: string,
  port: number,
  quorum: number,
  now: number,
): Created<MasterRecord> {
  // createSentinelRedisInstance checks the address before the name: a bad port wins over a
  // duplicate name.
  const addr = checkAddr(state, host, port);
  if (!addr.ok) return addr;
  if (state.masters.has(name)) return { ok: false, error: 'Duplicate master name.' };
  const master = newMasterRecord(name, addr.value, quorum, state.timings, now);
  state.masters.set(name, master);
  return { ok: true, value: master };
}

export function addKnownReplica(
  state: SentinelState,
  master: MasterRecord,
  host: string,
  port: number,
  now: number,
): Created<MasterRecord> {
  const addr = checkAddr(state, host, port);
  if (!addr.ok) return addr;
  const name = addrName(addr.value);
  if (master.replicas.has(name)) return { ok: false, error: 'Duplicate hostname and port for replica.' };
  master.replicas.set(name, newReplicaRecord(name, addr.value, master, now));
  return { ok: true, value: master };
}

export function addKnownSentinel(
  state: SentinelState,
  master: MasterRecord,
  host: string,
  port: number,
  runid: string,
  now: number,
): Created<MasterRecord> {
  const addr = checkAddr(state, host, port);
  if (!addr.ok) return addr;
  if (master.sentinels.has(runid)) return { ok: false, error: 'Duplicate runid for sentinel.' };
  master.sentinels.set(runid, newSentinelRecord(runid, addr.value, master, now));
  return { ok: true, value: master };
}

/**
 * sentinelGetCurrentMasterAddress: the promoted replica's address once our failover reached
 * reconf_slaves, else the master record's.
 */
export function currentMasterAddr(master: MasterRecord): Addr {
  if (master.failoverState === 'reconf_slaves' || master.failoverState === 'update_config') {
    for (const r of master.replicas.values()) if (r.flags & SRI.PROMOTED) return r.addr;
  }
  return master.addr;
}
