import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

/** How an attempt to start a script ended before the script ran. */
export type StartFailure = 'fork' | 'exec';

/** Answers about one spawn, in this order: spawned or failed, then exited (after spawned). */
export interface SpawnHandlers {
  spawned(pid: number): void;
  failed(reason: StartFailure, errno: string): void;
  /** exit code (0 when killed) and signal number (0 when it exited) */
  exited(code: number, signal: number): void;
}

/** A line a script wrote, for the log. */
export interface ScriptOutput {
  readonly path: string;
  readonly pid: number;
  readonly stream: 'stdout' | 'stderr';
  /** latin1 bytes, without the newline */
  readonly line: string;
}

export interface ScriptSpawner {
  /** start argv[0] with argv (no shell); `id` names the child for kill */
  spawn(id: number, argv: readonly string[], on: SpawnHandlers): void;
  /** SIGKILL the child of `id` (at once, or as soon as it exists) */
  kill(id: number): void;
  close(): Promise<void>;
}

/** Errors of fork itself (or of the parent's resources) rather than of execve. */
const FORK_ERRORS = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);
export const startFailure = (errno: string): StartFailure => (FORK_ERRORS.has(errno) ? 'fork' : 'exec');

/** Signal name to number (`SIGKILL` → 9), as wait(2) reports it. */
export const signalNumber = (name: string): number => (constants.signals as Record<string, number>)[name] ?? 0;

/**
 * Argus keeps every string as latin1 bytes; execve takes bytes, but Node encodes arguments as
 * UTF-8. Re-reading the bytes as UTF-8 makes Node write them back unchanged (any valid UTF-8,
 * which covers what operators use; an invalid sequence becomes U+FFFD). A C string ends at its
 * first NUL, as the argument does in Sentinel.
 */
export function execArg(s: string): string {
  const nul = s.indexOf('\0');
  return Buffer.from(nul < 0 ? s : s.slice(0, nul), 'latin1').toString('utf8');
}

/** Redis's log lines stop at 1024 bytes; a longer output line is cut there. */
const MAX_LINE = 1024;
/** Output logged per run; the rest is read and discarded so the script never blocks on a pipe. */
const MAX_LOGGED = 64 * 1024;

function readLines(stream: Readable, emit: (line: string) => void): void {
  let partial = '';
  let logged = 0;
  const push = (line: string): void => {
    if (logged >= MAX_LOGGED) return;
    logged += line.length + 1;
    emit(logged >= MAX_LOGGED ? '(further output not logged)' : line.slice(0, MAX_LINE));
  };
  stream.setEncoding('latin1');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) push(l);
    // a runaway line without newline is flushed in pieces rather than kept growing
    if (partial.length > MAX_LINE) {
      push(partial);
      partial = '';
    }
  });
  stream.on('end', () => {
    if (partial !== '') push(partial);
  });
  stream.on('error', () => {});
}

/**
 * Runs scripts with child_process in the calling thread. No shell: argv[0] is executed with
 * argv as given. The child gets /dev/null as stdin and a pipe on each of stdout and stderr,
 * and nothing else: every descriptor Node and libuv open (listening and link sockets, the config
 * file, the log file, worker ports) is close-on-exec. The environment and working directory
 * are the process's, as Sentinel's children get them.
 */
export class ChildSpawner implements ScriptSpawner {
  readonly #children = new Map<number, ChildProcess>();
  readonly #output: (o: ScriptOutput) => void;

  constructor(output: (o: ScriptOutput) => void) {
    this.#output = output;
  }

  spawn(id: number, argv: readonly string[], on: SpawnHandlers): void {
    const [path, ...args] = argv.map(execArg);
    let child: ChildProcess;
    try {
      child = spawn(path!, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    } catch (e) {
      // libuv errors outside Node's short list are thrown synchronously
      const errno = String((e as { code?: unknown }).code ?? 'EINVAL');
      return on.failed(startFailure(errno), errno);
    }
    const pid = child.pid;
    if (pid === undefined) {
      // ENOENT, EACCES, EAGAIN...: reported by an 'error' event on the next tick
      child.once('error', (e: NodeJS.ErrnoException) => on.failed(startFailure(e.code ?? 'EINVAL'), e.code ?? 'EINVAL'));
      return;
    }
    this.#children.set(id, child);
    on.spawned(pid);
    readLines(child.stdout!, (line) => this.#output({ path: argv[0]!, pid, stream: 'stdout', line }));
    readLines(child.stderr!, (line) => this.#output({ path: argv[0]!, pid, stream: 'stderr', line }));
    child.on('error', () => {}); // a failed kill of a process already gone
    // 'exit', not 'close': a script's own children may keep its pipes open long after it ended
    child.once('exit', (code, signal) => {
      this.#children.delete(id);
      on.exited(code ?? 0, signal ? signalNumber(signal) : 0);
    });
  }

  kill(id: number): void {
    this.#children.get(id)?.kill('SIGKILL');
  }

  async close(): Promise<void> {
    // Running scripts are left to finish, as Sentinel leaves its children when it exits.
    this.#children.clear();
  }
}
