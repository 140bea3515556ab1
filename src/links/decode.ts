import type { LinkReply, LinkValue } from './types.js';

/**
 * hiredis reports a failed or dropped connection with strerror's text (sentinel.c logs it as
 * `-cmd-link-reconnection <instance> #Connection refused`); Node gives errno names instead.
 */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EPIPE: 'Broken pipe',
  EHOSTUNREACH: 'No route to host',
  EHOSTDOWN: 'Host is down',
  ENETUNREACH: 'Network is unreachable',
  ENETDOWN: 'Network is down',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_NONAME: 'Name or service not known',
};

/** hiredis's text when the peer closed the socket cleanly (read returned 0). */
export const SERVER_CLOSED = 'Server closed the connection';

/** The reason string for a connection failure, in Redis's words where Redis has them. */
export function reasonOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(err);
}

/**
 * redis-parser decodes error lines as UTF-8 even in buffer mode; re-encoding gives back the
 * bytes (exact for ASCII and valid UTF-8, which is every error text Redis writes itself).
 */
const errorText = (e: Error): string => Buffer.from(e.message, 'utf8').toString('latin1');

/** True for an error reply from the server (redis-errors' ReplyError), not a client failure. */
export const isReplyError = (e: unknown): e is Error => e instanceof Error && e.name === 'ReplyError';

/** A reply as redis-parser hands it over in buffer mode, turned into a LinkValue. */
export function decodeValue(v: unknown): LinkValue {
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v instanceof Error) return { error: errorText(v) };
  return String(v);
}

export const okReply = (v: unknown): LinkReply => ({ kind: 'ok', value: decodeValue(v) });

/** A rejected command: a server error reply is a value; anything else means the link dropped it. */
export const failedReply = (e: unknown, closedReason: string): LinkReply =>
  isReplyError(e) ? { kind: 'error', message: errorText(e) } : { kind: 'closed', reason: closedReason };
