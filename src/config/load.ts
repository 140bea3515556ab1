/**
 * Loading sentinel.conf: config.c loadServerConfigFromString for the generic directives, then
 * sentinel.c loadSentinelConfigFromQueue for the `sentinel` lines (config.md §1–§4).
 *
 * Pure: the text comes in as a latin1 string, and the few touches of the file system Redis makes
 * while loading (include files, `dir`'s chdir, the logfile probe, the scripts' access(X_OK)) are
 * functions the caller passes in. A refused line throws ConfigLineError with Redis's line
 * number, line text and reason; fatal.ts prints it the way Redis does.
 */
import { ArgusError, ConfigLineError } from '../errors.js';
import { newSentinelState, type SentinelState } from '../sentinel/state.js';
import { UserDeclarations } from './acl-user.js';
import { withCmdlineOptions } from './cmdline.js';
import { directiveSpec, type DirectiveSpec, type SpecialId } from './directives.js';
import { SENTINEL_MODE_COMMANDS } from './sentinel-commands.js';
import {
  applySentinelLine, sentinelPass, type SentinelLoadContext, type SentinelPass,
} from './sentinel-directives.js';
import { ServerOptions } from './server-options.js';
import {
  mainFileBase, REMOVED_OUTSIDE_STATE, REMOVED_SUB, STATE_FILE_IS_MAIN, STATE_FILE_NESTED, STATE_FILE_SUB, stateFilePath,
  type MainFileBase, type StateFileInfo,
} from './state-file.js';
import { splitArgs } from './tokenize.js';
import {
  BIND_ADDR_MAX, checkDnsServers, checkHttpBind, checkNotifyKeyspaceEvents, checkOomScoreAdjValues, checkOutputBufferLimits, checkPercentiles,
  checkReplicaOf, checkSavePairs, checkValue, OBUF_CLASS_ORDER, type Checked,
} from './values.js';

/** The file-system calls Redis makes while loading, injected so this module stays pure. */
export interface ConfigIo {
  /** access(path, X_OK) == 0: notification and client-reconfig scripts */
  isExecutable(path: string): boolean;
  /**
   * An `include`d file as a latin1 string, relative paths against the process cwd (as fopen);
   * on failure the strerror text, e.g. "No such file or directory".
   */
  readFile(path: string): { ok: true; text: string } | { ok: false; error: string; missing?: boolean };
  /** realpath(3), or null when the path does not resolve (a state file not yet created) */
  realpath?(path: string): string | null;
  /** glob(3) for include patterns with * ? [ (sorted); none given = such includes match nothing */
  glob?(pattern: string): string[];
  /** `dir` is applied while loading (chdir): null, or the strerror text that makes it fatal */
  chdir?(path: string): string | null;
  /** the final logfile probe, fopen(path, "a"): null, or the strerror text */
  checkLogFile?(path: string): string | null;
}

export interface LoadedConfig {
  /** the generic directives, normalized to the form CONFIG REWRITE writes */
  server: ServerOptions;
  state: SentinelState;
  /** false when no `sentinel myid` was loaded: the caller generates one and flushes */
  myidLoaded: boolean;
  /** `sentinel state-config-file`: where the saves go instead of the main file; null = unset */
  stateFile: StateFileInfo | null;
}

/** Without an injected ConfigIo nothing on disk exists: scripts and includes are refused. */
const NO_IO: ConfigIo = {
  isExecutable: () => false,
  readFile: () => ({ ok: false, error: 'No such file or directory' }),
};

const BAD_DIRECTIVE = 'Bad directive or wrong number of arguments';
/** CONFIG_MIN_HZ, CONFIG_MAX_HZ: out-of-range hz values are clamped, not refused */
const MIN_HZ = 1;
const MAX_HZ = 500;
/** Redis recurses without limit (and crashes on an include loop); Argus stops here. */
const MAX_INCLUDE_DEPTH = 32;

/** sdstrim(line, " \t\r\n") */
const trimLine = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
/** sdstolower: ASCII only, as tolower() in the C locale */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

interface QueuedSentinelLine {
  readonly pass: SentinelPass;
  readonly argv: readonly string[];
  readonly line: number;
  readonly text: string;
  /** the state file's path for its lines, null for the main file */
  readonly file: string | null;
}

class Loader {
  readonly server = new ServerOptions();
  readonly state = newSentinelState();
  readonly #queue: QueuedSentinelLine[] = [];
  readonly #users = new UserDeclarations();
  /** the live command names for top-level rename-command (a case-insensitive dict in Redis) */
  readonly #commands = new Set(Object.keys(SENTINEL_MODE_COMMANDS));
  /** `save` lines: the first one replaces the defaults, later ones add (setConfigSaveOption) */
  #savePairs: string[][] | null = null;
  readonly #obuf = new Map<string, string[]>();
  #includeDepth = 0;
  /** the state file while its text is loaded (names it in errors and queued lines) */
  #file: string | null = null;
  readonly io: ConfigIo;
  readonly configPath: string;

  constructor(io: ConfigIo, configPath: string) {
    this.io = io;
    this.configPath = configPath;
  }

  /** loadServerConfigFromString */
  loadString(text: string): void {
    // The C code reads the text with strlen(): nothing after a NUL byte exists.
    const nul = text.indexOf('\0');
    const lines = (nul === -1 ? text : text.slice(0, nul)).split('\n');
    lines.forEach((raw, i) => {
      const line = trimLine(raw);
      if (line === '' || line[0] === '#') return;
      const reason = this.#loadLine(line, i + 1);
      if (reason !== null) throw new ConfigLineError(i + 1, line, reason, this.#file);
    });
    this.#finishString();
  }

  /** One line; null, or the reason it is refused. */
  #loadLine(line: string, lineNo: number): string | null {
    const argv = splitArgs(line);
    if (argv === null) return 'Unbalanced quotes in configuration line';
    if (argv.length === 0) return null;
    const name = asciiLower(argv[0]!);
    const argc = argv.length;
    const spec = directiveSpec(name);

    if (spec && (spec.kind === 'standard' || spec.kind === 'argus')) return this.#setStandard(spec, argv.slice(1));
    if (spec?.kind === 'deprecated' && argc === 2) return null;

    if (name === 'include' && argc === 2) return this.#include(argv[1]!);
    if (name === 'rename-command' && argc === 3) return this.#renameCommand(argv[1]!, argv[2]!);
    if (name === 'user' && argc >= 2) {
      const pubsubAll = this.server.get('acl-pubsub-default')?.[0] === 'allchannels';
      const reason = this.#users.declare(argv, pubsubAll);
      if (reason === null) this.server.set('user', argv.slice(1), true);
      return reason;
    }
    // Modules are never loaded in sentinel mode, and the rewrite drops their lines: checked
    // for shape only, not kept.
    if (name === 'loadmodule' && argc >= 2) return null;
    if (name.includes('.')) return argc < 2 ? 'Module config specified without value' : null;
    if (name === 'sentinel') {
      // A bare `sentinel` is main()'s sentinel-mode switch; the others wait for the passes.
      if (argc > 1 && this.#file !== null && asciiLower(argv[1]!) === STATE_FILE_SUB) return STATE_FILE_NESTED;
      if (argc > 1 && this.#file === null && asciiLower(argv[1]!) === REMOVED_SUB) return REMOVED_OUTSIDE_STATE;
      if (argc > 1) this.#queue.push({ pass: sentinelPass(argv[1]!), argv: argv.slice(1), line: lineNo, text: line, file: this.#file });
      return null;
    }
    return BAD_DIRECTIVE;
  }

  /** A config-table entry: argument count, then the typed setter. */
  #setStandard(spec: DirectiveSpec, given: string[]): string | null {
    if (!spec.multiArg && given.length !== 1) return 'wrong number of arguments';
    let args = given;
    // A multi-argument config given one non-empty argument splits it (`save "900 1 300 10"`);
    // unbalanced quotes in it leave no arguments at all.
    if (spec.multiArg && args.length === 1 && args[0] !== '') args = splitArgs(args[0]!) ?? [];
    const value = spec.value!;
    if (value.t === 'special') return this.#setSpecial(value.id, spec.name, args);
    return this.#store(spec.name, checkValue(value, args));
  }

  #store(name: string, checked: Checked): string | null {
    if (!checked.ok) return checked.reason;
    this.server.set(name, checked.args);
    return null;
  }

  /** An Argus address list: an empty one unsets the directive. */
  #storeList(name: string, checked: Checked): string | null {
    if (!checked.ok) return checked.reason;
    if (checked.args.length === 0) this.server.delete(name);
    else this.server.set(name, checked.args);
    return null;
  }

  /** config.c's createSpecialConfig setters */
  #setSpecial(id: SpecialId, name: string, args: string[]): string | null {
    switch (id) {
      case 'dir': {
        const err = this.io.chdir?.(args[0]!) ?? null;
        if (err !== null) return err;
        this.server.set(name, [args[0]!]);
        return null;
      }
      case 'save': {
        const explicitReset = args.length === 1 && args[0] === '';
        const pairs = checkSavePairs(explicitReset ? [] : args);
        if (pairs === null) return 'Invalid save parameters';
        if (this.#savePairs === null || explicitReset) this.#savePairs = [];
        this.#savePairs.push(...pairs);
        this.server.delete(name);
        // An empty `save` list (snapshots disabled) is kept as one line without arguments.
        if (this.#savePairs.length === 0) this.server.set(name, [], true);
        for (const p of this.#savePairs) this.server.set(name, p, true);
        return null;
      }
      case 'client-output-buffer-limit': {
        const limits = checkOutputBufferLimits(args);
        if (typeof limits === 'string') return limits;
        for (const l of limits) this.#obuf.set(l[0]!, l);
        this.server.delete(name);
        for (const cls of OBUF_CLASS_ORDER) {
          const l = this.#obuf.get(cls);
          if (l) this.server.set(name, l, true);
        }
        return null;
      }
      case 'oom-score-adj-values': return this.#store(name, checkOomScoreAdjValues(args));
      case 'notify-keyspace-events': return this.#store(name, checkNotifyKeyspaceEvents(args[0]!));
      case 'bind':
        if (args.length > BIND_ADDR_MAX) return 'Too many bind addresses specified.';
        // a single "" means no addresses; kept as [''] so the rewrite writes `bind ""` back
        this.server.set(name, args.length === 0 ? [''] : args);
        return null;
      case 'replicaof': {
        const r = checkReplicaOf(args);
        if (!r.ok) return r.reason;
        if (r.args === null) this.server.delete(name);
        else this.server.set(name, r.args);
        return null;
      }
      case 'latency-tracking-info-percentiles': return this.#store(name, checkPercentiles(args));
      // no address (or one empty one) goes back to the default: loopback, the system resolver
      case 'http-bind': return this.#storeList(name, checkHttpBind(args));
      case 'dns-servers': return this.#storeList(name, checkDnsServers(args));
    }
  }

  /** loadServerConfig(path) at the include point; the included lines number from 1. */
  #include(path: string): string | null {
    if (this.#includeDepth >= MAX_INCLUDE_DEPTH) {
      throw new ArgusError('ARGUS_ERR_CONFIG_FILE', `Include nesting deeper than ${MAX_INCLUDE_DEPTH} levels at '${path}' (include loop?)`, {
        path, config: this.configPath,
      });
    }
    // Wildcards go through glob(3); a pattern that matches nothing is silently skipped.
    const files = /[*?[]/.test(path) ? (this.io.glob?.(path) ?? []) : [path];
    let text = '';
    for (const f of files) {
      const r = this.io.readFile(f);
      if (!r.ok) {
        // logged as a warning by Redis (not the FATAL CONFIG block), then exit(1)
        throw new ArgusError('ARGUS_ERR_CONFIG_FILE', `Fatal error, can't open config file '${f}': ${r.error}`, { path: f });
      }
      text += r.text;
    }
    this.server.set('include', [path], true);
    if (files.length === 0) return null;
    this.#includeDepth++;
    try {
      this.loadString(text);
    } finally {
      this.#includeDepth--;
    }
    return null;
  }

  /**
   * Top-level rename-command renames a command of this process (sentinel mode's table), unlike
   * `sentinel rename-command`, which is about the monitored master.
   */
  #renameCommand(cmd: string, renamed: string): string | null {
    const key = cmd.toLowerCase();
    // `container|sub` names a subcommand, which Redis cannot rename (it asserts); refused here.
    if (key.includes('|') || !this.#commands.has(key)) return 'No such command in rename-command';
    this.#commands.delete(key);
    if (renamed !== '') {
      if (this.#commands.has(renamed.toLowerCase())) return 'Target command name already exists';
      this.#commands.add(renamed.toLowerCase());
    }
    this.server.set('rename-command', [cmd, renamed], true);
    return null;
  }

  /** The checks at the end of every loadServerConfigFromString; they name no line. */
  #finishString(): void {
    const logfile = this.server.get('logfile')?.[0] ?? '';
    if (logfile !== '') {
      const err = this.io.checkLogFile?.(logfile) ?? null;
      if (err !== null) throw new ConfigLineError(0, '', `Can't open the log file: ${err}`);
    }
    if (this.server.get('cluster-enabled')?.[0] === 'yes' && this.server.has('replicaof')) {
      throw new ConfigLineError(0, '', 'replicaof directive not allowed in cluster mode');
    }
    // Out-of-range hz is clamped, and the clamped value is what a rewrite writes.
    const hz = this.server.get('hz')?.[0];
    if (hz !== undefined) {
      const n = Number(hz);
      if (n < MIN_HZ) this.server.set('hz', [String(MIN_HZ)]);
      else if (n > MAX_HZ) this.server.set('hz', [String(MAX_HZ)]);
    }
  }

  /** The state file's text, after the main file's (state-file.ts has the merge rules). */
  loadStateString(text: string, path: string): void {
    this.#file = path;
    try {
      this.loadString(text);
    } finally {
      this.#file = null;
    }
  }

  /**
   * Takes the main file's `sentinel state-config-file <path>` lines out of the queue (they set no
   * state) and returns the last one; a line with another argument count stays, to be refused.
   */
  takeStateFileLine(): QueuedSentinelLine | null {
    let last: QueuedSentinelLine | null = null;
    for (let i = 0; i < this.#queue.length; i++) {
      const q = this.#queue[i]!;
      if (asciiLower(q.argv[0]!) !== STATE_FILE_SUB || q.argv.length !== 2) continue;
      last = q;
      this.#queue.splice(i--, 1);
    }
    return last;
  }

  /**
   * sentinel.c loadSentinelConfigFromQueue: pre-monitor options, monitors, then the rest, each
   * pass in queue order (the main file's lines, then the state file's). The main file's lines
   * about a master the state file monitors (or names as removed) are dropped first: that master
   * is the state file's.
   * Returns the globals as the main file left them, before the state file's pre-monitor lines.
   */
  applySentinelQueue(ctx: SentinelLoadContext, loglevel: string | null): MainFileBase {
    const stateMasters = new Set<string>();
    const mainMasters = new Set<string>();
    for (const q of this.#queue) {
      const defines = q.pass === 'monitor' || asciiLower(q.argv[0]!) === REMOVED_SUB;
      if (!defines || q.argv.length < 2) continue;
      (q.file === null ? mainMasters : stateMasters).add(q.argv[1]!);
    }
    const queue = this.#queue.filter((q) => q.file !== null || q.pass === 'pre-monitor' || !stateMasters.has(q.argv[1] ?? ''));
    let mainBase: MainFileBase | null = null;
    for (const pass of ['pre-monitor', 'monitor', 'post-monitor'] as const) {
      for (const q of queue) {
        if (q.pass !== pass) continue;
        if (q.file !== null) mainBase ??= mainFileBase(ctx.state, loglevel, mainMasters);
        const reason = applySentinelLine(ctx, q.argv);
        if (reason !== null) throw new ConfigLineError(q.line, q.text, reason, q.file);
      }
      mainBase ??= mainFileBase(ctx.state, loglevel, mainMasters);
    }
    return mainBase!;
  }
}

/**
 * Loads sentinel.conf. `text` is the file as a latin1 string; `cmdlineArgs` are the arguments
 * after the config path (`--port 26380 --sentinel announce-ip 1.2.3.4`), appended as config
 * lines after the file exactly as redis-server's main() does; `now` stamps the instance records.
 * `configPath` names the file in errors and anchors a relative state file path. With
 * `sentinel state-config-file` the state file is read through `io` after the main file (missing:
 * nothing to read; it is created by the first save). Throws ConfigLineError (a refused line, of
 * either file; a state file that is the main file) or ArgusError ARGUS_ERR_CONFIG_FILE (an include
 * or a state file that cannot be read).
 */
export function loadConfig(
  text: string,
  configPath: string,
  cmdlineArgs: readonly string[],
  now: number,
  io: ConfigIo = NO_IO,
): LoadedConfig {
  const loader = new Loader(io, configPath);
  loader.loadString(withCmdlineOptions(text, cmdlineArgs));
  const loglevel = loader.server.get('loglevel')?.[0] ?? null;
  const statePath = readStateFile(loader, configPath, io);
  const ctx: SentinelLoadContext = {
    state: loader.state,
    now,
    isExecutable: (p) => io.isExecutable(p),
    myidLoaded: false,
  };
  const mainBase = loader.applySentinelQueue(ctx, loglevel);
  return {
    server: loader.server,
    state: loader.state,
    myidLoaded: ctx.myidLoaded,
    stateFile: statePath === null ? null : { path: statePath, mainBase },
  };
}

/** The main file's `sentinel state-config-file`: checked, its file loaded; its path or null. */
function readStateFile(loader: Loader, configPath: string, io: ConfigIo): string | null {
  const line = loader.takeStateFileLine();
  const given = line?.argv[1];
  if (!line || !given) return null; // an empty path leaves it unset
  const path = stateFilePath(configPath, given);
  const real = (p: string): string => io.realpath?.(p) ?? p;
  if (path === configPath || real(path) === real(configPath)) throw new ConfigLineError(line.line, line.text, STATE_FILE_IS_MAIN);
  const r = io.readFile(path);
  if (r.ok) loader.loadStateString(r.text, path);
  else if (!r.missing) {
    throw new ArgusError('ARGUS_ERR_CONFIG_FILE', `Fatal error, can't open state config file '${path}': ${r.error}`, { path });
  }
  return path;
}
