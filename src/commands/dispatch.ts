import { markOverlapping } from './overlap.js';
import { formatAuditCommand } from '../events/audit.js';
import type { Reply } from '../resp/reply.js';
import { aclOf } from '../acl/registry.js';
import { logAcl, checkPermission, noPermReply } from './acl/check.js';
import { authRequired } from './auth-check.js';
import { extrasOf, type ClientExtras } from './client/extras.js';
import { replyError } from './reply-errors.js';
import { commandRenames, type CommandRenames } from './renames.js';
import { replyStatsOf } from './reply-stats.js';
import { arityOk, fullName, type ArgusCommandSpec } from './spec.js';
import { commandTable } from './table.js';
import type { CommandContext, CommandResult } from './types.js';

/**
 * server.c processCommand: in RESP2 a connection with subscriptions may only run these (RESET
 * and the shard variants are not in the sentinel table; QUIT is Argus's extension).
 */
const PUBSUB_CONTEXT_COMMANDS = new Set(['ping', 'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'quit']);

export interface ResolvedCommand {
  readonly spec: ArgusCommandSpec;
  /** lower case, `sentinel|masters` style */
  readonly fullname: string;
  /** the top-level command's name */
  readonly command: string;
}

interface Lookup {
  readonly top: ResolvedCommand;
  /** by lower-case subcommand name; null for a command without subcommands */
  readonly subs: ReadonlyMap<string, ResolvedCommand> | null;
}

let lookups: ReadonlyMap<string, Lookup> | null = null;

/** The command table with every name resolved once, so a lookup on the request path allocates nothing. */
function lookupTable(): ReadonlyMap<string, Lookup> {
  lookups ??= new Map(
    [...commandTable()].map(([name, top]) => {
      const subs = top.subcommands === undefined ? null : new Map(
        [...top.subcommands].map(([key, sub]) => [key, { spec: sub, fullname: fullName(top.name, sub), command: top.name }] as const),
      );
      return [name, { top: { spec: top, fullname: top.name, command: top.name }, subs }] as const;
    }),
  );
  return lookups;
}

/**
 * server.c lookupCommand: the first word (case-insensitive), then the second when the first is a
 * container and a second word exists. Returns the error Redis sends when nothing matches.
 * `renames`: top-level rename-command, for requests from clients (server.commands); without it
 * the commands' own names (server.orig_commands).
 */
export function resolveCommand(argv: readonly string[], renames: CommandRenames = null): ResolvedCommand | Reply {
  const name = renames === null ? argv[0]! : caseless(renames, argv[0]!);
  const found = name === undefined ? undefined : caseless(lookupTable(), name);
  if (found === undefined) return replyError.unknownCommand(argv);
  if (found.subs === null || argv.length < 2) return found.top;
  const sub = caseless(found.subs, argv[1]!);
  if (sub === undefined) return replyError.unknownSubcommand(argv[1]!, argv[0]!);
  return sub;
}

/**
 * `map` is keyed by lower-case words: the word as typed first, as clients mostly send it, then
 * lower-cased (toLowerCase makes a new string even when nothing changes).
 */
const caseless = <V>(map: ReadonlyMap<string, V>, word: string): V | undefined => map.get(word) ?? map.get(word.toLowerCase());

const isResolved = (r: ResolvedCommand | Reply): r is ResolvedCommand => 'spec' in r;

/**
 * Run one command for one connection, with the checks of processCommand in Redis's order:
 * lookup, arity, authentication, RESP2 subscribed context; then the handler. Every reply passes
 * through `finish`, which applies CLIENT REPLY OFF/SKIP and counts error replies for INFO.
 * An empty array means "send nothing". Every request of every client comes through here, so it
 * allocates nothing a synchronous handler does not need (bench client-load).
 */
export function dispatch(ctx: CommandContext, argv: readonly string[]): CommandResult | Promise<CommandResult> {
  if (argv.length === 0) return [];
  const { client, sentinel } = ctx;
  const extras = extrasOf(client);
  // call(): a SKIP set by the previous command applies to this one only
  const skipThis = extras.skipNext;
  extras.skipNext = false;
  let argvBytes = 0;
  for (const a of argv) argvBytes += a.length;
  extras.argvBytes = argvBytes;

  const resolved = resolveCommand(argv, commandRenames(sentinel.server));
  if (!isResolved(resolved)) {
    client.lastCommand = '';
    return finish(ctx, extras, '', skipThis, resolved);
  }
  const { spec, fullname } = resolved;
  client.lastCommand = fullname;
  const refusal = refuse(ctx, argv, resolved);
  if (refusal !== null) return finish(ctx, extras, fullname, skipThis, refusal);

  const audited = spec.audit !== undefined && sentinel.audit !== undefined && (spec.audit.when?.(argv) ?? true);
  const result = spec.run!(ctx, argv);
  // server.c call() counts a command once its handler has run, so INFO does not count itself
  sentinel.process.stats.totalCommandsProcessed++;
  if (!(result instanceof Promise)) {
    if (audited) audit(ctx, resolved, argv, result);
    return finish(ctx, extras, fullname, skipThis, result);
  }
  const settled = result.then((r: CommandResult) => {
    if (audited) audit(ctx, resolved, argv, r);
    return finish(ctx, extras, fullname, skipThis, r);
  });
  return spec.overlap ? markOverlapping(settled) : settled;
}

/** processCommand's checks between lookup and call, in Redis's order: the error reply, or null to run. */
function refuse(ctx: CommandContext, argv: readonly string[], { spec, command, fullname }: ResolvedCommand): Reply | null {
  const { client, sentinel } = ctx;
  if (!arityOk(spec.arity, argv.length)) return replyError.wrongArity(fullname);
  const noAuth = spec.flags.includes('no_auth');
  if (!noAuth && authRequired(sentinel.server, client.authenticated)) return replyError.noAuth();
  // processCommand: ACLCheckAllPerm after the authentication check (AUTH and HELLO included)
  const user = aclOf(sentinel.server).get(client.user);
  if (user !== undefined && !user.unrestricted()) {
    const denial = checkPermission(user, { command, fullname, categories: spec.categories, noAuth }, argv);
    if (denial !== null) {
      logAcl(ctx, denial.reason, denial.reason === 'command' ? fullname : denial.object, client.user);
      return noPermReply(client.user, fullname, denial);
    }
  }
  if (client.resp === 2 && client.channels.size + client.patterns.size > 0 && !PUBSUB_CONTEXT_COMMANDS.has(command)) {
    return replyError.pubsubContext(fullname);
  }
  if (spec.run === undefined) return replyError.unknownSubcommand(argv[1] ?? '', argv[0]!);
  return null;
}

/** An audited command's record: the client, the command with its secrets masked, the first reply. */
function audit({ client, sentinel }: CommandContext, { spec, fullname }: ResolvedCommand, argv: readonly string[], result: CommandResult): void {
  const reply = Array.isArray(result) ? (result as readonly Reply[])[0] : (result as Reply);
  const shownArgv = spec.audit!.redact?.(argv) ?? argv;
  sentinel.audit!.record({
    time: sentinel.clock.wall(),
    addr: client.addr,
    user: client.user,
    command: formatAuditCommand(shownArgv, fullname.includes('|') ? 2 : 1),
    ok: reply?.t !== 'error',
    result: reply === undefined ? '' : reply.t === 'simple' || reply.t === 'error' ? reply.s : reply.t === 'int' ? `(integer) ${reply.n}` : 'OK',
  });
}

/** call()'s tail: CLIENT CACHING expires, error replies are counted, REPLY OFF/SKIP drop the reply. */
function finish(ctx: CommandContext, extras: ClientExtras, fullname: string, skipThis: boolean, result: CommandResult): CommandResult {
  // CLIENT CACHING lasts for the command that follows it only (server.c call())
  if (fullname !== 'client|caching') extras.trackingCaching = false;
  let errors = 0;
  if (Array.isArray(result)) {
    for (const r of result as readonly Reply[]) if (r.t === 'error') errors++;
  } else if ((result as Reply).t === 'error') errors = 1;
  if (errors > 0) replyStatsOf(ctx.sentinel.process).totalErrorReplies += errors;
  return extras.replyOff || skipThis ? [] : result;
}
