import type { SentinelContext } from '../types.js';

/** One job of the script queue as PENDING-SCRIPTS and INFO see it (sentinel.c sentinelScriptJob). */
export interface ScriptJobView {
  readonly argv: readonly string[];
  readonly running: boolean;
  /** 0 when not running */
  readonly pid: number;
  /** monotonic ms: start time when running, else the earliest retry time (0 = now) */
  readonly startTime: number;
  readonly retryNum: number;
}

export interface ScriptQueueView {
  /** jobs in queue order, oldest first */
  jobs(): readonly ScriptJobView[];
  runningCount(): number;
}

const EMPTY_QUEUE: ScriptQueueView = { jobs: () => [], runningCount: () => 0 };

/**
 * The script queue of this process. The scripts issue adds the queue to SentinelContext; until
 * then nothing is ever queued, and PENDING-SCRIPTS and INFO read this empty view.
 */
export function scriptQueueOf(_ctx: SentinelContext): ScriptQueueView {
  return EMPTY_QUEUE;
}
