import { maskPairs } from '../../events/audit.js';
import type { Reply } from '../../resp/reply.js';
import type { MasterRecord } from '../../sentinel/instance.js';
import { argusPingPeriod } from '../../sentinel/argus-options.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { SentinelContext } from '../types.js';
import { rejectControlChars } from './control-chars.js';
import { saveAndReply } from './save.js';
import { scriptAccess } from './script-access.js';
import { addMasterWebhook, clearMasterWebhooks, redactUrl, webhookUrl } from '../../webhooks/targets.js';

/** One validated option/value pair, ready to apply. */
interface Change {
  apply(): void;
  /** what `+set` prints after the instance: `<option> <value>` as the client typed them */
  readonly event: string;
  /** auth-pass/auth-user: the master's links must log in again */
  readonly auth?: boolean;
}

type Parsed = { change: Change; next: number } | Reply;

/** An integer option: strict parse, then the rule (> 0, or >= 0 for the reboot period). */
function intOption(option: string, value: string, min: number, set: (v: number) => void): Parsed | Reply {
  const v = parseInteger(value);
  if (v === null || v < min) return replyError.setBadValue(value, option);
  return { change: { apply: () => set(v), event: `${option} ${value}` }, next: 0 };
}

function scriptOption(
  ctx: SentinelContext,
  option: string,
  value: string,
  notExecutable: () => Reply,
  set: (path: string | null) => void,
): Parsed {
  if (ctx.state.denyScriptsReconfig) return replyError.scriptsReconfigDenied();
  if (value !== '' && !scriptAccess.isExecutable(value)) return notExecutable();
  return { change: { apply: () => set(value === '' ? null : value), event: `${option} ${value}` }, next: 0 };
}

/**
 * sentinel.c sentinelSetCommand's per-option rules for the pair at argv[j]. Returns the change and
 * how many words it used, or the error Redis sends for it.
 */
function parsePair(ctx: SentinelContext, master: MasterRecord, argv: readonly string[], j: number): Parsed {
  const option = argv[j]!;
  const more = argv.length - 1 - j;
  const value = argv[j + 1] ?? '';
  const withNext = (p: Parsed, words: number): Parsed => ('change' in p ? { change: p.change, next: j + words } : p);
  switch (more > 0 ? option.toLowerCase() : '') {
    case 'down-after-milliseconds':
      return withNext(
        intOption(option, value, 1, (v) => {
          master.downAfterPeriod = v;
          // sentinelPropagateDownAfterPeriod: replicas and peers of this master use the same period
          for (const r of master.replicas.values()) r.downAfterPeriod = v;
          for (const s of master.sentinels.values()) s.downAfterPeriod = v;
        }),
        2,
      );
    case 'failover-timeout':
      return withNext(intOption(option, value, 1, (v) => (master.failoverTimeout = v)), 2);
    case 'parallel-syncs':
      return withNext(intOption(option, value, 1, (v) => (master.parallelSyncs = v)), 2);
    case 'quorum':
      return withNext(intOption(option, value, 1, (v) => (master.quorum = v)), 2);
    case 'master-reboot-down-after-period':
    case 'primary-reboot-down-after-period':
      return withNext(intOption(option, value, 0, (v) => (master.masterRebootDownAfterPeriod = v)), 2);
    case 'argus-ping-period': {
      const v = argusPingPeriod(value);
      if (v === null) return replyError.setBadValue(value, option);
      return { change: { apply: () => (master.argusPingPeriod = v), event: `${option} ${value}` }, next: j + 2 };
    }
    case 'notification-script': {
      const set = (p: string | null) => (master.notificationScript = p);
      return withNext(scriptOption(ctx, option, value, replyError.notificationScriptNotExecutable, set), 2);
    }
    case 'client-reconfig-script': {
      const set = (p: string | null) => (master.clientReconfigScript = p);
      return withNext(scriptOption(ctx, option, value, replyError.reconfigScriptNotExecutable, set), 2);
    }
    case 'argus-webhook': {
      // Argus-only: adds a webhook ("" removes them all). A webhook sends events out of the
      // host as a script does, so deny-scripts-reconfig guards it too. The event shows the
      // origin only: a hook's path is often its secret.
      if (ctx.state.denyScriptsReconfig) return replyError.scriptsReconfigDenied();
      if (value === '') return { change: { apply: () => clearMasterWebhooks(master), event: `${option} ` }, next: j + 2 };
      const url = webhookUrl(value);
      if (url === null) return replyError.setBadValue(value, option);
      return { change: { apply: () => addMasterWebhook(master, url), event: `${option} ${redactUrl(url)}` }, next: j + 2 };
    }
    case 'auth-pass': {
      // the password never appears in events, logs or notification-script arguments
      const apply = () => (master.authPass = value === '' ? null : value);
      return { change: { apply, event: `${option} ******`, auth: true }, next: j + 2 };
    }
    case 'auth-user': {
      const apply = () => (master.authUser = value === '' ? null : value);
      return { change: { apply, event: `${option} ${value}`, auth: true }, next: j + 2 };
    }
    case 'rename-command': {
      if (more < 2) break;
      const [command, renamed] = [argv[j + 1]!, argv[j + 2]!];
      if (command === '' || renamed === '') return replyError.setBadValue('', option);
      const apply = (): void => {
        // keys are case-insensitive: a new mapping replaces any earlier one of the same command
        const key = command.toLowerCase();
        master.renamedCommands.delete(key);
        if (key !== renamed.toLowerCase()) master.renamedCommands.set(key, { command, renamed });
      };
      return { change: { apply, event: `${option} ${command} ${renamed}` }, next: j + 3 };
    }
  }
  return replyError.setUnknownOption(option);
}

/**
 * SENTINEL SET <name> <option> <value> [...]. Argus differs from Redis on purpose: every pair is
 * validated before any is applied, so a bad pair leaves the master untouched and nothing is saved
 * (Redis applies pairs up to the bad one and flushes them). Then each pair is applied in order
 * with its `+set` event, the links re-authenticate if credentials changed, and the file is saved
 * before the reply.
 */
export const setSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'set',
  audit: { redact: maskPairs(3, { 'argus-webhook': (url) => (url === '' ? url : redactUrl(url)) }) },
  arity: -5,
  summary: 'Changes options of a monitored master.',
  since: '2.8.4',
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    const bad = rejectControlChars(argv, 3, 'SENTINEL SET');
    if (bad !== null) return bad;

    const changes: Change[] = [];
    for (let j = 3; j < argv.length; ) {
      const parsed = parsePair(sentinel, master, argv, j);
      if (!('change' in parsed)) return parsed;
      changes.push(parsed.change);
      j = parsed.next;
    }
    for (const c of changes) {
      c.apply();
      sentinel.events.instanceEvent('warning', '+set', master, master, c.event);
    }
    if (changes.some((c) => c.auth)) sentinel.monitors.masterAuthChanged(master.name);
    return saveAndReply(sentinel);
  },
};
