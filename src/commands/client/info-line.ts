import { clientInfoLine } from '../../server/client-registry.js';
import type { ClientSession } from '../types.js';
import { extrasOf } from './extras.js';

/** networking.c catClientInfoString's flag letters, in the order Redis prints them. */
const FLAG_ORDER = 'SOMPxbtRBdcuAUreT';

/**
 * The CLIENT LIST / CLIENT INFO line: src/server formats what the connection knows; the flags and
 * fields that only commands set (tracking, no-evict, the running command's argv) are merged in.
 */
export function clientLine(client: ClientSession, now: number, caller: ClientSession | null): string {
  const e = extrasOf(client);
  return clientInfoLine(client, now)
    .split(' ')
    .map((field) => {
      const eq = field.indexOf('=');
      const [key, value] = [field.slice(0, eq), field.slice(eq + 1)];
      switch (key) {
        case 'flags': {
          let letters = value === 'N' ? '' : value;
          if (e.tracking) letters += e.trackingBcast ? 'tB' : 't';
          if (e.noEvict) letters += 'e';
          const sorted = [...new Set(letters)].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)).join('');
          return `flags=${sorted === '' ? 'N' : sorted}`;
        }
        case 'redir':
          return `redir=${e.tracking ? e.trackingRedirect : -1}`;
        case 'argv-mem':
          // the request being run has been taken off the query buffer; Redis still counts it
          return client === caller ? `argv-mem=${e.argvBytes}` : field;
        default:
          return field;
      }
    })
    .join(' ');
}

/** getClientType: masters and replicas never connect to a sentinel's port as such. */
export const clientType = (c: ClientSession): 'normal' | 'pubsub' =>
  c.channels.size + c.patterns.size > 0 ? 'pubsub' : 'normal';

/** getClientTypeByName: the names CLIENT LIST TYPE and CLIENT KILL TYPE accept. */
export function parseClientType(name: string): 'normal' | 'slave' | 'pubsub' | 'master' | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'slave';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}
