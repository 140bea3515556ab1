import { instanceDescription } from '../events/event.js';
import type { LinkReply } from '../links/types.js';
import type { Effect } from './effects.js';
import type { InstanceRecord, MasterRecord, PermError } from './instance.js';

/**
 * Argus-only. sentinel.c ignores what AUTH and CLIENT SETNAME answer, drops the pub/sub
 * connection on a refused SUBSCRIBE (the link shows `disconnected`, see instance-link.ts) and
 * treats a refused INFO or PUBLISH like silence, so an ACL that lacks one command shows only as
 * a stall (no replicas discovered, no peers, a failover that never completes) with nothing in
 * the log.
 * Argus watches every reply on its links for the three refusals below, keeps the commands
 * currently refused on the link (`permErrors`), shows the oldest in SENTINEL MASTER & co.
 * (`argus-link-error`) and logs each change once, not on every retry.
 */

/**
 * What Sentinel's user needs on masters and replicas: Redis's shipped sentinel.conf, plus the
 * channel grant Redis 7 needs (acl-pubsub-default is resetchannels). AUTH is always allowed.
 */
export const DATA_NODE_ACL = '+client +subscribe +publish +ping +info +multi +slaveof +config +exec &__sentinel__:hello';

/** What a sentinel's user needs on its peer sentinels (security.md §1, plus the hello channel). */
export const PEER_ACL = '+auth +client|setname +ping +publish +sentinel|is-master-down-by-addr &__sentinel__:hello';

/** The three refusals that mean "not allowed", not "failed": wrong or missing credentials, or an ACL. */
const PERMISSION = /^(NOAUTH|WRONGPASS|NOPERM)\b/;
const CREDENTIALS = /^(NOAUTH|WRONGPASS)\b/;

export const isPermissionError = (text: string): boolean => PERMISSION.test(text);
const isCredentials = (e: PermError): boolean => CREDENTIALS.test(e.error);

/** Commands whose first argument is a subcommand with its own ACL rule (`+client|setname`). */
const WITH_SUBCOMMAND = new Set(['CLIENT', 'CONFIG', 'SCRIPT', 'SENTINEL', 'FAILOVER']);

/** The command as the log and the table name it; never an argument (AUTH carries the password). */
export function commandLabel(command: string, args: readonly string[]): string {
  const name = command.toUpperCase();
  const sub = args[0];
  return WITH_SUBCOMMAND.has(name) && sub !== undefined && /^[A-Za-z-]+$/.test(sub) ? `${name} ${sub.toUpperCase()}` : name;
}

/** The error SENTINEL MASTER & co. show (`argus-link-error`): the oldest refusal standing, null if none. */
export const currentLinkError = (ri: InstanceRecord): string | null => ri.link.permErrors[0]?.error ?? null;

/** The operator's next step, named with the directives and ACL rules Sentinel documents. */
function hint(ri: InstanceRecord, master: MasterRecord, e: PermError): string {
  if (ri.kind === 'sentinel') {
    return isCredentials(e)
      ? 'Check sentinel sentinel-user / sentinel-pass (requirepass is sent when sentinel-pass is unset)'
      : `The user this sentinel logs in as (sentinel-user) needs ${PEER_ACL}`;
  }
  return isCredentials(e)
    ? `Check sentinel auth-user / auth-pass ${master.name} (used for the master and its replicas)`
    : `Sentinel's user there (sentinel auth-user ${master.name}) needs ${DATA_NODE_ACL}`;
}

/**
 * Any reply to `command` on `ri`'s link (a dropped connection's `closed` changes nothing): a
 * refusal adds or updates the command's entry, anything else removes it. Logged: each command
 * newly refused for lack of permission, and its recovery; for credentials, only the first
 * refusal and the last recovery, since one wrong password makes every command say NOAUTH.
 */
export function noteCommandReply(
  ri: InstanceRecord,
  master: MasterRecord,
  command: string,
  args: readonly string[],
  reply: LinkReply,
): Effect[] {
  const list = ri.link.permErrors;
  const refusal = reply.kind === 'error' && isPermissionError(reply.message) ? reply.message : null;
  // the path of nearly every reply: nothing refused, nothing standing
  if (reply.kind === 'closed' || (refusal === null && list.length === 0)) return [];
  const label = commandLabel(command, args);
  const at = list.findIndex((e) => e.command === label);
  const who = (): string => instanceDescription(ri, master);

  if (refusal !== null) {
    if (at >= 0 && list[at]!.error === refusal) return [];
    const entry: PermError = { command: label, error: refusal };
    const credentialsKnown = list.some((e, i) => i !== at && isCredentials(e));
    ri.link.permErrors = at >= 0 ? list.map((e, i) => (i === at ? entry : e)) : [...list, entry];
    if (isCredentials(entry) && credentialsKnown) return [];
    const stop = refusal.endsWith('.') ? '' : '.';
    return [{ kind: 'log', level: 'warning', message: `Access denied by ${who()}: ${label} answered ${refusal}${stop} ${hint(ri, master, entry)}` }];
  }

  if (at < 0) return [];
  const removed = list[at]!;
  const rest = list.filter((_, i) => i !== at);
  ri.link.permErrors = rest;
  if (isCredentials(removed) && rest.some(isCredentials)) return [];
  const still = rest.length > 0 ? `; still refused: ${rest.map((e) => e.command).join(', ')}` : '';
  // which NOAUTH happened to clear last says nothing: the credentials are what changed
  const what = isCredentials(removed) ? 'credentials accepted again' : `${label} accepted again`;
  return [{ kind: 'log', level: 'notice', message: `Access restored on ${who()}: ${what}${still}` }];
}
