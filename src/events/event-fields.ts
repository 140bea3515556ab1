import type { SentinelEvent } from './event.js';

/** An event as structured fields, for JSON log lines (and any other structured consumer). */
export interface EventFields {
  readonly [field: string]: string | number | undefined;
  /** the type, e.g. '+sdown' */
  readonly event: string;
  readonly master?: string;
  /** `ip:port` of the instance the text starts with */
  readonly instance?: string;
  /** `master`, `slave` or `sentinel`: the kind of that instance */
  readonly role?: string;
  /** the epoch the event carries (+new-epoch, +vote-for-leader) */
  readonly epoch?: number;
  readonly text: string;
}

/** `master <name> <ip> <port>` / `<slave|sentinel> <name> <ip> <port> @ ...` (event.ts instanceDescription) */
const INSTANCE = /^(master|slave|sentinel) \S+ (\S+) (\d+)(?: |$)/;

/**
 * The fields of an event, read back from its text as Sentinel formats it (events.md §1): the
 * instance from the description prefix, the epoch from the two events whose text carries one.
 */
export function eventFields(e: SentinelEvent): EventFields {
  const m = INSTANCE.exec(e.text);
  const epochText = e.type === '+new-epoch' ? e.text : e.type === '+vote-for-leader' ? e.text.split(' ')[1] : undefined;
  const epoch = epochText !== undefined && /^\d+$/.test(epochText) ? Number(epochText) : undefined;
  const master = e.master ?? (e.type === '+switch-master' ? e.text.split(' ')[0] : undefined);
  return {
    event: e.type,
    ...(master !== undefined ? { master } : {}),
    ...(m !== null ? { instance: `${m[2]}:${m[3]}`, role: m[1] } : {}),
    ...(epoch !== undefined ? { epoch } : {}),
    text: e.text,
  };
}
