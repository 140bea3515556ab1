import type { ScriptControl, SentinelContext } from '../types.js';

/** One job of the script queue as PENDING-SCRIPTS and INFO see it (sentinel.c sentinelScriptJob). */
export interface ScriptJobView {
  readonly argv: readonly string[];
  readonly running: boolean;
  /** 0 when not running (and while the spawner has not reported the pid yet) */
  readonly pid: number;
  /** monotonic ms: start time when running, else the earliest retry time (0 = now) */
  readonly startTime: number;
  readonly retryNum: number;
}

/** The script queue as commands read it: jobs oldest first, and the running count. */
export type ScriptQueueView = Pick<ScriptControl, 'jobs' | 'runningCount'>;

/** The script queue of this process (src/scripts/script-runner.ts, wired in main.ts). */
export function scriptQueueOf(ctx: SentinelContext): ScriptQueueView {
  return ctx.scripts;
}
