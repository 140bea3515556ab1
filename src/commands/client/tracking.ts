import { array, bulk, int, map, ok, type Reply } from '../../resp/reply.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { CONNECTION_SELF, type ArgusCommandSpec } from '../spec.js';
import type { CommandContext } from '../types.js';
import { disableTracking, extrasOf } from './extras.js';

/**
 * Client-side caching has nothing to track in a sentinel (no keys), but clients that switch it on
 * at connect time must not fail: the options are parsed and checked as networking.c does and the
 * state reads back through TRACKINGINFO, GETREDIR and CLIENT LIST.
 */
function tracking(ctx: CommandContext, argv: readonly string[]): Reply {
  const e = extrasOf(ctx.client);
  let redirect = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'redirect' && more > 0) {
      j++;
      if (redirect !== 0) return replyError.trackingRedirectTwice();
      const id = parseInteger(argv[j]!);
      if (id === null) return replyError.notInteger();
      if (![...ctx.sentinel.clients.all()].some((c) => c.id === id)) return replyError.trackingRedirectMissing();
      redirect = id;
    } else if (opt === 'bcast' || opt === 'optin' || opt === 'optout' || opt === 'noloop') {
      opts[opt] = true;
    } else if (opt === 'prefix' && more > 0) {
      prefixes.push(argv[++j]!);
    } else {
      return replyError.syntax();
    }
  }
  const mode = argv[2]!.toLowerCase();
  if (mode === 'off') {
    disableTracking(e);
    return ok;
  }
  if (mode !== 'on') return replyError.syntax();
  if (!opts.bcast && prefixes.length > 0) return replyError.trackingPrefixNeedsBcast();
  if (e.tracking && e.trackingBcast !== opts.bcast) return replyError.trackingBcastSwitch();
  if (opts.bcast && (opts.optin || opts.optout)) return replyError.trackingBcastOptin();
  if (opts.optin && opts.optout) return replyError.trackingOptinOptout();
  if ((opts.optin && e.trackingOptout) || (opts.optout && e.trackingOptin)) return replyError.trackingModeSwitch();
  e.tracking = true;
  e.trackingRedirect = redirect;
  e.trackingBcast = opts.bcast;
  e.trackingOptin ||= opts.optin;
  e.trackingOptout ||= opts.optout;
  e.trackingNoloop ||= opts.noloop;
  for (const p of prefixes) if (!e.trackingPrefixes.includes(p)) e.trackingPrefixes.push(p);
  return ok;
}

export const clientTrackingSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'tracking',
  arity: -3,
  summary: 'Accepted for compatibility; a sentinel has no keys to track.',
  since: '6.0.0',
  complexity: 'O(1)',
  run: tracking,
};

/** CLIENT TRACKINGINFO: flags, redirect, prefixes. */
export const clientTrackinginfoSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'trackinginfo',
  arity: 2,
  summary: 'Reports the tracking state of the current connection.',
  since: '6.2.0',
  complexity: 'O(1)',
  run({ client }) {
    const e = extrasOf(client);
    const flags = [e.tracking ? 'on' : 'off'];
    if (e.trackingBcast) flags.push('bcast');
    if (e.trackingOptin) flags.push('optin', ...(e.trackingCaching ? ['caching-yes'] : []));
    if (e.trackingOptout) flags.push('optout', ...(e.trackingCaching ? ['caching-no'] : []));
    if (e.trackingNoloop) flags.push('noloop');
    return map([
      ['flags', array(flags.map((f) => bulk(f)))],
      ['redirect', int(e.tracking ? e.trackingRedirect : -1)],
      ['prefixes', array(e.trackingPrefixes.map((p) => bulk(p)))],
    ]);
  },
};

/** CLIENT GETREDIR: -1 when tracking is off. */
export const clientGetredirSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'getredir',
  arity: 2,
  summary: 'Returns the id tracking notifications are redirected to.',
  since: '6.0.0',
  complexity: 'O(1)',
  run: ({ client }) => int(extrasOf(client).tracking ? extrasOf(client).trackingRedirect : -1),
};

/** CLIENT CACHING YES|NO: valid only in OPTIN (YES) or OPTOUT (NO) tracking. */
export const clientCachingSubcommand: ArgusCommandSpec = {
  ...CONNECTION_SELF,
  name: 'caching',
  arity: 3,
  summary: 'Accepted for compatibility; marks the next command for tracking.',
  since: '6.0.0',
  complexity: 'O(1)',
  run({ client }, argv) {
    const e = extrasOf(client);
    if (!e.tracking) return replyError.cachingNotTracking();
    const opt = argv[2]!.toLowerCase();
    if (opt === 'yes') {
      if (!e.trackingOptin) return replyError.cachingYes();
    } else if (opt === 'no') {
      if (!e.trackingOptout) return replyError.cachingNo();
    } else {
      return replyError.syntax();
    }
    e.trackingCaching = true;
    return ok;
  },
};
