import { announceHost, announceName, type AnnounceContext } from '../sentinel/addr-match.js';
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

/** Addresses as the records hold them: names stay names. */
const AS_HELD: AnnounceContext = { announceHostnames: true };

/**
 * The instance description that starts most event texts (sentinelEvent's `%@`):
 * `master <name> <ip> <port>` or `<slave|sentinel> <name> <ip> <port> @ <master> <ip> <port>`,
 * addresses and replica names as announceSentinelAddr shows them (`announce`: names, or their
 * resolved IPs with announce-hostnames no).
 */
export function instanceDescription(ri: InstanceRecord, master: MasterRecord | null, announce = AS_HELD): string {
  const own = `${ri.kind} ${announceName(ri, announce)} ${announceHost(ri.addr, announce)} ${ri.addr.port}`;
  if (ri.kind === 'master' || master === null) return own;
  return `${own} @ ${master.name} ${announceHost(master.addr, announce)} ${master.addr.port}`;
}
