/**
 * Mounts for the disk fault tests (root only: chmod does not stop root's writes, a read-only or
 * full file system does). Every mount is undone in the test's teardown, registered before the
 * processes that use it so that it runs after they are stopped (ava runs teardowns last-first);
 * a mount still busy is detached lazily rather than left behind.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { tempDir } from './tmp.js';

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Unmounts `path`; lazily if it is still busy. */
export function unmount(path: string): void {
  try {
    run('umount', [path]);
  } catch {
    try {
      run('umount', ['-l', path]);
    } catch {
      // not mounted (already undone)
    }
  }
}

/** A fresh directory with a tmpfs of `size` (mount's syntax: 16k, 1m) on it. */
export function tmpfsDir(t: ExecutionContext, size: string): string {
  const tmp = tempDir('argus-disk-');
  run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', tmp.dir]);
  t.teardown(() => {
    unmount(tmp.dir);
    rmSync(tmp.dir, { recursive: true, force: true });
  });
  return tmp.dir;
}

/** Remounts the tmpfs at `dir` read-only or read-write, keeping its content. */
export function remount(dir: string, mode: 'ro' | 'rw'): void {
  run('mount', ['-o', `remount,${mode}`, dir]);
}

/** `mount --bind path path`: the path becomes a mount point (rename over it fails with EBUSY). */
export function bindOntoItself(t: ExecutionContext, path: string): () => void {
  run('mount', ['--bind', path, path]);
  let mounted = true;
  const undo = () => {
    if (mounted) unmount(path);
    mounted = false;
  };
  t.teardown(undo);
  return undo;
}
