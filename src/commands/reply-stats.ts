import type { ProcessInfo } from './types.js';

/**
 * INFO stats counters that only the dispatcher can see (error replies). Keyed by the process
 * record so each composed process (and each test) counts on its own.
 */
export interface ReplyStats {
  totalErrorReplies: number;
}

const stats = new WeakMap<ProcessInfo, ReplyStats>();

export function replyStatsOf(process: ProcessInfo): ReplyStats {
  let s = stats.get(process);
  if (s === undefined) {
    s = { totalErrorReplies: 0 };
    stats.set(process, s);
  }
  return s;
}
