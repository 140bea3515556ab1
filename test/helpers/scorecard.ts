/**
 * Rows of the reliability scorecard (docs/reliability.md). A fault test records what it did,
 * what had to hold, and what Argus and redis-sentinel each did, with the figures it measured;
 * scripts/scorecard.ts turns the rows into the page, so the page never says more than the
 * suite showed. One file per row id: a rerun replaces its row.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/**
 * better: the figures favour Argus. same: both kept the guarantee, no figure separates them.
 * argus-only: redis-sentinel has nothing to compare (an Argus feature, or a fault it cannot be
 * put through). worse: Argus lost on the figures; the page lists these first.
 */
export type Verdict = 'better' | 'same' | 'argus-only' | 'worse';

export interface ScoreRow {
  /** stable, unique: `<area>/<fault>`, e.g. `crash/select-slave` */
  id: string;
  /** the scorecard's section: Crashes, Process faults, Partitions, Clock, Disk, Input, Load, Soak */
  group: string;
  /** the fault, in an operator's words */
  fault: string;
  /** what must hold afterwards: what the test asserts */
  holds: string;
  /** what Argus did, with figures */
  argus: string;
  /** what redis-sentinel did in the same run, with figures; or why it was not run */
  sentinel: string;
  verdict: Verdict;
  /** the figures themselves, for readers who want numbers rather than sentences */
  figures?: Record<string, number | string | null>;
}

export const SCORECARD_DIR = process.env.ARGUS_SCORECARD_DIR ?? join(ROOT, '.scorecard');

/** The checked-out commit, short, or 'unknown' outside a git work tree. */
export function headCommit(): string {
  return spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || 'unknown';
}

/**
 * Records a row, with when and at which commit; call it after the test's assertions passed, so
 * only a passing test writes one.
 */
export function recordScore(row: ScoreRow): void {
  mkdirSync(SCORECARD_DIR, { recursive: true });
  const file = join(SCORECARD_DIR, `${row.id.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...row, recordedAt: new Date().toISOString(), commit: headCommit() }, null, 1)}\n`);
}

/** ms, rounded for reading: 1234.5 → "1235 ms", null → "never" */
export const ms = (v: number | null): string => (v === null ? 'never' : `${Math.round(v)} ms`);

/**
 * Lower is better: which side won, with `tolerance` as the relative margin that still counts as
 * the same, and `floorMs` an absolute one: two figures closer than one tick of what both poll
 * are one run's phase, not a difference between the implementations.
 */
export function compareLower(argus: number | null, sentinel: number | null, tolerance = 0.1, floorMs = 0): Verdict {
  if (argus === null) return sentinel === null ? 'same' : 'worse';
  if (sentinel === null) return 'better';
  if (Math.abs(argus - sentinel) < floorMs) return 'same';
  if (argus < sentinel * (1 - tolerance)) return 'better';
  return argus <= sentinel * (1 + tolerance) ? 'same' : 'worse';
}
