/**
 * The ACL users of this Sentinel (acl.c, reduced to what a sentinel serves): users from `user`
 * directives and `requirepass` (the `default` user), each with on/off, passwords, command rules,
 * channel patterns; key patterns and selectors are kept for the round trip but never checked
 * (no Sentinel command has keys).
 *
 * Command rules are kept as the ordered list the user gave and evaluated by replaying it, which
 * gives the same answer as Redis's per-command bitmap built rule by rule.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { stringMatch } from '../server/glob.js';

export const DEFAULT_USER = 'default';

/** acl.c ACLCommandCategories, in Redis's order (ACL CAT without an argument) */
export const CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
] as const;

/** acl.c ACLSetUserStringError texts, by errno */
export const ACL_ERRORS = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST: "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR: "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
} as const;
export type AclErrno = keyof typeof ACL_ERRORS;

/** What the model needs to know about the command table. */
export interface CommandCatalog {
  /** `ping` or `sentinel|masters`: its categories, or null when there is no such command */
  lookup(name: string): { readonly categories: readonly string[]; readonly container: boolean; readonly subcommand: boolean } | null;
}

export interface CommandQuery {
  /** top-level name, lower case */
  readonly command: string;
  /** `sentinel|masters` or `ping` */
  readonly fullname: string;
  readonly categories: readonly string[];
  /** argv[1], lower case, for `+cmd|first-arg` rules on commands without subcommands */
  readonly firstArg?: string;
}

export const sha256Hex = (pass: string): string =>
  createHash('sha256').update(Buffer.from(pass, 'latin1')).digest('hex');

const hasSpaces = (s: string): boolean => /[ \t\n\v\f\r\0]/.test(s);

export class AclUser {
  enabled = false;
  nopass = false;
  sanitize: 'sanitize-payload' | 'skip-sanitize-payload' | null = null;
  /** SHA-256 hex of each password, in insertion order */
  readonly passwords: string[] = [];
  /** command rules, lower case, in order; evaluation starts from "nothing allowed" */
  commandRules: string[] = [];
  keyRules: string[] = [];
  allChannels: boolean;
  channels: string[] = [];
  selectors: string[] = [];

  constructor(
    readonly name: string,
    pubsubAllChannels: boolean,
  ) {
    this.allChannels = pubsubAllChannels;
  }

  /**
   * `+@all` alone and every channel: no command or channel check can fail. The default user's
   * usual state, so the dispatcher asks this first and skips building a query per command.
   */
  unrestricted(): boolean {
    return this.allChannels && this.commandRules.length === 1 && this.commandRules[0] === '+@all';
  }

  /** ACLCheckCommandPerm's command part */
  canRun(q: CommandQuery): boolean {
    let allowed = false;
    for (const rule of this.commandRules) {
      const plus = rule[0] === '+';
      const what = rule.slice(1);
      if (what === '@all') allowed = plus;
      else if (what.startsWith('@')) {
        if (q.categories.includes(what.slice(1))) allowed = plus;
      } else if (what === q.command || what === q.fullname) allowed = plus;
      else if (q.fullname === q.command && q.firstArg !== undefined && what === `${q.command}|${q.firstArg}`) allowed = plus;
    }
    return allowed;
  }

  /** ACLCheckChannelAgainstList: a channel matches a pattern; a pattern must equal one literally */
  canUseChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    return this.channels.some((p) => (isPattern ? p === channel : stringMatch(p, channel)));
  }
}

const digestEqual = (a: string, b: string): boolean =>
  timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

export interface AclLogEntry {
  count: number;
  readonly reason: 'auth' | 'command' | 'channel' | 'key';
  readonly context: string;
  readonly object: string;
  readonly username: string;
  /** wall-clock ms */
  readonly created: number;
  updated: number;
  clientInfo: string;
  readonly entryId: number;
}

/** acl.c ACL_LOG_GROUPING_MAX_TIME_DELTA */
const LOG_GROUPING_MS = 60_000;
const LOG_MAX_LEN = 128;

export class AclModel {
  readonly #users = new Map<string, AclUser>();
  readonly log: AclLogEntry[] = [];
  #nextEntryId = 0;
  /** true once ACL SETUSER/DELUSER changed something: the rewrite then takes `lines()` */
  dirty = false;

  constructor(
    readonly catalog: CommandCatalog,
    readonly pubsubAllChannels = false,
  ) {
    const d = this.#fresh(DEFAULT_USER);
    this.#users.set(DEFAULT_USER, d);
    this.#resetDefault(d, null);
  }

  #fresh(name: string): AclUser {
    return new AclUser(name, this.pubsubAllChannels);
  }

  /** acl.c ACLInitDefaultUser plus `requirepass` */
  #resetDefault(u: AclUser, requirepass: string | null): void {
    u.enabled = true;
    u.sanitize = 'sanitize-payload';
    u.passwords.length = 0;
    u.nopass = requirepass === null;
    if (requirepass !== null) u.passwords.push(sha256Hex(requirepass));
    u.commandRules = ['+@all'];
    u.keyRules = ['~*'];
    u.allChannels = true;
    u.channels = [];
    u.selectors = [];
  }

  /** config.c requirepass: the default user's only password, or nopass when empty */
  setRequirepass(pass: string | null): void {
    const d = this.#users.get(DEFAULT_USER)!;
    d.passwords.length = 0;
    d.nopass = pass === null || pass === '';
    if (!d.nopass) d.passwords.push(sha256Hex(pass!));
  }

  get(name: string): AclUser | undefined {
    return this.#users.get(name);
  }

  names(): string[] {
    return [...this.#users.keys()].sort();
  }

  users(): AclUser[] {
    return this.names().map((n) => this.#users.get(n)!);
  }

  /** acl.c ACLCheckUserCredentials */
  checkCredentials(username: string, password: string): boolean {
    const u = this.#users.get(username);
    if (u === undefined || !u.enabled) return false;
    if (u.nopass) return true;
    const hash = sha256Hex(password);
    return u.passwords.some((p) => digestEqual(p, hash));
  }

  /** acl.c authRequired: the default user needs a password (or is off) */
  authRequired(): boolean {
    const d = this.#users.get(DEFAULT_USER)!;
    return !d.nopass || !d.enabled;
  }

  /**
   * ACLSetUser for a list of rules on `name` (created when missing), all or nothing; returns null
   * or the failing rule and its errno.
   */
  setUser(name: string, rules: readonly string[]): { rule: string; errno: AclErrno } | null {
    const existing = this.#users.get(name);
    const u = existing ? cloneUser(existing) : this.#fresh(name);
    for (const rule of rules) {
      const errno = this.#apply(u, rule);
      if (errno !== null) return { rule, errno };
    }
    this.#users.set(name, u);
    return null;
  }

  /** acl.c ACLLoadConfiguredUsers: rules one by one, unknown commands and categories skipped */
  loadUser(name: string, rules: readonly string[]): void {
    const u = this.#users.get(name) ?? this.#fresh(name);
    if (name === DEFAULT_USER) this.#apply(u, 'reset');
    for (const rule of rules) this.#apply(u, rule);
    this.#users.set(name, u);
  }

  deleteUser(name: string): boolean {
    return this.#users.delete(name);
  }

  #apply(u: AclUser, op: string): AclErrno | null {
    if (op === '') return null;
    const lower = op.toLowerCase();
    switch (lower) {
      case 'on': u.enabled = true; return null;
      case 'off': u.enabled = false; return null;
      case 'skip-sanitize-payload': case 'sanitize-payload': u.sanitize = lower; return null;
      case 'nopass': u.nopass = true; u.passwords.length = 0; return null;
      case 'resetpass': u.nopass = false; u.passwords.length = 0; return null;
      case 'allkeys': u.keyRules = ['~*']; return null;
      case 'resetkeys': u.keyRules = []; return null;
      case 'allchannels': u.allChannels = true; u.channels = []; return null;
      case 'resetchannels': u.allChannels = false; u.channels = []; return null;
      case 'allcommands': u.commandRules = ['+@all']; return null;
      case 'nocommands': u.commandRules = ['-@all']; return null;
      case 'clearselectors': u.selectors = []; return null;
      case 'reset':
        for (const r of ['resetpass', 'resetkeys', 'resetchannels', 'off', 'clearselectors', '-@all', 'sanitize-payload']) this.#apply(u, r);
        if (this.pubsubAllChannels) u.allChannels = true;
        return null;
    }
    const c = op[0];
    if (c === '>' || c === '#' || c === '<' || c === '!') {
      const clear = c === '>' || c === '<';
      const value = op.slice(1);
      if (!clear && !/^[0-9a-f]{64}$/.test(value)) return 'EBADMSG';
      const hash = clear ? sha256Hex(value) : value;
      const i = u.passwords.indexOf(hash);
      if (c === '>' || c === '#') {
        if (i === -1) u.passwords.push(hash);
        u.nopass = false;
      } else {
        if (i === -1) return 'ENODEV';
        u.passwords.splice(i, 1);
      }
      return null;
    }
    if (c === '(' && op.endsWith(')')) {
      u.selectors.push(op);
      return null;
    }
    if (c === '~' || c === '%') {
      if (u.keyRules.includes('~*')) return 'EEXIST';
      if (op === '~*') u.keyRules = ['~*'];
      else if (hasSpaces(op)) return 'EINVAL';
      else u.keyRules.push(op);
      return null;
    }
    if (c === '&') {
      if (u.allChannels && op !== '&*') return 'EISDIR';
      if (op === '&*') return this.#apply(u, 'allchannels');
      if (hasSpaces(op.slice(1))) return 'EINVAL';
      if (!u.channels.includes(op.slice(1))) u.channels.push(op.slice(1));
      return null;
    }
    if (c === '+' || c === '-') {
      if (op[1] === '@') {
        const cat = lower.slice(2);
        if (cat !== 'all' && !(CATEGORIES as readonly string[]).includes(cat)) return 'ENOENT';
        if (cat === 'all') u.commandRules = [lower];
        else u.commandRules.push(lower);
        return null;
      }
      const name = lower.slice(1);
      const parts = name.split('|');
      if (parts.length > 1) {
        const parent = this.catalog.lookup(parts[0]!);
        if (parent === null) return 'ENOENT';
        if (parts.some((p) => p === '')) return 'EINVAL';
        if (parent.container) {
          if (this.catalog.lookup(`${parts[0]}|${parts[1]}`) === null) return 'ENOENT';
          // a first argument of a subcommand (`+sentinel|set|x`)
          if (parts.length > 2) return c === '+' ? 'ECHILD' : 'ENOENT';
        } else {
          // `+cmd|first-arg` on a command without subcommands: allowed for that first argument only
          if (c === '-' || parts.length > 2) return 'ENOENT';
        }
      } else if (this.catalog.lookup(name) === null) return 'ENOENT';
      u.commandRules.push(lower);
      return null;
    }
    return 'EINVAL';
  }

  /** acl.c ACLDescribeUser: the ACL LIST text without `user ` */
  describe(u: AclUser): string {
    const words: string[] = [u.name, u.enabled ? 'on' : 'off'];
    if (u.nopass) words.push('nopass');
    if (u.sanitize) words.push(u.sanitize);
    for (const p of u.passwords) words.push(`#${p}`);
    words.push(...u.keyRules);
    if (u.allChannels) words.push('&*');
    else words.push('resetchannels', ...u.channels.map((ch) => `&${ch}`));
    words.push(describeCommands(u.commandRules));
    words.push(...u.selectors);
    return words.filter((w) => w !== '').join(' ');
  }

  /** The `user` lines for the config rewrite (RewriteOptions.aclUserLines), in name order. */
  lines(): string[] {
    return this.users().map((u) => `user ${this.describe(u)}`);
  }

  /** acl.c addACLLogEntry: same reason, context, object and user within 60 s are grouped */
  addLog(entry: Omit<AclLogEntry, 'count' | 'created' | 'updated' | 'entryId'>, now: number): void {
    const same = this.log.find(
      (e) => e.reason === entry.reason && e.context === entry.context && e.object === entry.object &&
        e.username === entry.username && now - e.updated < LOG_GROUPING_MS,
    );
    if (same) {
      same.count++;
      same.updated = now;
      same.clientInfo = entry.clientInfo;
      return;
    }
    this.log.unshift({ ...entry, count: 1, created: now, updated: now, entryId: this.#nextEntryId++ });
    if (this.log.length > LOG_MAX_LEN) this.log.length = LOG_MAX_LEN;
  }

  resetLog(): void {
    this.log.length = 0;
  }
}

function cloneUser(src: AclUser): AclUser {
  const u = new AclUser(src.name, src.allChannels);
  u.enabled = src.enabled;
  u.nopass = src.nopass;
  u.sanitize = src.sanitize;
  u.passwords.push(...src.passwords);
  u.commandRules = [...src.commandRules];
  u.keyRules = [...src.keyRules];
  u.channels = [...src.channels];
  u.selectors = [...src.selectors];
  return u;
}

/** The command rules from the last `+@all`/`-@all` on, starting with one of those. */
function describeCommands(rules: readonly string[]): string {
  let start = -1;
  rules.forEach((r, i) => {
    if (r === '+@all' || r === '-@all') start = i;
  });
  const kept = start === -1 ? ['-@all', ...rules] : rules.slice(start);
  return kept.join(' ');
}
