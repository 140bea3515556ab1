import { type Effect } from './effects.js';
import { SRI, type MasterRecord, type ReplicaRecord, type SentinelRecord } from './instance.js';

/** Why SENTINEL FORGET left everything as it was. */
export type ForgetRefusal = 'no-such-sentinel' | 'no-such-replica' | 'reachable' | 'failover-in-progress';

export type ForgetResult =
  | { readonly ok: true; readonly instance: ReplicaRecord | SentinelRecord; readonly effects: readonly Effect[] }
  | { readonly ok: false; readonly error: ForgetRefusal };

/** The event a forgotten instance is announced with (Argus only, README "Operator commands"). */
export const forgetEventType = (instance: ReplicaRecord | SentinelRecord): '+forget-sentinel' | '+forget-slave' =>
  instance.kind === 'sentinel' ? '+forget-sentinel' : '+forget-slave';

/** A replica by its name (`ip:port`, `[v6]:port`), or by `host:port` written without brackets. */
function findReplica(master: MasterRecord, target: string): ReplicaRecord | undefined {
  return master.replicas.get(target) ?? [...master.replicas.values()].find((r) => `${r.addr.host}:${r.addr.port}` === target);
}

/**
 * Argus: SENTINEL FORGET <master> <runid | ip:port> [FORCE] — drop one peer sentinel (by run id)
 * or one replica (by address) of `master`, where sentinel.c offers only SENTINEL RESET of all of
 * them. A target is taken for reachable until it is SDOWN: a live peer would be back with its
 * next hello (every 2 s) and a live replica with the master's next INFO, so forgetting one is
 * refused unless `force`. A replica is never forgotten during a failover (it may be the one
 * being promoted). A target with `:` is a replica address, anything else a run id. The effects
 * stop the instance's actor; the caller saves the config and announces the change.
 */
export function forgetInstance(master: MasterRecord, target: string, force: boolean): ForgetResult {
  const isReplica = target.includes(':');
  const instance = isReplica ? findReplica(master, target) : master.sentinels.get(target);
  if (instance === undefined) return { ok: false, error: isReplica ? 'no-such-replica' : 'no-such-sentinel' };
  if (isReplica && master.flags & SRI.FAILOVER_IN_PROGRESS) return { ok: false, error: 'failover-in-progress' };
  if (!force && !(instance.flags & SRI.S_DOWN)) return { ok: false, error: 'reachable' };
  if (instance.kind === 'sentinel') {
    master.sentinels.delete(instance.name);
    return { ok: true, instance, effects: [{ kind: 'sentinel-removed', sentinel: instance, master }] };
  }
  master.replicas.delete(instance.name);
  return { ok: true, instance, effects: [{ kind: 'replica-removed', replica: instance, master }] };
}
