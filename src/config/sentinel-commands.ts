/**
 * The command table a sentinel-mode Redis has while it reads its config: server.c
 * populateCommandTable keeps only the commands flagged for sentinel mode, so the top-level
 * `rename-command` and the ACL rules of `user` lines are checked against these names
 * (redis-sentinel 7.0.15 `COMMAND LIST`, plus 7.2's CLIENT SETINFO / NO-TOUCH).
 */
export const SENTINEL_MODE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  acl: ['cat', 'deluser', 'dryrun', 'genpass', 'getuser', 'help', 'list', 'load', 'log', 'save', 'setuser', 'users', 'whoami'],
  auth: [],
  client: ['caching', 'getname', 'getredir', 'help', 'id', 'info', 'kill', 'list', 'no-evict', 'no-touch', 'pause',
    'reply', 'setinfo', 'setname', 'tracking', 'trackinginfo', 'unblock', 'unpause'],
  command: ['count', 'docs', 'getkeys', 'getkeysandflags', 'help', 'info', 'list'],
  hello: [],
  info: [],
  ping: [],
  psubscribe: [],
  publish: [],
  punsubscribe: [],
  role: [],
  sentinel: ['ckquorum', 'config', 'debug', 'failover', 'flushconfig', 'get-master-addr-by-name', 'help',
    'info-cache', 'is-master-down-by-addr', 'master', 'masters', 'monitor', 'myid', 'pending-scripts', 'remove',
    'replicas', 'reset', 'sentinels', 'set', 'simulate-failure', 'slaves'],
  shutdown: [],
  subscribe: [],
  unsubscribe: [],
};

export type CommandLookup = { kind: 'command'; hasSubcommands: boolean } | { kind: 'subcommand' } | null;

/**
 * server.c lookupCommandBySdsLogic on the original table: `name` or `container|sub`
 * (case-insensitive); anything deeper is unknown.
 */
export function lookupSentinelCommand(name: string): CommandLookup {
  const parts = name.toLowerCase().split('|');
  const subs = Object.hasOwn(SENTINEL_MODE_COMMANDS, parts[0]!) ? SENTINEL_MODE_COMMANDS[parts[0]!] : undefined;
  if (subs === undefined || parts.length > 2) return null;
  if (parts.length === 1) return { kind: 'command', hasSubcommands: subs.length > 0 };
  return subs.includes(parts[1]!) ? { kind: 'subcommand' } : null;
}
