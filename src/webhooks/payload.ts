/** The JSON body a webhook receives for one event. Pure. */
import type { SentinelEvent } from '../events/event.js';

export interface WebhookBody {
  /** the channel, e.g. `+sdown` */
  readonly type: string;
  readonly level: SentinelEvent['level'];
  /** the master the event belongs to, null for `+tilt`, `-tilt` and the script events */
  readonly master: string | null;
  /** the instance description that starts the text (`master mymaster 10.0.0.1 6379`), or null */
  readonly instance: string | null;
  /** the event's text, exactly as published on the channel */
  readonly text: string;
  /** when the event happened, ISO 8601 UTC */
  readonly time: string;
  /** the sentinel's current epoch when the event happened */
  readonly epoch: number;
  /** the sentinel's id (SENTINEL MYID), to tell apart the copies several sentinels send */
  readonly sentinel: string;
}

/** Events whose text has no instance description (events.md §1). */
const NO_INSTANCE = new Set([
  '+new-epoch', '+vote-for-leader', '+switch-master', '+tilt', '-tilt',
  '-script-error', '-script-timeout', '+script-child', '-script-child',
]);

/**
 * The instance description at the start of an event's text: `master <name> <ip> <port>`, or
 * `<slave|sentinel> <name> <ip> <port> @ <master> <ip> <port>`. Read back from the text with
 * the master's name known, so a master called `master` or a detail after the prefix cannot
 * confuse it.
 */
export function instanceOf(type: string, text: string, master: string | null): string | null {
  if (master === null || NO_INSTANCE.has(type)) return null;
  const tail = (rest: string, n: number): string | null => {
    const words = rest.split(' ');
    return words.length >= n && words.slice(0, n).every((w) => w !== '') ? words.slice(0, n).join(' ') : null;
  };
  const own = `master ${master} `;
  if (text.startsWith(own)) {
    const addr = tail(text.slice(own.length), 2);
    return addr === null ? null : own + addr;
  }
  if (!text.startsWith('slave ') && !text.startsWith('sentinel ')) return null;
  const at = text.indexOf(` @ ${master} `);
  if (at < 0) return null;
  const head = text.slice(0, at + 4 + master.length);
  const addr = tail(text.slice(head.length), 2);
  return addr === null ? null : `${head}${addr}`;
}

/** Argus keeps text as latin1 bytes; JSON carries characters, so the bytes are read as UTF-8. */
const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

export function webhookBody(event: SentinelEvent, epoch: number, myid: string): string {
  const body: WebhookBody = {
    type: event.type,
    level: event.level,
    master: event.master === null ? null : utf8(event.master),
    instance: (() => {
      const i = instanceOf(event.type, event.text, event.master);
      return i === null ? null : utf8(i);
    })(),
    text: utf8(event.text),
    time: new Date(event.time).toISOString(),
    epoch,
    sentinel: myid,
  };
  return JSON.stringify(body);
}
