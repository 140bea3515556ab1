/**
 * The two monitors a bench compares — Argus (`bin/argus-sentinel`, a node process) and Debian's
 * redis-sentinel — started from the same sentinel.conf body, each in its own temp dir with its log
 * in `<dir>/sentinel.log`; plus the raw pub/sub subscriber that timestamps their events and the
 * `INFO sentinel` reader used to see what they have discovered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { ARGUS_BIN, REDIS_SENTINEL } from '../../test/helpers/processes.js';
import { freePort } from '../../test/helpers/ports.js';
import { encodeCommand, parseReply, RawClient } from '../../test/helpers/raw-client.js';
import { sleep, waitPort } from './fleet.js';
import { CpuWindow, rssKiB } from './procstat.js';
import { trackChild, trackedTempDir } from './reaper.js';

export type Impl = 'argus' | 'redis';
export const IMPL_NAME: Record<Impl, string> = { argus: 'argus', redis: 'redis-sentinel' };

/** Is `cmd` (a name looked up on PATH, or a path) an executable file? */
export function onPath(cmd: string): boolean {
  const candidates = cmd.includes('/') ? [cmd] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The monitors a bench can run here: redis-sentinel only when installed, with a note why not. */
export function availableImpls(wanted: readonly Impl[]): { impls: Impl[]; note: string | null } {
  if (!wanted.includes('redis') || onPath(REDIS_SENTINEL)) return { impls: [...wanted], note: null };
  return {
    impls: wanted.filter((i) => i !== 'redis'),
    note: `'${REDIS_SENTINEL}' is not on PATH: redis-sentinel is left out of this run (apt install redis-sentinel, or set REDIS_SENTINEL)`,
  };
}

export interface Monitor {
  readonly impl: Impl;
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() just before spawn */
  readonly spawnedAt: number;
  logTail(lines?: number): string;
  alive(): boolean;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a monitor with `body` as its config (a `port` line is prepended). When `nofile` is above
 * the soft RLIMIT_NOFILE it is started through `sh -c 'ulimit -n N; exec ...'`.
 */
export async function startMonitor(impl: Impl, body: string, { nofile = 0, readyTimeoutMs = 30_000 } = {}): Promise<Monitor> {
  const port = await freePort();
  const dir = trackedTempDir(`argus-bench-${impl}-`);
  const configPath = join(dir, 'sentinel.conf');
  writeFileSync(configPath, `port ${port}\n${body}`, 'latin1');
  const logPath = join(dir, 'sentinel.log');
  const logFd = openSync(logPath, 'a');
  // Argus through its own first line (#!/usr/bin/env -S node <flags>), as an operator starts it
  const argv = impl === 'argus' ? [ARGUS_BIN, configPath] : [REDIS_SENTINEL, configPath];
  const [cmd, args] = nofile > 0 ? ['sh', ['-c', `ulimit -n ${nofile} && exec "$@"`, 'sh', ...argv]] as const : [argv[0]!, argv.slice(1)] as const;
  const spawnedAt = performance.now();
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  trackChild(child);
  child.once('error', () => {});
  const alive = () => child.exitCode === null && child.signalCode === null;
  const logTail = (lines = 15) => {
    try {
      return readFileSync(logPath, 'latin1').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  if (!(await waitPort(port, readyTimeoutMs, () => !alive()))) {
    if (alive()) child.kill('SIGKILL');
    throw new Error(`${IMPL_NAME[impl]} did not start listening on ${port}; its log ends:\n${logTail()}`);
  }
  return {
    impl,
    port,
    dir,
    child,
    pid: child.pid!,
    spawnedAt,
    logTail,
    alive,
    async stop(graceMs = 3_000) {
      if (!alive()) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(t);
    },
  };
}

export interface SentinelEvent {
  /** performance.now() when the bytes arrived */
  readonly at: number;
  readonly channel: string;
  readonly payload: string;
}

/**
 * `PSUBSCRIBE *` on its own connection; every pmessage goes to `onEvent` stamped with the
 * arrival time of the TCP chunk that completed it (before any parsing of later messages).
 */
export class EventStream {
  readonly #socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  closed = false;

  private constructor(socket: Socket, onEvent: (e: SentinelEvent) => void) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      const at = performance.now();
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d;
      let off = 0;
      for (;;) {
        const r = parseReply(this.#buf, off);
        if (!r) break;
        off = r.end;
        const v = r.value;
        if (Array.isArray(v) && v[0] === 'pmessage') onEvent({ at, channel: String(v[2]), payload: String(v[3]) });
      }
      this.#buf = this.#buf.subarray(off);
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /** Connects, subscribes, and resolves once the subscription is confirmed. */
  static open(port: number, onEvent: (e: SentinelEvent) => void): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      s.once('error', reject);
      s.once('connect', () => {
        let confirmed = false;
        const stream = new EventStream(s, onEvent);
        const confirm = (d: Buffer) => {
          if (d.includes('psubscribe')) {
            confirmed = true;
            s.off('data', confirm);
            resolve(stream);
          }
        };
        s.on('data', confirm);
        s.write(encodeCommand('PSUBSCRIBE', '*'));
        // generous: redis-sentinel does not serve clients while it flushes its config once per
        // discovered replica (about 9 s in a row at 1000 masters)
        setTimeout(() => (confirmed ? null : reject(new Error(`no PSUBSCRIBE confirmation from port ${port} in 60 s`))), 60_000).unref();
      });
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

export interface MasterLine {
  name: string;
  status: string;
  address: string;
  slaves: number;
  sentinels: number;
}

/** One command with a patient reply timeout (a monitor may stall for seconds, e.g. in config flushes). */
export async function slowCall(c: RawClient, ...args: string[]): Promise<string> {
  c.send(encodeCommand(...args));
  const { value } = await c.read(60_000);
  return String(value);
}

/** The `masterN:` lines of `INFO sentinel`, by master name. */
export function parseInfoSentinel(info: string): Map<string, MasterLine> {
  const out = new Map<string, MasterLine>();
  for (const m of info.matchAll(/^master\d+:name=(.*),status=([^,]*),address=([^,]*),slaves=(\d+),sentinels=(\d+)\r?$/gm)) {
    out.set(m[1]!, { name: m[1]!, status: m[2]!, address: m[3]!, slaves: Number(m[4]), sentinels: Number(m[5]) });
  }
  return out;
}

/**
 * Polls `INFO sentinel` until every master in `expected` is listed with status ok and at least
 * `replicas` slaves. Resolves with ms since spawn, or null after `timeoutMs` (the last poll
 * is kept in `last`).
 */
export async function waitDiscovery(
  mon: Monitor,
  masters: readonly string[],
  replicas: number,
  timeoutMs: number,
  intervalMs: number,
  onPoll: (found: number) => void = () => {},
): Promise<{ ms: number | null; found: number }> {
  const c = await RawClient.open(mon.port);
  const deadline = performance.now() + timeoutMs;
  let found = 0;
  try {
    for (;;) {
      const info = await slowCall(c, 'INFO', 'sentinel');
      const now = performance.now();
      const lines = parseInfoSentinel(info);
      found = 0;
      for (const name of masters) {
        const l = lines.get(name);
        if (l && l.status === 'ok' && l.slaves >= replicas) found++;
      }
      onPoll(found);
      if (found === masters.length) return { ms: now - mon.spawnedAt, found };
      if (now > deadline || !mon.alive()) return { ms: null, found };
      await sleep(intervalMs);
    }
  } finally {
    c.close();
  }
}

/**
 * RSS and CPU of a monitor with no master (1 s to settle, then a 2 s window): the base that
 * per-master figures are measured above.
 */
export async function idleBaseline(impl: Impl): Promise<{ rssKiB: number; cpuPct: number }> {
  const mon = await startMonitor(impl, '');
  try {
    await sleep(1_000);
    const w = new CpuWindow(mon.pid).start();
    await sleep(2_000);
    return { rssKiB: rssKiB(w.pids), cpuPct: w.stop().pct };
  } finally {
    await mon.stop();
  }
}
