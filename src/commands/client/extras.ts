import type { ClientSession } from '../types.js';

/**
 * Per-connection state that only commands read: reply suppression (CLIENT REPLY), eviction and
 * tracking switches. Kept beside the session rather than in it so src/server need not know about
 * flags that do nothing in a sentinel but must read back as set.
 */
export interface ClientExtras {
  /** CLIENT REPLY OFF */
  replyOff: boolean;
  /** CLIENT REPLY SKIP was the last command: the next reply is dropped */
  skipNext: boolean;
  noEvict: boolean;
  tracking: boolean;
  trackingRedirect: number;
  trackingBcast: boolean;
  trackingOptin: boolean;
  trackingOptout: boolean;
  trackingNoloop: boolean;
  /** CLIENT CACHING yes|no, valid for the next command only */
  trackingCaching: boolean;
  trackingPrefixes: string[];
  /** argument bytes of the command being run (CLIENT LIST argv-mem) */
  argvBytes: number;
}

const extras = new WeakMap<ClientSession, ClientExtras>();

export function extrasOf(client: ClientSession): ClientExtras {
  let e = extras.get(client);
  if (e === undefined) {
    e = {
      replyOff: false,
      skipNext: false,
      noEvict: false,
      tracking: false,
      trackingRedirect: 0,
      trackingBcast: false,
      trackingOptin: false,
      trackingOptout: false,
      trackingNoloop: false,
      trackingCaching: false,
      trackingPrefixes: [],
      argvBytes: 0,
    };
    extras.set(client, e);
  }
  return e;
}

/** Clears every tracking switch (CLIENT TRACKING off). */
export function disableTracking(e: ClientExtras): void {
  e.tracking = false;
  e.trackingRedirect = 0;
  e.trackingBcast = false;
  e.trackingOptin = false;
  e.trackingOptout = false;
  e.trackingNoloop = false;
  e.trackingCaching = false;
  e.trackingPrefixes = [];
}
