import { aclOf } from '../acl/registry.js';
import { DEFAULT_USER } from '../acl/model.js';
import type { ServerOptions } from '../config/server-options.js';

/**
 * Who may authenticate with what: the ACL users (src/acl), whose `default` user takes its
 * password from `requirepass` (none means "nopass": any password is accepted).
 */

export { DEFAULT_USER };

/** acl.c: whether the default user is `nopass` (AUTH <pass> then has its old error) */
export const defaultUserNopass = (server: ServerOptions): boolean => aclOf(server).get(DEFAULT_USER)!.nopass;

/** acl.c authRequired: the default user has a password (or is off) and this connection has not logged in. */
export const authRequired = (server: ServerOptions, authenticated: boolean): boolean =>
  !authenticated && aclOf(server).authRequired();

/** acl.c ACLCheckUserCredentials: true when `username` exists, is enabled and `password` fits. */
export const checkCredentials = (server: ServerOptions, username: string, password: string): boolean =>
  aclOf(server).checkCredentials(username, password);

/** Whether a user of that name exists (CLIENT KILL USER). */
export const userExists = (server: ServerOptions, username: string): boolean => aclOf(server).get(username) !== undefined;
