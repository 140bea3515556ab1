import test from 'ava';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigSaver, processUmask, strerror, writeFileAtomic } from '../../../src/config/flush.js';
import { isArgusError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;

test('writeFileAtomic: writes the bytes as latin1 and leaves no temp file', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileSync(path, 'old\n');
  const content = 'port 26379\nsentinel auth-pass m "\\xff\\x80"\n\xff\x80\n';
  writeFileAtomic(path, content);
  t.deepEqual(readFileSync(path), Buffer.from(content, 'latin1'));
  t.deepEqual(readdirSync(tmp.dir), ['sentinel.conf']);
});

test('writeFileAtomic: creates a missing file with mode 0644 & ~umask', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileAtomic(path, 'x\n');
  t.is(statSync(path).mode & 0o777, 0o644 & ~processUmask());
});

test('writeFileAtomic: resets the mode of an existing file, as Redis does', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileSync(path, 'x\n');
  chmodSync(path, 0o600);
  writeFileAtomic(path, 'y\n', 0o022);
  t.is(statSync(path).mode & 0o777, 0o644);
  writeFileAtomic(path, 'z\n', 0o077);
  t.is(statSync(path).mode & 0o777, 0o600);
});

test('writeFileAtomic: a symlinked config is replaced by a regular file (rename semantics)', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const target = join(tmp.dir, 'real.conf');
  const link = join(tmp.dir, 'sentinel.conf');
  writeFileSync(target, 'target\n');
  symlinkSync(target, link);
  writeFileAtomic(link, 'new\n');
  t.true(lstatSync(link).isFile());
  t.is(readFileSync(link, 'latin1'), 'new\n');
  t.is(readFileSync(target, 'latin1'), 'target\n', 'the link target is untouched');
});

test('writeFileAtomic: a missing directory fails with ARGUS_ERR_CONFIG_FLUSH and ENOENT', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const err = t.throws(() => writeFileAtomic(join(tmp.dir, 'nope', 'sentinel.conf'), 'x\n'));
  t.true(isArgusError(err, 'ARGUS_ERR_CONFIG_FLUSH'));
  t.is(err!.message, 'Could not create tmp config file (No such file or directory)');
  t.like((err as unknown as { context: object }).context, { errno: 'ENOENT', step: 'create', strerror: 'No such file or directory' });
});

test('writeFileAtomic: the config path being a directory fails at rename and removes the temp file', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  mkdirSync(path);
  writeFileSync(join(path, 'keep'), 'x');
  const err = t.throws(() => writeFileAtomic(path, 'x\n'));
  t.true(isArgusError(err, 'ARGUS_ERR_CONFIG_FLUSH'));
  t.regex(err!.message, /^Could not rename tmp config file \(/);
  t.like((err as unknown as { context: object }).context, { step: 'rename' });
  t.deepEqual(readdirSync(tmp.dir), ['sentinel.conf'], 'no temp file left');
});

/**
 * Runs writeFileAtomic(path) in a child process and returns what it threw. Root ignores
 * directory permissions, so when the tests run as root the child drops to `nobody`.
 */
function writeInChild(path: string): { code?: string; message?: string; context?: Record<string, unknown> } {
  const flushJs = new URL('../../../src/config/flush.js', import.meta.url).href;
  const script = `
    const { writeFileAtomic } = await import(${JSON.stringify(flushJs)});
    try { writeFileAtomic(${JSON.stringify(path)}, 'new\\n'); console.log('{}'); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, context: e.context })); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return JSON.parse(r.stdout || '{}') as { code?: string; message?: string; context?: Record<string, unknown> };
}

test('writeFileAtomic: an unwritable directory fails with ARGUS_ERR_CONFIG_FLUSH, EACCES, file intact', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  chmodSync(tmp.dir, 0o755);
  const dir = join(tmp.dir, 'ro');
  mkdirSync(dir, { mode: 0o755 });
  const path = join(dir, 'sentinel.conf');
  writeFileSync(path, 'old\n');
  chmodSync(path, 0o666);
  chmodSync(dir, 0o555);
  t.teardown(() => chmodSync(dir, 0o755));
  const err = writeInChild(path);
  t.is(err.code, 'ARGUS_ERR_CONFIG_FLUSH');
  t.is(err.message, 'Could not create tmp config file (Permission denied)');
  t.like(err.context ?? {}, { errno: 'EACCES', step: 'create', path });
  t.is(readFileSync(path, 'latin1'), 'old\n');
  t.deepEqual(readdirSync(dir), ['sentinel.conf']);
});

test('strerror: glibc texts for fs codes, and the strerror an ArgusError carries', (t) => {
  t.is(strerror({ code: 'EBUSY' }), 'Device or resource busy');
  t.is(strerror({ code: 'EXDEV' }), 'Invalid cross-device link');
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const err = t.throws(() => writeFileAtomic(join(tmp.dir, 'a', 'b'), ''));
  t.is(strerror(err), 'No such file or directory');
});

/** A saver over an in-memory file, with batches started by hand. */
function memorySaver(opts: { failWith?: NodeJS.ErrnoException; asyncWrite?: boolean; gapMs?: number } = {}) {
  let file = 'sentinel myid x\n';
  let version = 0;
  const writes: string[] = [];
  const logs: string[] = [];
  const queue: (() => void)[] = [];
  let release: (() => void) | null = null;
  const saver = new ConfigSaver({
    path: '/nowhere/sentinel.conf',
    render: () => `version ${version}\n`,
    log: (level, msg) => logs.push(`${level}: ${msg}`),
    read: () => file,
    write: (_path, content) => {
      if (opts.failWith) throw opts.failWith;
      writes.push(content);
      if (!opts.asyncWrite) {
        file = content;
        return;
      }
      return new Promise<void>((res) => {
        release = () => {
          file = content;
          release = null;
          res();
        };
      });
    },
    schedule: (run) => queue.push(run),
    gapMs: opts.gapMs ?? 0,
  });
  return {
    saver,
    writes,
    logs,
    bump: () => ++version,
    runScheduled: () => queue.splice(0).forEach((f) => f()),
    releaseWrite: () => release?.(),
    scheduledCount: () => queue.length,
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

test('ConfigSaver: saves requested in the same tick share one write', async (t) => {
  const m = memorySaver();
  m.bump();
  const a = m.saver.save();
  m.bump();
  const b = m.saver.save();
  const c = m.saver.save();
  t.is(m.scheduledCount(), 1);
  m.runScheduled();
  await Promise.all([a, b, c]);
  t.deepEqual(m.writes, ['version 2\n']);
  t.is(m.saver.saves, 1);
  t.is(m.saver.requests, 3);
  t.deepEqual(m.logs, ['notice: Sentinel new configuration saved on disk']);
});

test('ConfigSaver: saves during a write get exactly one more write, after it', async (t) => {
  const m = memorySaver({ asyncWrite: true });
  m.bump();
  const first = m.saver.save();
  m.runScheduled();
  await tick();
  t.deepEqual(m.writes, ['version 1\n'], 'first write started');
  let secondDone = false;
  m.bump();
  const second = m.saver.save().then(() => (secondDone = true));
  m.saver.save();
  m.saver.save();
  t.is(m.scheduledCount(), 0, 'no new batch is scheduled while one runs');
  m.releaseWrite();
  await first;
  t.false(secondDone, 'the second batch is not satisfied by the first write');
  await waitFor(() => m.writes.length === 2, { timeout: 1_000, what: 'the second write' });
  t.deepEqual(m.writes, ['version 1\n', 'version 2\n']);
  m.releaseWrite();
  await second;
  t.is(m.saver.saves, 2);
  t.false(m.saver.busy);
});

test('ConfigSaver: the next write waits gapMs after the end of the previous one', async (t) => {
  const m = memorySaver({ asyncWrite: true, gapMs: 60 });
  m.bump();
  const first = m.saver.save();
  m.runScheduled();
  await tick();
  m.bump();
  const second = m.saver.save();
  m.releaseWrite();
  await first;
  const ended = performance.now();
  await waitFor(() => m.writes.length === 2, { timeout: 2_000, what: 'the second write' });
  t.true(performance.now() - ended >= 55, 'not before the gap');
  m.releaseWrite();
  await second;
  t.deepEqual(m.writes, ['version 1\n', 'version 2\n']);
});

test('ConfigSaver: a failed write logs the Redis warning and rejects the waiting callers', async (t) => {
  const m = memorySaver({ failWith: Object.assign(new Error('EACCES'), { code: 'EACCES' }) });
  const a = m.saver.save();
  const b = m.saver.save();
  m.runScheduled();
  await t.throwsAsync(a);
  await t.throwsAsync(b);
  t.deepEqual(m.logs, ['warning: WARNING: Sentinel was not able to save the new configuration on disk!!!: Permission denied']);
  t.is(m.saver.failures, 1);
  t.is(m.saver.saves, 0);
});

test('ConfigSaver: a fire-and-forget save that fails is not an unhandled rejection', async (t) => {
  const m = memorySaver({ failWith: Object.assign(new Error('EROFS'), { code: 'EROFS' }) });
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => process.off('unhandledRejection', onUnhandled));
  void m.saver.save();
  m.runScheduled();
  await tick();
  await tick();
  t.deepEqual(unhandled, []);
  t.is(m.saver.failures, 1);
});

test('ConfigSaver: default wiring rewrites the real file once per tick', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileSync(path, 'port 1\n');
  const seen: string[] = [];
  let n = 0;
  const saver = new ConfigSaver({
    path,
    render: (old) => {
      seen.push(old);
      return `${old}line ${++n}\n`;
    },
    log: () => {},
  });
  await Promise.all([saver.save(), saver.save()]);
  await saver.save();
  t.deepEqual(seen, ['port 1\n', 'port 1\nline 1\n']);
  t.is(readFileSync(path, 'latin1'), 'port 1\nline 1\nline 2\n');
  t.is(saver.saves, 2);
});

/** A saver whose writes fail while `broken` holds, with fast retries. */
function flakyDiskSaver(retry: { firstMs: number; maxMs: number } | null) {
  const state = { broken: true, attempts: [] as number[], written: [] as string[], logs: [] as string[], version: 1 };
  const saver = new ConfigSaver({
    path: '/nowhere/sentinel.conf',
    render: () => `version ${state.version}\n`,
    log: (level, msg) => state.logs.push(`${level}: ${msg}`),
    read: () => '',
    write: (_path, content) => {
      state.attempts.push(performance.now());
      if (state.broken) throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
      state.written.push(content);
    },
    retry,
  });
  return { saver, state };
}

test('ConfigSaver: a failed write is retried with a growing delay until the disk is back, logged once', async (t) => {
  const { saver, state } = flakyDiskSaver({ firstMs: 20, maxMs: 80 });
  await t.throwsAsync(saver.save());
  t.is(saver.lastError, 'Read-only file system');
  await waitFor(() => state.attempts.length >= 5, { timeout: 5_000, what: 'four retries' });
  const gaps = state.attempts.slice(1, 5).map((at, i) => at - state.attempts[i]!);
  t.true(gaps[0]! >= 15, `first retry after ~20 ms (${gaps[0]})`);
  t.true(gaps[2]! >= 60, `the delay grows (${gaps.join(', ')})`);
  t.is(saver.requests, 1, 'retries are not requests');
  t.deepEqual(state.logs, ['warning: WARNING: Sentinel was not able to save the new configuration on disk!!!: Read-only file system'], 'the same failure is logged once');

  state.version = 2;
  state.broken = false;
  await waitFor(() => state.written.length === 1, { timeout: 5_000, what: 'the retry that succeeds' });
  t.deepEqual(state.written, ['version 2\n'], 'the retry writes the state of its own time');
  t.is(saver.lastError, null);
  t.regex(state.logs.at(-2)!, /^notice: Sentinel configuration saved again after \d+ failed attempts$/);
  t.is(state.logs.at(-1), 'notice: Sentinel new configuration saved on disk');
  const attempts = state.attempts.length;
  await new Promise((r) => setTimeout(r, 200));
  t.is(state.attempts.length, attempts, 'no retry after a success');
});

test('ConfigSaver: a command-driven save during the outage logs its failure; retry null turns retries off', async (t) => {
  const { saver, state } = flakyDiskSaver(null);
  await t.throwsAsync(saver.save());
  await t.throwsAsync(saver.save());
  t.is(state.logs.length, 2, 'each failure a caller waited for is logged');
  await new Promise((r) => setTimeout(r, 100));
  t.is(state.attempts.length, 2, 'no retry');
  state.broken = false;
  await saver.save();
  t.is(saver.lastError, null);
});
