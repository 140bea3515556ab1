import type { InstanceRecord, MasterRecord } from '../sentinel/instance.js';

/** Sentinel's log levels for events; `debug` events are logged only, never published. */
export type EventLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** One sentinel event (sentinel.c sentinelEvent): channel = type, message = text. */
export interface SentinelEvent {
  readonly level: EventLevel;
  /** the channel name, e.g. '+sdown' */
  readonly type: string;
  /** the payload published on the channel (and logged after the type) */
  readonly text: string;
  /** the master the event's instance belongs to; selects the notification script */
  readonly master: string | null;
  /** wall-clock ms */
  readonly time: number;
}

/**
 * The instance description that starts most event texts:
 * `master <name> <ip> <port>` or `<slave|sentinel> <name> <ip> <port> @ <master> <ip> <port>`.
 */
export function instanceDescription(ri: InstanceRecord, master: MasterRecord | null): string {
  const own = `${ri.kind} ${ri.name} ${ri.addr.host} ${ri.addr.port}`;
  if (ri.kind === 'master' || master === null) return own;
  return `${own} @ ${master.name} ${master.addr.host} ${master.addr.port}`;
}
