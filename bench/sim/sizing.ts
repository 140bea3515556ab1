/**
 * From measured steps to a deployment: straight-line fits of cost against masters, and the
 * number of Argus processes and boxes a fleet needs. PURE.
 *
 * Sentinel scales out by groups: each master is watched by `sentinelsPerMaster` sentinels (3
 * for quorum 2), each on another box; a group of that many Argus processes owns a share of the
 * masters. So a fleet of N masters needs ceil(N / masters-per-process) groups, and a process
 * holds as many masters as its descriptors, its box's CPU and what was measured allow.
 */

/** y = a + b·x */
export interface Fit {
  readonly a: number;
  readonly b: number;
  readonly points: number;
}

/** Least squares; null with fewer than two distinct x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): Fit | null {
  const n = xs.length;
  if (n < 2 || new Set(xs).size < 2) return null;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b, points: n };
}

export const at = (f: Fit, x: number): number => f.a + f.b * x;

export interface SizingInput {
  readonly fleet: number;
  readonly sentinelsPerMaster: number;
  /** replicas per master (each costs a sentinel two more connections) */
  readonly replicas: number;
  readonly cores: number;
  /** share of the box's CPU the sentinels may use in steady state, % (the rest is headroom for restarts and failover storms) */
  readonly cpuBudgetPct: number;
  /** LimitNOFILE of each Argus process */
  readonly nofile: number;
  /** the most masters one process was measured with: the fits are not trusted past it */
  readonly maxPerProcess: number;
  /** steady CPU, % of one core, against masters watched (one process) */
  readonly cpu: Fit;
  /** RSS MiB against masters */
  readonly rss: Fit;
  /** open descriptors against masters */
  readonly fds: Fit;
}

export interface Sizing {
  /** what fits under LimitNOFILE */
  readonly mastersPerProcessByFds: number;
  /** what the CPU budget of one box allows, over all its processes */
  readonly mastersPerBoxByCpu: number;
  readonly mastersPerProcess: number;
  /** sentinel groups, each `sentinelsPerMaster` processes owning the same share of masters */
  readonly groups: number;
  readonly processes: number;
  readonly processesPerBox: number;
  /** at least `sentinelsPerMaster`: a group's processes live on different boxes */
  readonly boxes: number;
  readonly cpuPctPerProcess: number;
  readonly rssPerProcessMiB: number;
}

/**
 * Processes per box: every count from 1 up while the box has CPU left is tried; the fewest
 * processes whose box count is within 10 % of the best wins (a second process on a box that
 * gains 0.3 % of its masters doubles the processes for nothing).
 */
export function sizeFleet(i: SizingInput): Sizing {
  const fdPerMaster = Math.max(i.fds.b, 2 * (1 + i.replicas));
  const byFds = Math.max(1, Math.floor((i.nofile - Math.max(0, i.fds.a)) / fdPerMaster));
  const cap = Math.min(byFds, i.maxPerProcess);
  // P processes on a box cost P·a + b·(their masters) ≤ budget, with at most `cap` masters each.
  const budget = (i.cpuBudgetPct / 100) * i.cores * 100;
  const cpuRoom = (p: number): number => Math.max(0, (budget - p * i.cpu.a) / i.cpu.b);
  const plan = (p: number) => {
    const perBox = Math.floor(cpuRoom(p));
    const mastersPerProcess = Math.max(1, Math.min(cap, Math.floor(perBox / p)));
    const groups = Math.ceil(i.fleet / mastersPerProcess);
    const processes = groups * i.sentinelsPerMaster;
    return { p, perBox, mastersPerProcess, groups, processes, boxes: Math.max(i.sentinelsPerMaster, Math.ceil(processes / p)) };
  };
  const plans = [plan(1)];
  for (let p = 2; p <= 256 && cpuRoom(p) >= p; p++) plans.push(plan(p));
  const fewestBoxes = Math.min(...plans.map((x) => x.boxes));
  const best = plans.find((x) => x.boxes <= fewestBoxes * 1.1)!;
  return {
    mastersPerProcessByFds: byFds,
    mastersPerBoxByCpu: best.perBox,
    mastersPerProcess: best.mastersPerProcess,
    groups: best.groups,
    processes: best.processes,
    processesPerBox: best.p,
    boxes: best.boxes,
    cpuPctPerProcess: at(i.cpu, best.mastersPerProcess),
    rssPerProcessMiB: at(i.rss, best.mastersPerProcess),
  };
}
