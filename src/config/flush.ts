/**
 * The one file of src/config that touches the disk: the atomic replacement of sentinel.conf
 * (config.c rewriteConfigOverwriteFile + fsyncFileDir) and the saver that coalesces flushes
 * (sentinel.c sentinelFlushConfig, which Redis runs once per state change).
 *
 * Calls are synchronous, as in Redis: a flush is a few kilobytes, and the vote rule
 * (config.md §5: the vote is on disk before the reply) is simplest to keep when nothing else
 * runs between the write and its fsync. bench/config-flush.ts measures what this costs.
 */
import { randomInt } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { ArgusError, isArgusError } from '../errors.js';

/** glibc's strerror texts for the errors a config flush can meet (Node only gives the name). */
const STRERROR: Readonly<Record<string, string>> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EFBIG: 'File too large',
  EIO: 'Input/output error',
  EBUSY: 'Device or resource busy',
  EXDEV: 'Invalid cross-device link',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EBADF: 'Bad file descriptor',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ETXTBSY: 'Text file busy',
  EINTR: 'Interrupted system call',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
};

/** The errno name of a Node fs error, or of the fs error an ArgusError from here wraps. */
function errnoCode(e: unknown): string {
  if (isArgusError(e, 'ARGUS_ERR_CONFIG_FLUSH')) return typeof e.context.errno === 'string' ? e.context.errno : '';
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** C's strerror(errno) for a Node fs error, so log lines read as Redis's do. */
export function strerror(e: unknown): string {
  if (isArgusError(e, 'ARGUS_ERR_CONFIG_FLUSH') && typeof e.context.strerror === 'string') return e.context.strerror;
  const text = STRERROR[errnoCode(e)];
  if (text !== undefined) return text;
  return e instanceof Error ? e.message : String(e);
}

let cachedUmask: number | undefined;

/**
 * The process umask, read once as Redis reads it at start (server.umask). Linux reports it in
 * /proc/self/status without changing it; elsewhere the main thread may swap it for an instant
 * (process.umask() without an argument is deprecated and would print a warning on stderr).
 */
export function processUmask(): number {
  if (cachedUmask !== undefined) return cachedUmask;
  let mask = 0o022;
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) mask = Number.parseInt(m[1]!, 8);
    else if (isMainThread) mask = process.umask(process.umask(0o022));
  } catch {
    if (isMainThread) mask = process.umask(process.umask(0o022));
  }
  cachedUmask = mask;
  return mask;
}

const TEMP_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** glibc's mkostemp gives up after TMP_MAX names; a handful is plenty for one writer. */
const TEMP_ATTEMPTS = 100;

/** mkostemp: `<path>.XXXXXX`, created exclusively, mode 0600. Node opens close-on-exec. */
function createTemp(path: string): { fd: number; tmp: string } {
  for (let attempt = 0; ; attempt++) {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += TEMP_CHARS[randomInt(TEMP_CHARS.length)];
    const tmp = `${path}.${suffix}`;
    try {
      return { fd: openSync(tmp, 'wx', 0o600), tmp };
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST' || attempt + 1 >= TEMP_ATTEMPTS) throw e;
    }
  }
}

const flushError = (what: string, path: string, step: string, e: unknown, extra: Record<string, number> = {}) =>
  new ArgusError('ARGUS_ERR_CONFIG_FLUSH', `${what} (${strerror(e)})`, {
    path,
    step,
    errno: errnoCode(e) || 'EIO',
    strerror: strerror(e),
    ...extra,
  }, { cause: e });

/**
 * fsyncFileDir: make the rename itself durable. As in Redis, a system that cannot open or
 * fsync a directory (EISDIR on open, EINVAL/EBADF on fsync) is not an error.
 */
function fsyncDir(path: string): void {
  let fd: number;
  try {
    fd = openSync(dirname(path), 'r');
  } catch (e) {
    if (errnoCode(e) === 'EISDIR') return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Replace `path` with `content` (a latin1 byte string) atomically, as rewriteConfigOverwriteFile:
 * temp file in the same directory, write all, fsync, chmod 0644 & ~umask, rename over the
 * path (a symlink is replaced by a regular file, as in Redis), fsync the directory. On failure
 * the temp file is removed and an ArgusError ARGUS_ERR_CONFIG_FLUSH is thrown whose message is
 * Redis's log line for the failing step; `context.errno` holds the code.
 *
 * A process killed between create and rename leaves its temp file behind, exactly as Redis
 * does (it unlinks only on the error path); the config itself is never partial.
 */
export function writeFileAtomic(path: string, content: string, umask = processUmask()): void {
  const data = Buffer.from(content, 'latin1');
  let created: { fd: number; tmp: string };
  try {
    created = createTemp(path);
  } catch (e) {
    throw flushError('Could not create tmp config file', path, 'create', e);
  }
  const { fd, tmp } = created;
  let renamed = false;
  let failure: ArgusError | null = null;
  let offset = 0;
  try {
    try {
      // writeSync retries EINTR itself (libuv); a short write just loops, as Redis's does.
      while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    } catch (e) {
      throw flushError(`Failed after writing (${offset}) bytes to tmp config file`, path, 'write', e, { written: offset });
    }
    try {
      fsyncSync(fd);
    } catch (e) {
      throw flushError('Could not sync tmp config file to disk', path, 'fsync', e);
    }
    try {
      fchmodSync(fd, 0o644 & ~umask);
    } catch (e) {
      throw flushError('Could not chmod config file', path, 'chmod', e);
    }
    try {
      renameSync(tmp, path);
      renamed = true;
    } catch (e) {
      throw flushError('Could not rename tmp config file', path, 'rename', e);
    }
    try {
      fsyncDir(path);
    } catch (e) {
      // Like Redis: the new file is in place but its durability is unknown, so report failure.
      throw flushError('Could not sync config file dir', path, 'fsync-dir', e);
    }
  } catch (e) {
    failure = e as ArgusError;
  }
  try {
    closeSync(fd);
  } catch {
    // the data was fsynced (or we are already failing); a close error changes nothing
  }
  if (failure) {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing more can be done; Redis ignores unlink errors here too
      }
    }
    throw failure;
  }
}

/** Reads the config as rewriteConfigReadOldFile does: a missing file is an empty one. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return '';
    throw new ArgusError('ARGUS_ERR_CONFIG_FLUSH', `Could not read config file (${strerror(e)})`, {
      path,
      step: 'read',
      errno: errnoCode(e) || 'EIO',
      strerror: strerror(e),
    }, { cause: e });
  }
}

export type FlushLogLevel = 'notice' | 'warning';

export interface ConfigSaverOptions {
  /** absolute path of sentinel.conf */
  readonly path: string;
  /** the new file text from the current one: `(old) => rewriteConfig(old, server, state, opts)` */
  readonly render: (oldText: string) => string;
  readonly log: (level: FlushLogLevel, message: string) => void;
  /** injectable for tests; default readConfigText / writeFileAtomic */
  readonly read?: (path: string) => string;
  readonly write?: (path: string, content: string) => void | Promise<void>;
  /**
   * when a batch runs; default setImmediate: after every I/O callback of this turn of the event
   * loop, so the changes that several shard batches and commands bring in one turn share a write
   */
  readonly schedule?: (run: () => void) => void;
  /** the least time from the end of one write to the start of the next; default SAVE_GAP_MS */
  readonly gapMs?: number;
  /** the retry after a failed write (first delay, doubled per failure up to max); null: none */
  readonly retry?: { readonly firstMs: number; readonly maxMs: number } | null;
}

interface Batch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A fire-and-forget save (a +slave discovery) must not become an unhandled rejection: the
  // failure is already logged. Callers that await still see it.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * sentinelFlushConfig with coalescing: every save() requested before a batch starts shares one
 * rewrite; a save() requested while a write is under way gets exactly one more write after it.
 * Each promise settles once a file containing the caller's change is on disk (or the write that
 * would have contained it failed: it rejects with ARGUS_ERR_CONFIG_FLUSH). The render reads the
 * live state when the batch starts, so a change made before save() is always in that batch.
 */
/**
 * Under a stream of changes (a mass failover: votes, epochs, switched masters from many shard
 * batches) writes would otherwise follow each other with no pause, each a full render, write
 * and two fsyncs on the main thread, and the PINGs and vote requests of peers would wait behind
 * them until the peers call this sentinel down. The pause caps that share of the thread; a
 * reply waiting for its change to be on disk waits at most this much longer.
 */
export const SAVE_GAP_MS = 20;

/**
 * A failed write is retried by itself: the state it carried (a vote, a new epoch, a switched
 * master) lives only in memory until some later change asks for a save, and on a quiet system
 * that may be never. Redis does not retry; a disk that comes back (remounted rw, space freed)
 * then has the state within SAVE_RETRY_MAX_MS, and a disk that stays broken costs one attempt
 * every SAVE_RETRY_MAX_MS.
 */
export const SAVE_RETRY = { firstMs: 500, maxMs: 5_000 } as const;

export class ConfigSaver {
  readonly #opts: ConfigSaverOptions;
  /** the batch waiting for its write to start */
  #pending: Batch | null = null;
  #running = false;
  /** successful flushes */
  saves = 0;
  /** failed flushes */
  failures = 0;
  /** save() calls, to compare with `saves` (coalescing ratio) */
  requests = 0;
  /** milliseconds the last flush took, read + render + write */
  lastDurationMs = 0;
  /** the last flush's error text, null once a flush succeeds (GET /health, INFO argus) */
  lastError: string | null = null;
  /** failed flushes since the last success: the retry's backoff */
  #failStreak = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  /** the pending batch was asked for by the retry alone (nobody waits on it) */
  #pendingIsRetry = false;

  constructor(opts: ConfigSaverOptions) {
    this.#opts = opts;
  }

  save(): Promise<void> {
    this.requests++;
    this.#pendingIsRetry = false;
    return this.#enqueue();
  }

  #enqueue(): Promise<void> {
    if (this.#pending) return this.#pending.promise;
    const batch = newBatch();
    this.#pending = batch;
    if (!this.#running) (this.#opts.schedule ?? setImmediate)(() => void this.#drain());
    return batch.promise;
  }

  #scheduleRetry(): void {
    const retry = this.#opts.retry === undefined ? SAVE_RETRY : this.#opts.retry;
    if (retry === null || this.#retryTimer !== null || this.#failStreak === 0) return;
    const delay = Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(this.#failStreak - 1, 30));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#failStreak === 0 || this.#pending) return;
      this.#pendingIsRetry = true;
      void this.#enqueue();
    }, delay);
    // a pending retry must not keep a process alive that is otherwise done
    this.#retryTimer.unref();
  }

  /** Stops the retry of a failed save (shutdown). */
  stopRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** True while a flush is queued or being written. */
  get busy(): boolean {
    return this.#running || this.#pending !== null;
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#pending) {
        const batch = this.#pending;
        const retryOnly = this.#pendingIsRetry;
        this.#pending = null;
        this.#pendingIsRetry = false;
        try {
          await this.#flushOnce(retryOnly);
          batch.resolve();
        } catch (e) {
          batch.reject(e);
        }
        // saves asked for during this write wait for the gap, joined by any that come meanwhile
        if (this.#pending) await new Promise((resolve) => setTimeout(resolve, this.#opts.gapMs ?? SAVE_GAP_MS));
      }
    } finally {
      this.#running = false;
    }
    this.#scheduleRetry();
  }

  /** `retryOnly`: the same failure again is not logged again (the first one was). */
  async #flushOnce(retryOnly = false): Promise<void> {
    const { path, render, log } = this.#opts;
    const read = this.#opts.read ?? readConfigText;
    const write = this.#opts.write ?? writeFileAtomic;
    const started = performance.now();
    try {
      await write(path, render(read(path)));
    } catch (e) {
      this.failures++;
      this.#failStreak++;
      const repeated = retryOnly && this.lastError === strerror(e);
      this.lastError = strerror(e);
      if (!repeated) log('warning', `WARNING: Sentinel was not able to save the new configuration on disk!!!: ${strerror(e)}`);
      throw e;
    } finally {
      this.lastDurationMs = performance.now() - started;
    }
    this.saves++;
    this.lastError = null;
    if (this.#failStreak > 0) log('notice', `Sentinel configuration saved again after ${this.#failStreak} failed attempts`);
    this.#failStreak = 0;
    this.stopRetry();
    log('notice', 'Sentinel new configuration saved on disk');
  }
}
