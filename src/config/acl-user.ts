/**
 * The load-time check of `user` lines: acl.c ACLAppendUserForLoading, which applies the rules to
 * a throw-away user to see whether Redis would accept them. As there, an unknown command or
 * category (ENOENT) is not an error at this point; every other ACLSetUser failure is fatal with
 * `Error in user declaration '<word>': <reason>`.
 *
 * Kept quirk: the quoted <word> is argv[k] where k counts the *rules* (so the first rule's
 * failure names the word `user`, the second's the user name), as redis-sentinel 7.0.15 prints.
 */
import { createHash } from 'node:crypto';
import { splitArgs } from './tokenize.js';
import { lookupSentinelCommand } from './sentinel-commands.js';

/** acl.c ACLSetUserStringError, by the errno ACLSetUser leaves */
const REASONS = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST: "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR: "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  EALREADY: 'Duplicate user found. A user can only be defined once in config files',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
} as const;

type Errno = keyof typeof REASONS;

interface Selector {
  allKeys: boolean;
  allChannels: boolean;
}

/** acl.c ACLStringHasSpaces: isspace() or NUL */
const hasSpaces = (s: string): boolean => /[ \t\n\v\f\r\0]/.test(s);

/** acl.c ACLCheckPasswordHash */
const validHash = (h: string): boolean => /^[0-9a-f]{64}$/.test(h);

const sha256Hex = (pass: string): string => createHash('sha256').update(Buffer.from(pass, 'latin1')).digest('hex');

/** acl.c ACLSetSelector; null = accepted */
function setSelector(sel: Selector, op: string): Errno | null {
  const lower = op.toLowerCase();
  if (lower === 'allkeys' || op === '~*') {
    sel.allKeys = true;
  } else if (lower === 'resetkeys') {
    sel.allKeys = false;
  } else if (lower === 'allchannels' || op === '&*') {
    sel.allChannels = true;
  } else if (lower === 'resetchannels') {
    sel.allChannels = false;
  } else if (lower === 'allcommands' || lower === '+@all' || lower === 'nocommands' || lower === '-@all') {
    // command bits only
  } else if (op[0] === '~' || op[0] === '%') {
    if (sel.allKeys) return 'EEXIST';
    let offset = 1;
    if (op[0] === '%') {
      let read = false;
      let write = false;
      for (; offset < op.length; offset++) {
        const c = op[offset]!.toUpperCase();
        if (c === 'R' && !read) read = true;
        else if (c === 'W' && !write) write = true;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
    }
    if (hasSpaces(op.slice(offset))) return 'EINVAL';
  } else if (op[0] === '&') {
    if (sel.allChannels) return 'EISDIR';
    if (hasSpaces(op.slice(1))) return 'EINVAL';
  } else if (op[0] === '+' && op[1] !== '@') {
    const bar = op.lastIndexOf('|');
    if (bar === -1) return lookupSentinelCommand(op.slice(1)) ? null : 'ENOENT';
    const cmd = lookupSentinelCommand(op.slice(1, bar));
    if (cmd === null) return 'ENOENT';
    if (cmd.kind === 'subcommand') return 'ECHILD';
    if (bar === op.length - 1) return 'EINVAL';
    if (cmd.hasSubcommands && lookupSentinelCommand(op.slice(1)) === null) return 'ENOENT';
  } else if (op[0] === '-' && op[1] !== '@') {
    return lookupSentinelCommand(op.slice(1)) ? null : 'ENOENT';
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    // An unknown category is ENOENT, which loading ignores, so every category passes here.
  } else {
    return 'EINVAL';
  }
  return null;
}

interface FakeUser {
  passwords: Set<string>;
  root: Selector;
}

/** acl.c ACLSetUser on the throw-away user */
function setUser(u: FakeUser, op: string, pubsubAllChannels: boolean): Errno | null {
  if (op === '') return null;
  const lower = op.toLowerCase();
  if (['on', 'off', 'skip-sanitize-payload', 'sanitize-payload', 'clearselectors'].includes(lower)) return null;
  if (lower === 'nopass' || lower === 'resetpass') {
    u.passwords.clear();
    return null;
  }
  if (op[0] === '>' || op[0] === '#' || op[0] === '<' || op[0] === '!') {
    const hashed = op[0] === '>' || op[0] === '<';
    const value = op.slice(1);
    if (!hashed && !validHash(value)) return 'EBADMSG';
    const hash = hashed ? sha256Hex(value) : value;
    if (op[0] === '>' || op[0] === '#') u.passwords.add(hash);
    else if (!u.passwords.delete(hash)) return 'ENODEV';
    return null;
  }
  if (op[0] === '(' && op[op.length - 1] === ')') {
    // aclCreateSelectorFromOpSet: a fresh selector, its rules split like a config line
    const sel: Selector = { allKeys: false, allChannels: pubsubAllChannels };
    for (const rule of splitArgs(op.slice(1, -1)) ?? []) {
      const err = setSelector(sel, rule);
      if (err) return err;
    }
    return null;
  }
  if (lower === 'reset') {
    u.passwords.clear();
    u.root = { allKeys: false, allChannels: pubsubAllChannels };
    return null;
  }
  return setSelector(u.root, op);
}

/**
 * acl.c ACLMergeSelectorArguments: a selector may span several arguments, `(~x` ... `+get)`.
 * Returns the merged rules, or the index of the unmatched opening argument.
 */
function mergeSelectors(rules: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  rules.forEach((op, j) => {
    if (open === -1 && op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      return;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      return;
    }
    out.push(op);
  });
  return open === -1 ? out : open;
}

/** The users declared so far (acl.c UsersToLoad): a name may be declared once. */
export class UserDeclarations {
  readonly #names = new Set<string>();

  /**
   * Checks one `user` line (`argv` includes the word `user`); null if Redis would accept it.
   * `pubsubAllChannels` is `acl-pubsub-default allchannels` as read so far (new users start
   * with that channel permission).
   */
  declare(argv: readonly string[], pubsubAllChannels: boolean): string | null {
    const error = (k: number, errno: Errno): string => `Error in user declaration '${argv[k] ?? ''}': ${REASONS[errno]}`;
    const name = argv[1]!;
    if (this.#names.has(name)) return error(1, 'EALREADY');
    const merged = mergeSelectors(argv.slice(2));
    // The unmatched-parenthesis path sets no errno of its own; 7.0.15 reports ENOENT's text.
    if (typeof merged === 'number') return error(merged, 'ENOENT');
    const fake: FakeUser = { passwords: new Set(), root: { allKeys: false, allChannels: pubsubAllChannels } };
    for (const [j, op] of merged.entries()) {
      const err = setUser(fake, op, pubsubAllChannels);
      if (err !== null && err !== 'ENOENT') return error(j, err);
    }
    this.#names.add(name);
    return null;
  }
}
