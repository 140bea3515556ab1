/**
 * CPU time and memory of a process and its descendants, read from /proc (Linux only).
 *
 * CPU comes from /proc/<pid>/task/<tid>/schedstat (first field: ns on CPU, per thread), summed
 * over every thread, so worker threads count; it has nanosecond resolution where the utime+stime
 * ticks of /proc/<pid>/stat have 10 ms (an idle redis-sentinel uses ~2 ms a second). A thread
 * that exits inside a window takes its time with it — monitors keep their threads.
 */
import { readdirSync, readFileSync } from 'node:fs';

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
};

/** Fields of /proc/<pid>/stat after the `(comm)` (index 0 = state, field 3 of the man page). */
function statFields(pid: number): string[] | null {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return null;
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** pid and every descendant alive now (scans /proc once; the kernel here has no `children`). */
export function processTree(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    const list = byParent.get(ppid) ?? [];
    list.push(Number(name));
    byParent.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

/** CPU seconds used so far by `pids` (all threads), from schedstat; NaN if none is readable. */
export function cpuSeconds(pids: readonly number[]): number {
  let ns = 0;
  let any = false;
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const s = read(`/proc/${pid}/task/${tid}/schedstat`);
      if (!s) continue;
      ns += Number(s.split(' ')[0]);
      any = true;
    }
  }
  return any ? ns / 1e9 : Number.NaN;
}

/** VmRSS of `pids` in KiB (summed). */
export function rssKiB(pids: readonly number[]): number {
  let kib = 0;
  for (const pid of pids) {
    const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
    if (m) kib += Number(m[1]);
  }
  return kib;
}

/** A CPU meter over a window: `start()`, later `stop()` gives CPU seconds, wall seconds, % of one core. */
export class CpuWindow {
  #pids: number[];
  #cpu0 = 0;
  #wall0 = 0;
  constructor(pid: number) {
    this.#pids = processTree(pid);
  }
  start(): this {
    this.#cpu0 = cpuSeconds(this.#pids);
    this.#wall0 = performance.now();
    return this;
  }
  stop(): { cpuS: number; wallS: number; pct: number } {
    const cpuS = cpuSeconds(this.#pids) - this.#cpu0;
    const wallS = (performance.now() - this.#wall0) / 1000;
    return { cpuS, wallS, pct: (100 * cpuS) / wallS };
  }
  get pids(): readonly number[] {
    return this.#pids;
  }
}

/** Soft and hard RLIMIT_NOFILE of this process, from /proc/self/limits. */
export function nofileLimits(): { soft: number; hard: number } {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(read('/proc/self/limits') ?? '');
  const n = (s: string | undefined) => (s === undefined || s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}
