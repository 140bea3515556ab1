import type { EventLevel } from '../events/event.js';
import type { InstanceRecord, MasterRecord, ReplicaRecord } from './instance.js';

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
  /** `-BUSY` from an SDOWN instance: send SCRIPT KILL once */
  | { readonly kind: 'script-kill'; readonly instance: InstanceRecord; readonly master: MasterRecord }
  /** close a link connection so it is re-established (inactivity rules) */
  | { readonly kind: 'close-link'; readonly instance: InstanceRecord; readonly which: 'cc' | 'pc' }
  /** a log line that is not an event (sentinel.c serverLog): never published, no script */
  | { readonly kind: 'log'; readonly level: EventLevel; readonly message: string };

export const instanceEvent = (
  level: EventLevel,
  type: string,
  instance: InstanceRecord,
  master: MasterRecord,
  detail?: string,
): Effect => (detail === undefined ? { kind: 'event', level, type, instance, master } : { kind: 'event', level, type, instance, master, detail });
