/**
 * Steps of a process's clock, for the clock fault tests. One offset file per test, read by
 * libfaketime (Argus: Node under libfaketimeMT follows edits of the file) and by
 * test/helpers/clock-shift.c (redis-sentinel, which libfaketime deadlocks at start). Writing
 * "+60" sets both processes' clocks 60 s ahead of the real one, at once; redis-server and the
 * test itself stay on the real clock.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';
import { tempDir } from './tmp.js';

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const SHIM_SOURCE = join(ROOT, 'test', 'helpers', 'clock-shift.c');

/** Builds the shim once per source version (gcc), beside this helper in dist/; returns the .so path. */
function shimLibrary(): string {
  const dir = join(ROOT, 'dist', 'test', 'helpers');
  mkdirSync(dir, { recursive: true });
  const lib = join(dir, `clock-shift-${Math.floor(statSync(SHIM_SOURCE).mtimeMs)}.so`);
  if (!existsSync(lib)) {
    const building = `${lib}.${process.pid}`;
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', building, SHIM_SOURCE]);
    execFileSync('mv', ['-f', building, lib]);
  }
  return lib;
}

export class ClockShift {
  readonly #file: string;
  readonly #tmp: { dir: string; cleanup: () => void };

  constructor() {
    this.#tmp = tempDir('argus-clock-');
    this.#file = join(this.#tmp.dir, 'offset');
    this.set(0);
  }

  /** The clock offset of every process started with an env from here, in seconds. */
  set(seconds: number): void {
    writeFileSync(this.#file, `${seconds >= 0 ? '+' : ''}${seconds}\n`);
  }

  /** `monotonic`: the monotonic clock moves with the wall clock (a resumed VM), else only the wall clock (an NTP step). */
  argusEnv({ monotonic }: { monotonic: boolean }): NodeJS.ProcessEnv {
    return {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: this.#file,
      FAKETIME_NO_CACHE: '1',
      ...(monotonic ? {} : { FAKETIME_DONT_FAKE_MONOTONIC: '1' }),
    };
  }

  redisEnv({ monotonic }: { monotonic: boolean }): NodeJS.ProcessEnv {
    return { LD_PRELOAD: shimLibrary(), CLOCK_SHIFT_FILE: this.#file, CLOCK_SHIFT_MONOTONIC: monotonic ? '1' : '0' };
  }

  cleanup(): void {
    this.#tmp.cleanup();
  }
}
