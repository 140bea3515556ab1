/**
 * `sentinel <sub> ...` lines: sentinel.c sentinelHandleConfiguration as a table. Each entry
 * names its sub-directive, the argument counts it accepts (any other count falls through to
 * `Unrecognized sentinel configuration statement.`, as the C if/else chain does) and applies the
 * line to the state, returning Redis's reason text on failure.
 *
 * Argus-only sub-directives are named `argus-<name>` and go into ARGUS_SENTINEL_DIRECTIVES;
 * the rewrite side lives in rewrite.ts (ARGUS_MASTER_DIRECTIVES).
 */
import type { MasterRecord } from '../sentinel/instance.js';
import {
  addKnownReplica, addKnownSentinel, createMaster, type SentinelState,
} from '../sentinel/state.js';
import { atoi, strtoull } from './c-numbers.js';
import { yesNo } from './values.js';
import { ARGUS_PING_PERIOD_RANGE, argusPingPeriod } from '../sentinel/argus-options.js';
import {
  ALL_MASTERS, addGlobalWebhook, addMasterWebhook, WEBHOOK_URL_RULE, webhookUrl,
} from '../webhooks/targets.js';

/** sentinel.c loadSentinelConfigFromQueue applies the queued lines in three passes. */
export type SentinelPass = 'pre-monitor' | 'monitor' | 'post-monitor';

export interface SentinelLoadContext {
  readonly state: SentinelState;
  /** monotonic time, for the records created */
  readonly now: number;
  /** access(path, X_OK) == 0 */
  isExecutable(path: string): boolean;
  /** set once a `myid` line has been applied */
  myidLoaded: boolean;
}

export interface SentinelDirective {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** argument counts after the sub-directive name */
  readonly argc: readonly number[];
  apply(ctx: SentinelLoadContext, args: readonly string[]): string | null;
}

const UNRECOGNIZED = 'Unrecognized sentinel configuration statement.';
const NO_SUCH_MASTER = 'No such master with specified name.';

/**
 * sentinel.c searchPreMonitorCfgName: the global options applied before any `monitor`, so that
 * e.g. `resolve-hostnames yes` written after a monitor line still applies to it.
 */
const PRE_MONITOR = new Set([
  'announce-ip', 'announce-port', 'deny-scripts-reconfig', 'sentinel-user', 'sentinel-pass', 'current-epoch',
  'myid', 'resolve-hostnames', 'announce-hostnames',
]);

/** The pass of a queued line, by its sub-directive only (case-insensitive), as queueSentinelConfig sorts them. */
export function sentinelPass(sub: string): SentinelPass {
  const s = sub.toLowerCase();
  if (s === 'monitor') return 'monitor';
  return PRE_MONITOR.has(s) ? 'pre-monitor' : 'post-monitor';
}

/**
 * inet_aton(3) forms, which getaddrinfo(AI_NUMERICHOST) accepts and Redis then stores in
 * inet_ntop form: `127.1` becomes 127.0.0.1, `010.0.0.1` (octal) 8.0.0.1.
 */
function inetAton(s: string): string | null {
  const parts = s.split('.');
  if (parts.length > 4) return null;
  const vals: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) v = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = parseInt(p, 10);
    else return null;
    vals.push(v);
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 255) || last >= 2 ** (8 * (4 - vals.length))) return null;
  const bytes = [...vals];
  for (let i = 3 - vals.length; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes.join('.');
}

/**
 * The address text Redis keeps for a numeric host (anetResolve with IP-only: inet_ntop of what
 * getaddrinfo parsed). Names are returned unchanged; resolving them is the links' business.
 */
export function canonicalHost(host: string): string {
  const v4 = inetAton(host);
  if (v4 !== null) return v4;
  if (host.includes(':') && !host.includes('.') && !host.includes('%')) {
    try {
      return new URL(`http://[${host}]/`).hostname.slice(1, -1);
    } catch {
      return host;
    }
  }
  return host;
}

/** A per-master directive: the first argument names a master that must exist by now. */
const perMaster = (
  name: string,
  argc: number,
  fn: (m: MasterRecord, args: readonly string[], ctx: SentinelLoadContext) => string | null,
  aliases?: readonly string[],
): SentinelDirective => ({
  name,
  argc: [argc],
  ...(aliases ? { aliases } : {}),
  apply(ctx, args) {
    const m = ctx.state.masters.get(args[0]!);
    return m ? fn(m, args, ctx) : NO_SUCH_MASTER;
  },
});

const yesNoOption = (name: string, set: (s: SentinelState, v: boolean) => void, reason: string): SentinelDirective => ({
  name,
  argc: [1],
  apply(ctx, [v]) {
    const b = yesNo(v!);
    if (b === null) return reason;
    set(ctx.state, b);
    return null;
  },
});

/** Epochs are 64-bit unsigned in Redis; Argus keeps them as numbers (exact below 2^53). */
const epoch = (s: string): number => Number(strtoull(s));

/** sentinel.c sentinelHandleConfiguration, one entry per branch, in its order. */
const REDIS_DIRECTIVES: readonly SentinelDirective[] = [
  {
    name: 'monitor',
    argc: [4],
    apply(ctx, [name, host, port, quorumText]) {
      const quorum = atoi(quorumText!);
      if (quorum <= 0) return 'Quorum must be 1 or greater.';
      const r = createMaster(ctx.state, name!, canonicalHost(host!), atoi(port!), quorum, ctx.now);
      return r.ok ? null : r.error;
    },
  },
  perMaster('down-after-milliseconds', 2, (m, [, ms]) => {
    m.downAfterPeriod = atoi(ms!);
    if (m.downAfterPeriod <= 0) return 'negative or zero time parameter.';
    // sentinelPropagateDownAfterPeriod: replicas and peers follow their master's period
    for (const r of m.replicas.values()) r.downAfterPeriod = m.downAfterPeriod;
    for (const s of m.sentinels.values()) s.downAfterPeriod = m.downAfterPeriod;
    return null;
  }),
  perMaster('failover-timeout', 2, (m, [, ms]) => {
    m.failoverTimeout = atoi(ms!);
    return m.failoverTimeout <= 0 ? 'negative or zero time parameter.' : null;
  }),
  // No check at load: 0 or a negative count is accepted (only SENTINEL SET refuses it).
  perMaster('parallel-syncs', 2, (m, [, n]) => {
    m.parallelSyncs = atoi(n!);
    return null;
  }),
  // The one file-system check of the load: access(path, X_OK).
  perMaster('notification-script', 2, (m, [, path], ctx) => {
    if (!ctx.isExecutable(path!)) return 'Notification script seems non existing or non executable.';
    m.notificationScript = path!;
    return null;
  }),
  perMaster('client-reconfig-script', 2, (m, [, path], ctx) => {
    if (!ctx.isExecutable(path!)) return 'Client reconfiguration script seems non existing or non executable.';
    m.clientReconfigScript = path!;
    return null;
  }),
  perMaster('auth-pass', 2, (m, [, pass]) => {
    m.authPass = pass!;
    return null;
  }),
  perMaster('auth-user', 2, (m, [, user]) => {
    m.authUser = user!;
    return null;
  }),
  {
    name: 'current-epoch',
    argc: [1],
    apply(ctx, [n]) {
      // only ever raises the epoch
      ctx.state.currentEpoch = Math.max(ctx.state.currentEpoch, epoch(n!));
      return null;
    },
  },
  {
    name: 'myid',
    argc: [1],
    apply(ctx, [id]) {
      // strlen(): the id ends at a NUL byte, which a "\x00" escape can put there
      const cstr = id!.split('\0')[0]!;
      if (cstr.length !== 40) return 'Malformed Sentinel id in myid option.';
      ctx.state.myid = cstr;
      ctx.myidLoaded = true;
      return null;
    },
  },
  perMaster('config-epoch', 2, (m, [, n], ctx) => {
    m.configEpoch = epoch(n!);
    // redundant now that current-epoch is persisted, kept by Redis (and here) all the same
    if (m.configEpoch > ctx.state.currentEpoch) ctx.state.currentEpoch = m.configEpoch;
    return null;
  }),
  perMaster('leader-epoch', 2, (m, [, n]) => {
    m.leaderEpoch = epoch(n!);
    return null;
  }),
  perMaster('known-replica', 3, (m, [, host, port], ctx) => {
    const r = addKnownReplica(ctx.state, m, canonicalHost(host!), atoi(port!), ctx.now);
    return r.ok ? null : r.error;
  }, ['known-slave']),
  {
    name: 'known-sentinel',
    // The old form without a run id (3 arguments) is accepted and ignored, master or not.
    argc: [3, 4],
    apply(ctx, args) {
      if (args.length === 3) return null;
      const [name, host, port, runid] = args as [string, string, string, string];
      const m = ctx.state.masters.get(name);
      if (!m) return NO_SUCH_MASTER;
      const r = addKnownSentinel(ctx.state, m, canonicalHost(host), atoi(port), runid, ctx.now);
      return r.ok ? null : r.error;
    },
  },
  perMaster('rename-command', 3, (m, [, cmd, renamed]) => {
    // renamed_commands is a case-insensitive dict
    const key = cmd!.toLowerCase();
    if (m.renamedCommands.has(key)) return 'Same command renamed multiple times with rename-command.';
    m.renamedCommands.set(key, { command: cmd!, renamed: renamed! });
    return null;
  }),
  {
    name: 'announce-ip',
    argc: [1],
    apply(ctx, [ip]) {
      if (ip !== '') ctx.state.announceIp = ip!;
      return null;
    },
  },
  {
    name: 'announce-port',
    argc: [1],
    apply(ctx, [port]) {
      ctx.state.announcePort = atoi(port!); // no range check at load
      return null;
    },
  },
  yesNoOption('deny-scripts-reconfig', (s, v) => (s.denyScriptsReconfig = v),
    'Please specify yes or no for the deny-scripts-reconfig options.'),
  {
    name: 'sentinel-user',
    argc: [1],
    apply(ctx, [user]) {
      if (user !== '') ctx.state.sentinelUser = user!;
      return null;
    },
  },
  {
    name: 'sentinel-pass',
    argc: [1],
    apply(ctx, [pass]) {
      if (pass !== '') ctx.state.sentinelPass = pass!;
      return null;
    },
  },
  yesNoOption('resolve-hostnames', (s, v) => (s.resolveHostnames = v),
    'Please specify yes or no for the resolve-hostnames option.'),
  yesNoOption('announce-hostnames', (s, v) => (s.announceHostnames = v),
    'Please specify yes or no for the announce-hostnames option.'),
  // 7.0+; Valkey 8 also reads it as primary-reboot-down-after-period.
  perMaster('master-reboot-down-after-period', 2, (m, [, ms]) => {
    m.masterRebootDownAfterPeriod = atoi(ms!);
    return m.masterRebootDownAfterPeriod < 0 ? 'negative time parameter.' : null;
  }, ['primary-reboot-down-after-period']),
];

const ARGUS_MAINTENANCE_RULE = 'argus-maintenance must be 0 (no expiry) or the unix time in milliseconds at which it ends.';

/**
 * Argus-only sub-directives (`sentinel argus-<name> ...`); their rewrite is ARGUS_MASTER_DIRECTIVES
 * in rewrite.ts.
 */
export const ARGUS_SENTINEL_DIRECTIVES: readonly SentinelDirective[] = [
  // An opt-in PING period below Sentinel's 1 s, for detection close to down-after (docs/ping-period.md).
  perMaster('argus-ping-period', 2, (m, [, ms]) => {
    const v = argusPingPeriod(ms!);
    if (v === null) return ARGUS_PING_PERIOD_RANGE;
    m.argusPingPeriod = v;
    return null;
  }),
  // `sentinel argus-maintenance <master> <until>`: maintenance mode, 0 = no expiry, else the
  // unix ms it ends at (docs/maintenance.md); an expired value loads as written and is off.
  perMaster('argus-maintenance', 2, (m, [, until]) => {
    const v = /^(0|[1-9][0-9]{0,15})$/.test(until!) ? Number(until) : NaN;
    if (!Number.isSafeInteger(v)) return ARGUS_MAINTENANCE_RULE;
    m.argusMaintenanceUntil = v;
    return null;
  }),
  // `sentinel argus-removed <master>`: state file only; its work is done by the loader's merge
  // (src/config/state-file.ts), so there is nothing to apply.
  { name: 'argus-removed', argc: [1], apply: () => null },
  // `sentinel argus-webhook <master|*> <url>`, repeatable: POST every event to url (docs/scripts.md).
  {
    name: 'argus-webhook',
    argc: [2],
    apply(ctx, [name, text]) {
      const m = name === ALL_MASTERS ? null : ctx.state.masters.get(name!);
      if (m === undefined) return NO_SUCH_MASTER;
      const url = webhookUrl(text!);
      if (url === null) return WEBHOOK_URL_RULE;
      if (m === null) addGlobalWebhook(ctx.state, url);
      else addMasterWebhook(m, url);
      return null;
    },
  },
];

const BY_NAME = new Map<string, SentinelDirective>();
for (const d of [...REDIS_DIRECTIVES, ...ARGUS_SENTINEL_DIRECTIVES]) {
  BY_NAME.set(d.name, d);
  for (const a of d.aliases ?? []) BY_NAME.set(a, d);
}

/** The sub-directive of a `sentinel` line by name (case-insensitive). */
export function sentinelDirective(sub: string): SentinelDirective | undefined {
  return BY_NAME.get(sub.toLowerCase());
}

/** Applies one queued `sentinel` line (args after the word `sentinel`); null or the reason. */
export function applySentinelLine(ctx: SentinelLoadContext, argv: readonly string[]): string | null {
  const d = sentinelDirective(argv[0]!);
  const args = argv.slice(1);
  if (!d || !d.argc.includes(args.length)) return UNRECOGNIZED;
  return d.apply(ctx, args);
}
