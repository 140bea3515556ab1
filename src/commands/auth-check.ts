import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerOptions } from '../config/server-options.js';

/**
 * Who may authenticate with what. Today there is one user, `default`, whose password is
 * `requirepass` (none means "nopass": any password is accepted, as Redis's default user does).
 * The ACL users of a later issue plug in here, behind the same function.
 */

export const DEFAULT_USER = 'default';

/** The default user's password, or null when it has none (requirepass unset or empty). */
export function defaultUserPassword(server: ServerOptions): string | null {
  const v = server.get('requirepass')?.[0];
  return v === undefined || v === '' ? null : v;
}

/** acl.c authRequired: the default user has a password and this connection has not logged in. */
export const authRequired = (server: ServerOptions, authenticated: boolean): boolean =>
  !authenticated && defaultUserPassword(server) !== null;

/** Compared through digests so the time taken says nothing about the password (acl.c does too). */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'latin1').digest();
  const db = createHash('sha256').update(b, 'latin1').digest();
  return timingSafeEqual(da, db);
}

/** acl.c ACLCheckUserCredentials: true when `username` exists, is enabled and `password` fits. */
export function checkCredentials(server: ServerOptions, username: string, password: string): boolean {
  if (username !== DEFAULT_USER) return false;
  const expected = defaultUserPassword(server);
  return expected === null || sameSecret(expected, password);
}

/** Whether a user of that name exists (CLIENT KILL USER). */
export const userExists = (_server: ServerOptions, username: string): boolean => username === DEFAULT_USER;
