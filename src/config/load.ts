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
import { splitArgs } from './tokenize.js';
import {
  BIND_ADDR_MAX, checkDnsServers, checkNotifyKeyspaceEvents, checkOomScoreAdjValues, checkOutputBufferLimits, checkPercentiles,
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
  readFile(path: string): { ok: true; text: string } | { ok: false; error: string };
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
      if (reason !== null) throw new ConfigLineError(i + 1, line, reason);
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
      if (argc > 1) this.#queue.push({ pass: sentinelPass(argv[1]!), argv: argv.slice(1), line: lineNo, text: line });
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
      case 'dns-servers': {
        const checked = checkDnsServers(args);
        if (!checked.ok) return checked.reason;
        // no address (or one empty one) goes back to the system resolver
        if (checked.args.length === 0) this.server.delete(name);
        else this.server.set(name, checked.args);
        return null;
      }
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

  /** sentinel.c loadSentinelConfigFromQueue: pre-monitor options, monitors, then the rest. */
  applySentinelQueue(ctx: SentinelLoadContext): void {
    for (const pass of ['pre-monitor', 'monitor', 'post-monitor'] as const) {
      for (const q of this.#queue) {
        if (q.pass !== pass) continue;
        const reason = applySentinelLine(ctx, q.argv);
        if (reason !== null) throw new ConfigLineError(q.line, q.text, reason);
      }
    }
  }
}

/**
 * Loads sentinel.conf. `text` is the file as a latin1 string; `cmdlineArgs` are the arguments
 * after the config path (`--port 26380 --sentinel announce-ip 1.2.3.4`), appended as config
 * lines after the file exactly as redis-server's main() does; `now` stamps the instance records.
 * `configPath` only names the file in errors. Throws ConfigLineError (a refused line) or
 * ArgusError ARGUS_ERR_CONFIG_FILE (an include that cannot be read).
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
  const ctx: SentinelLoadContext = {
    state: loader.state,
    now,
    isExecutable: (p) => io.isExecutable(p),
    myidLoaded: false,
  };
  loader.applySentinelQueue(ctx);
  return { server: loader.server, state: loader.state, myidLoaded: ctx.myidLoaded };
}
