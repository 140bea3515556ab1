import type { EventLevel } from '../events/event.js';
import type { Addr } from './address.js';
import type { InstanceRecord, MasterRecord, ReplicaRecord, SentinelRecord } from './instance.js';

/**
 * What the pure rules ask the actor shell to do. The rules mutate the records they are given,
 * as sentinel.c mutates its structs, and return effects for everything that touches the world:
 * events, commands to send, config saves, new actors.
 */
export type Effect =
  /** an event about `instance` (text = instance description, then `detail`) */
  | {
      readonly kind: 'event';
      readonly level: EventLevel;
      readonly type: string;
      readonly instance: InstanceRecord;
      readonly master: MasterRecord;
      readonly detail?: string;
    }
  /** an event whose text has no instance prefix (+new-epoch, +tilt, +switch-master ...) */
  | { readonly kind: 'event-text'; readonly level: EventLevel; readonly type: string; readonly text: string; readonly master: string | null }
  /** persisted state changed: rewrite the config (coalesced) */
  | { readonly kind: 'flush-config' }
  /** a replica record was created: start watching it */
  | { readonly kind: 'replica-added'; readonly replica: ReplicaRecord; readonly master: MasterRecord }
  /** a replica record was dropped (SENTINEL FORGET): stop its actor */
  | { readonly kind: 'replica-removed'; readonly replica: ReplicaRecord; readonly master: MasterRecord }
  /**
   * sentinelSendSlaveOf: re-point `instance` at host:port (or promote it with host null) using
   * MULTI / SLAVEOF / CONFIG REWRITE / CLIENT KILL TYPE normal / CLIENT KILL TYPE pubsub / EXEC
   */
  | {
      readonly kind: 'send-slaveof';
      readonly instance: InstanceRecord;
      readonly master: MasterRecord;
      readonly host: string | null;
      readonly port: number;
      /** V9: the instance's INFO reports a FAILOVER in progress, so FAILOVER ABORT goes first */
      readonly abortFailover?: boolean;
    }
  /**
   * Argus coordinated failover: pipeline `commands` (logical names; the link renames them) on
   * `instance`'s command connection. With `check: 'failover-to'` the shell looks at the replies
   * and, on an error (firstError), feeds it to failoverToRefused(master, reason, ctx).
   */
  | {
      readonly kind: 'send-commands';
      readonly instance: InstanceRecord;
      readonly master: MasterRecord;
      readonly commands: readonly (readonly string[])[];
      readonly check?: 'failover-to';
    }
  /** `-BUSY` from an SDOWN instance: send SCRIPT KILL once */
  | { readonly kind: 'script-kill'; readonly instance: InstanceRecord; readonly master: MasterRecord }
  /** close a link connection so it is re-established (inactivity rules) */
  | { readonly kind: 'close-link'; readonly instance: InstanceRecord; readonly which: 'cc' | 'pc' }
  /** a log line that is not an event (sentinel.c serverLog): never published, no script */
  | { readonly kind: 'log'; readonly level: EventLevel; readonly message: string }
  | FailoverEffect;

/**
 * The effects of the cluster rules (hello, ODOWN, votes, failover; issue 5). Each says what the
 * shell must do; the order inside one returned array is the order to perform them in.
 */
export type FailoverEffect =
  /**
   * The process-wide current epoch must become at least `epoch` (sentinel.current_epoch). The
   * rule already raised `ctx.currentEpoch`; the shell adopts max(its value, epoch) before the
   * next rule call of any master, and spreads it to the other shards and the main thread. Epochs
   * never go down. (Persisting it is a separate `flush-config`, where sentinel.c flushes.)
   */
  | { readonly kind: 'raise-epoch'; readonly epoch: number }
  /**
   * Send `SENTINEL <args...>` (the command name mapped through the master's rename-command
   * table) on the peer's command connection; feed the reply, whatever it is, to
   * onIsMasterDownReply(sentinel, master, reply, ctx), then run handleMaster(master, ctx).
   */
  | {
      readonly kind: 'ask-peer';
      readonly sentinel: SentinelRecord;
      readonly master: MasterRecord;
      /** `is-master-down-by-addr <ip> <port> <current-epoch> <myid|*>` */
      readonly args: readonly string[];
    }
  /** a peer sentinel record was created under `master`: start its actor (with link sharing by run id) */
  | { readonly kind: 'sentinel-added'; readonly sentinel: SentinelRecord; readonly master: MasterRecord }
  /** a peer sentinel record was removed from `master`: stop its actor and release its (shared) link */
  | { readonly kind: 'sentinel-removed'; readonly sentinel: SentinelRecord; readonly master: MasterRecord }
  /**
   * A peer record's address changed in place (a known run id announced a new address): close its
   * connections and reconnect to the record's new address (a shared peer link moves with it).
   */
  | { readonly kind: 'sentinel-address-changed'; readonly sentinel: SentinelRecord; readonly master: MasterRecord }
  /**
   * sentinel.c removes this run id from every master of the process (+sentinel-invalid-addr).
   * The rule did it for the masters it was given; the shell asks the other shards to call
   * forgetSentinel(theirMasters, runid) and perform the effects it returns.
   */
  | { readonly kind: 'forget-sentinel'; readonly runid: string }
  /**
   * Queue the client-reconfig script (sentinelCallClientReconfScript): `script` with `args`
   * = `<master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>`. Only emitted when
   * the master has a client-reconfig-script.
   */
  | {
      readonly kind: 'client-reconfig';
      readonly master: MasterRecord;
      readonly script: string;
      readonly role: 'leader' | 'observer';
      /** sentinel.c only ever uses `start` */
      readonly state: 'start';
      readonly from: Addr;
      readonly to: Addr;
      readonly args: readonly string[];
    }
  /**
   * sentinelResetMasterAndChangeAddress ran: `master` now has address `to`, a fresh link state
   * (LinkState object replaced) and brand-new replica records. The shell must stop and destroy
   * the master's actor and link and every actor of `dropped` (the old replica records), then
   * start fresh actors — with no reconnect throttle or timer carried over — for the master and
   * for every record now in master.replicas. Peer sentinel actors stay as they are.
   */
  | {
      readonly kind: 'switch-master';
      readonly master: MasterRecord;
      readonly from: Addr;
      readonly to: Addr;
      readonly dropped: readonly ReplicaRecord[];
    }
  /**
   * The hello timers of the master, its replicas and peers were back-dated (forceHelloUpdate):
   * wake their actors now so the hellos go out at once instead of at the next armed timer.
   */
  | { readonly kind: 'force-hello'; readonly master: MasterRecord }
  /**
   * Send INFO to `instance` as soon as possible (pipelined behind what was just sent, e.g. the
   * SLAVEOF NO ONE transaction), so the promotion or reconfiguration is seen without waiting
   * for the 1 s INFO cadence. Its reply goes through refreshInstanceInfo as usual.
   */
  | { readonly kind: 'info-now'; readonly instance: ReplicaRecord; readonly master: MasterRecord }
  /**
   * SENTINEL SIMULATE-FAILURE checkpoint: if the matching flag is set (crash-after-election =
   * bit 1, crash-after-promotion = bit 2), flush the config synchronously, log `Sentinel CRASH
   * because of SENTINEL simulate-failure` (warning) and exit with code 99 without performing
   * the effects after this one. Otherwise ignore it.
   */
  | { readonly kind: 'simulated-crash'; readonly when: 'after-election' | 'after-promotion' };

export const instanceEvent = (
  level: EventLevel,
  type: string,
  instance: InstanceRecord,
  master: MasterRecord,
  detail?: string,
): Effect => (detail === undefined ? { kind: 'event', level, type, instance, master } : { kind: 'event', level, type, instance, master, detail });
