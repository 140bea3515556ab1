import type { CommandSpec } from './types.js';

/**
 * CommandSpec plus the facts COMMAND INFO and COMMAND DOCS report that types.ts leaves out. Every
 * spec in the table is one of these; the extra fields stay inside src/commands.
 */
export interface ArgusCommandSpec extends CommandSpec {
  /** COMMAND DOCS `group` */
  readonly group: string;
  readonly complexity?: string;
  /** COMMAND INFO tips, e.g. 'nondeterministic_output' */
  readonly tips?: readonly string[];
  /** COMMAND DOCS doc_flags, e.g. ['deprecated'] */
  readonly docFlags?: readonly string[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly subcommands?: ReadonlyMap<string, ArgusCommandSpec>;
}

/** Keyed by the lower-case subcommand name, in the order given (COMMAND lists them so). */
export const subcommandMap = (...specs: ArgusCommandSpec[]): ReadonlyMap<string, ArgusCommandSpec> =>
  new Map(specs.map((s) => [s.name, s] as const));

/** `sentinel|master` for a subcommand, `ping` for a command. */
export const fullName = (parent: string | null, spec: CommandSpec): string =>
  parent === null ? spec.name : `${parent}|${spec.name}`;

/**
 * Redis's arity rule (server.c processCommand): n > 0 means exactly n words including the
 * command (and subcommand) names, -n means at least n.
 */
export const arityOk = (arity: number, argc: number): boolean =>
  arity > 0 ? argc === arity : argc >= -arity;

// Flag and category sets shared by many specs, as the JSON files of Redis 7.2 give them.

/** Every SENTINEL subcommand but HELP (sentinel-*.json: ADMIN, SENTINEL, ONLY_SENTINEL). */
export const SENTINEL_ADMIN = {
  flags: ['admin'],
  categories: ['admin', 'slow', 'dangerous'],
  group: 'sentinel',
} as const;

/** CLIENT subcommands any connection may run on itself. */
export const CONNECTION_SELF = {
  flags: ['noscript', 'loading', 'stale'],
  categories: ['slow', 'connection'],
  group: 'connection',
} as const;

/** CLIENT subcommands that act on other connections. */
export const CONNECTION_ADMIN = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  categories: ['admin', 'slow', 'dangerous', 'connection'],
  group: 'connection',
} as const;

/** A handler, for specs that share one between two names (Valkey's PRIMARY aliases). */
export type CommandRun = NonNullable<CommandSpec['run']>;
