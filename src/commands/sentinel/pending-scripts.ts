import { array, bulk, map, type Reply } from '../../resp/reply.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { scriptQueueOf, type ScriptJobView } from './script-queue.js';

/** sentinel.c sentinelPendingScriptsCommand: one 5-field map per job, every number a bulk string. */
function jobMap(job: ScriptJobView, now: number): Reply {
  const timing: [string, Reply] = job.running
    ? ['run-time', bulk(String(now - job.startTime))]
    : ['run-delay', bulk(String(job.startTime ? Math.max(0, job.startTime - now) : 0))];
  return map([
    ['argv', array(job.argv.map((a) => bulk(a)))],
    ['flags', bulk(job.running ? 'running' : 'scheduled')],
    ['pid', bulk(String(job.pid))],
    timing,
    ['retry-num', bulk(String(job.retryNum))],
  ]);
}

export const pendingScriptsReply = (jobs: readonly ScriptJobView[], now: number): Reply =>
  array(jobs.map((j) => jobMap(j, now)));

/** SENTINEL PENDING-SCRIPTS: the script queue, oldest first. */
export const pendingScriptsSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'pending-scripts',
  arity: 2,
  summary: 'Lists the notification and reconfiguration scripts queued or running.',
  since: '2.8.4',
  complexity: 'O(N) for N queued scripts',
  run: ({ sentinel }) => pendingScriptsReply(scriptQueueOf(sentinel).jobs(), sentinel.clock.monotonic()),
};
