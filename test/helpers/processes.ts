import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { RawClient } from './raw-client.js';
import { tempDir } from './tmp.js';
import { waitFor } from './wait-for.js';

/** Repository root (this file runs from dist/test/helpers). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARGUS_BIN = join(ROOT, 'bin', 'argus-sentinel');
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
export const REDIS_SENTINEL = process.env.REDIS_SENTINEL ?? 'redis-sentinel';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Proc {
  readonly child: ChildProcess;
  readonly port: number;
  /** everything written to stdout so far */
  stdout(): string;
  stderr(): string;
  /** resolves with the exit code (or signal name) */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Where a process runs when not on this host's loopback: the address it binds, and the command
 * that runs it there (`ip netns exec <ns>`, which execs, so the child's pid is the process's).
 */
export interface Placement {
  readonly ip: string;
  readonly prefix: readonly string[];
}

export interface SpawnOptions {
  /** a command that runs `cmd` elsewhere (a network namespace) */
  readonly prefix?: readonly string[];
  /** added to this process's environment (an LD_PRELOAD clock shim, say) */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Log lines of an Argus process that no test wants: a shard thread that died (Argus restarts it,
 * so nothing else shows). `stop()` throws with them, so every test that stops an Argus checks it.
 */
const THREAD_CRASH = /^.*(?:Shard \d+: (?:uncaught exception|unhandled rejection)|Shard \d+ exited unexpectedly).*$/gm;

export class ThreadCrashError extends Error {
  constructor(readonly pid: number | undefined, readonly lines: readonly string[]) {
    super(`Argus (pid ${pid}) logged a dead shard thread:\n${lines.join('\n')}`);
    this.name = 'ThreadCrashError';
  }
}

export function spawnProc(cmd: string, args: string[], port: number, cwd?: string, { prefix = [], env }: SpawnOptions = {}): Proc {
  const isArgus = args.includes(ARGUS_BIN);
  const [first, ...rest] = [...prefix, cmd, ...args] as [string, ...string[]];
  const child = spawn(first, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  live.add(child);
  let out = '';
  let errOut = '';
  child.stdout!.setEncoding('latin1').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('latin1').on('data', (d: string) => (errOut += d));
  const outputDone = new Promise<void>((res) => child.stdout!.once('end', res));
  const exited = new Promise<number | string>((res) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      // Let the last log lines arrive; a child of the process (a script) may hold the pipe
      // open, so do not wait for the stream's end forever.
      const grace = new Promise<void>((r) => setTimeout(r, 500).unref());
      void Promise.race([outputDone, grace]).then(() => res(code ?? signal ?? -1));
    });
  });
  return {
    child,
    port,
    stdout: () => out,
    stderr: () => errOut,
    exited,
    async stop(graceMs = 5_000) {
      let r: number | string;
      if (child.exitCode !== null || child.signalCode !== null) r = await exited;
      else {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        r = await exited;
        clearTimeout(timer);
      }
      const crashes = isArgus ? out.match(THREAD_CRASH) : null;
      if (crashes) throw new ThreadCrashError(child.pid, crashes);
      return r;
    },
  };
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(port: number, timeout = 10_000, host = '127.0.0.1'): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((res) => {
        const s = connect(port, host);
        s.once('connect', () => {
          s.destroy();
          res(true);
        });
        s.once('error', () => res(false));
      }),
    { timeout, what: `port ${host}:${port}` },
  );
}

/**
 * A redis-server on a free loopback port (or on `port`, to restart one where it was); with `at`,
 * on `at.ip` (port 6379 unless given) inside `at`'s namespace, open to the other hosts.
 */
export async function startRedisServer(extra: string[] = [], port?: number, at?: Placement): Promise<Proc> {
  const host = at?.ip ?? '127.0.0.1';
  const where = at ? ['--protected-mode', 'no'] : [];
  for (let attempt = 1; ; attempt++) {
    const p = port ?? (at ? 6379 : await freePort());
    // Its own directory: a master writes an RDB file for every full resync of a replica.
    const tmp = tempDir('redis-server-');
    const proc = spawnProc(
      REDIS_SERVER,
      ['--port', String(p), '--bind', host, ...where, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmp.dir, ...extra],
      p,
      tmp.dir,
      { prefix: at?.prefix },
    );
    void proc.exited.then(tmp.cleanup);
    try {
      await waitForPort(p, 10_000, host);
      // The port may have gone to another process between freePort() and the bind (test files
      // run in parallel): then something else answers there and this server has exited.
      const pid = await listenerPid(p, host);
      if (pid === proc.child.pid || (pid === null && proc.child.exitCode === null)) return proc;
    } catch {
      // not listening in time: retried or reported below
    }
    await proc.stop();
    if (port !== undefined || at !== undefined || attempt >= 3) {
      throw new Error(`redis-server did not start on port ${p}: ${proc.stderr()}${proc.stdout().slice(-500)}`);
    }
  }
}

/** INFO server's process_id of whatever answers on `port`; null when INFO is refused (a password, a rename). */
async function listenerPid(port: number, host: string): Promise<number | null> {
  const c = await RawClient.open(port, host);
  try {
    const m = /process_id:(\d+)/.exec(String((await c.call('INFO', 'server')).value));
    return m ? Number(m[1]) : null;
  } finally {
    c.close();
  }
}

export interface SentinelProc extends Proc {
  readonly configPath: string;
  readonly dir: string;
  /** stop the process and remove its directory */
  cleanup(): Promise<void>;
}

/**
 * Starts a sentinel (Argus by default, or Debian's redis-sentinel with `impl: 'redis'`) on a free
 * port with `config` as its sentinel.conf (a `port` line is added unless `port` is given). With
 * `at`, inside `at`'s namespace on port 26379, bound to and announcing `at.ip`.
 * `dir`: an existing directory for the config (a test's mount) instead of a fresh temp dir; it
 * is not removed by cleanup. `env`: added to the process's environment.
 */
export async function startSentinel(
  config: string,
  {
    impl = 'argus',
    args = [],
    waitReady = true,
    // generous: a node process takes seconds to start on a loaded 2-core machine
    readyTimeout = 30_000,
    at,
    dir,
    env,
  }: {
    impl?: 'argus' | 'redis';
    args?: string[];
    waitReady?: boolean;
    readyTimeout?: number;
    at?: Placement;
    dir?: string;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<SentinelProc> {
  const port = at ? 26379 : await freePort();
  const tmp = dir === undefined ? tempDir(`${impl}-sentinel-`) : { dir, cleanup: () => {} };
  const configPath = join(tmp.dir, 'sentinel.conf');
  // The sentinel gets the free port: an existing `port` line (a config carried over from another
  // run) is replaced, else one is added.
  const withPort = /^port .*$/m.test(config) ? config.replace(/^port .*$/m, `port ${port}`) : `port ${port}\n${config}`;
  const placed = at ? `bind ${at.ip}\nsentinel announce-ip ${at.ip}\n${withPort}` : withPort;
  writeFileSync(configPath, placed, 'latin1');
  const proc =
    impl === 'argus'
      ? spawnProc(process.execPath, [ARGUS_BIN, configPath, ...args], port, tmp.dir, { prefix: at?.prefix, env })
      : spawnProc(REDIS_SENTINEL, [configPath, ...args], port, tmp.dir, { prefix: at?.prefix, env });
  if (waitReady) {
    try {
      await waitForPort(port, readyTimeout, at?.ip);
    } catch (e) {
      // a sentinel that never listens (a refused config, a crash) leaves nothing behind
      await proc.stop();
      tmp.cleanup();
      throw e;
    }
  }
  return {
    ...proc,
    configPath,
    dir: tmp.dir,
    async cleanup() {
      try {
        await proc.stop();
      } finally {
        tmp.cleanup();
      }
    },
  };
}

/**
 * Starts `impl` again from a sentinel's own config file, in its own directory (so on its own
 * port, from the `port` line): what a supervisor does after the process died. The caller stops
 * the new process; the directory stays the old handle's to remove.
 */
export async function restartSentinel(old: SentinelProc, impl: 'argus' | 'redis', timeout = 15_000): Promise<Proc> {
  const proc =
    impl === 'argus'
      ? spawnProc(process.execPath, [ARGUS_BIN, old.configPath], old.port, old.dir)
      : spawnProc(REDIS_SENTINEL, [old.configPath], old.port, old.dir);
  try {
    await waitForPort(old.port, timeout);
  } catch (e) {
    await proc.stop();
    throw new Error(`${impl} did not restart from ${old.configPath}: ${String(e)}; ${proc.stdout().slice(-500)}${proc.stderr()}`);
  }
  return proc;
}
