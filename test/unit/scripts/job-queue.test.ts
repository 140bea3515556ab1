import test from 'ava';
import {
  FORK_RETRY_DELAY, JobQueue, SCRIPT_MAX_QUEUE, SCRIPT_MAX_RUNNING, scriptRetryDelay, type Job, type JobHooks,
} from '../../../src/scripts/job-queue.js';

const T0 = 1_000_000;
const TIMINGS = { scriptMaxRuntime: 60_000, scriptRetryDelay: 30_000 };

/** A queue of numbered jobs whose hooks record what they were asked, as `hook:payload[:args]`. */
function recorded(timings = TIMINGS) {
  const log: string[] = [];
  const hooks: JobHooks<number> = {
    start: (j) => log.push(`start:${j.payload}`),
    kill: (j) => log.push(`kill:${j.payload}`),
    forkFailed: (j) => log.push(`forkFailed:${j.payload}`),
    retrying: (j, delay, code, signal) => log.push(`retrying:${j.payload}:${delay}:${code}:${signal}`),
    failed: (j, code, signal) => log.push(`failed:${j.payload}:${code}:${signal}`),
    timedOut: (j) => log.push(`timedOut:${j.payload}`),
    dropped: (j) => log.push(`dropped:${j.payload}`),
  };
  const q = new JobQueue<number>(hooks, () => timings);
  return { q, log, take: () => log.splice(0) };
}

const byPayload = (q: JobQueue<number>, p: number): Job<number> => q.jobs().find((j) => j.payload === p)!;

test('job queue: 300 jobs in one turn keep 256, drop the oldest, then run the 16 oldest left', (t) => {
  const { q, take } = recorded();
  for (let i = 1; i <= 300; i++) q.schedule(i);
  const dropped = take();
  t.is(dropped.length, 300 - SCRIPT_MAX_QUEUE);
  t.deepEqual(dropped, Array.from({ length: 44 }, (_, i) => `dropped:${i + 1}`));
  q.runPending(T0);
  t.is(q.runningCount(), SCRIPT_MAX_RUNNING);
  t.is(q.jobs().length, SCRIPT_MAX_QUEUE);
  t.deepEqual(take(), Array.from({ length: 16 }, (_, i) => `start:${45 + i}`));
  t.deepEqual(q.jobs().filter((j) => j.running).map((j) => j.payload), Array.from({ length: 16 }, (_, i) => 45 + i));
});

test('job queue: a full queue drops the oldest job that is not running, never a running one', (t) => {
  const { q, take } = recorded();
  for (let i = 1; i <= SCRIPT_MAX_QUEUE; i++) q.schedule(i);
  q.runPending(T0); // 1..16 run
  take();
  q.schedule(1000);
  t.deepEqual(take(), ['dropped:17']);
  t.is(q.jobs().length, SCRIPT_MAX_QUEUE);
  t.true(byPayload(q, 1).running);
  t.is(q.jobs().at(-1)!.payload, 1000);
});

test('job queue: no more than 16 run; the next starts when one ends', (t) => {
  const { q, take } = recorded();
  for (let i = 1; i <= 20; i++) q.schedule(i);
  q.runPending(T0);
  take();
  q.runPending(T0 + 5);
  t.deepEqual(take(), []);
  q.exited(byPayload(q, 3).id, 0, 0, T0 + 10);
  q.runPending(T0 + 10);
  t.deepEqual(take(), ['start:17']);
  t.is(q.runningCount(), 16);
});

test('job queue: exit 0 removes the job silently', (t) => {
  const { q, take } = recorded();
  q.schedule(1);
  q.runPending(T0);
  q.started(byPayload(q, 1).id, 4242);
  q.exited(byPayload(q, 1).id, 0, 0, T0 + 3);
  t.deepEqual(take(), ['start:1']);
  t.is(q.jobs().length, 0);
  t.is(q.runningCount(), 0);
});

test('job queue: exit 1 is retried after script-retry-delay, to the millisecond, then after twice that', (t) => {
  const { q, take } = recorded();
  const job = q.schedule(1);
  q.runPending(T0);
  q.exited(job.id, 1, 0, T0 + 7);
  t.deepEqual(take(), ['start:1', 'retrying:1:30000:1:0']);
  t.like(job, { running: false, pid: 0, startTime: T0 + 7 + 30_000, retryNum: 1 });
  t.is(q.nextWakeup(T0 + 7), T0 + 7 + 30_000);
  q.runPending(T0 + 7 + 29_999);
  t.deepEqual(take(), []);
  q.runPending(T0 + 7 + 30_000);
  t.deepEqual(take(), ['start:1']);
  t.is(job.retryNum, 2);
  q.exited(job.id, 1, 0, T0 + 40_000);
  t.deepEqual(take(), ['retrying:1:60000:1:0']);
  t.is(job.startTime, T0 + 100_000);
});

test('job queue: the retry delays double from 30 s to 128 min, as sentinelScriptRetryDelay', (t) => {
  t.deepEqual(
    Array.from({ length: 9 }, (_, i) => scriptRetryDelay(30_000, i + 1) / 60_000),
    [0.5, 1, 2, 4, 8, 16, 32, 64, 128],
  );
});

test('job queue: exit 2 or more is not retried and reports the failure', (t) => {
  for (const code of [2, 3, 127]) {
    const { q, take } = recorded();
    const job = q.schedule(1);
    q.runPending(T0);
    q.exited(job.id, code, 0, T0 + 1);
    t.deepEqual(take(), ['start:1', `failed:1:${code}:0`]);
    t.is(q.jobs().length, 0);
  }
});

test('job queue: a signal retries like exit 1, and the 10th failed attempt reports the error', (t) => {
  const { q, take } = recorded();
  const job = q.schedule(1);
  let now = T0;
  for (let attempt = 1; attempt <= 10; attempt++) {
    q.runPending(now);
    t.is(job.retryNum, attempt);
    if (attempt % 2) q.exited(job.id, 0, 15, now + 1);
    else q.exited(job.id, 1, 0, now + 1);
    q.exited(job.id, 0, 0, now + 1); // a second report for a job not running is ignored
    now = job.startTime;
  }
  const events = take();
  t.is(events.filter((e) => e.startsWith('start:')).length, 10);
  t.is(events.filter((e) => e.startsWith('retrying:')).length, 9);
  t.is(events.at(-1), 'failed:1:1:0');
  t.is(q.jobs().length, 0);
});

test('job queue: a job running longer than script-max-runtime is killed once, then retried as a signal death', (t) => {
  const { q, take } = recorded();
  const job = q.schedule(1);
  q.runPending(T0);
  q.started(job.id, 77);
  t.is(q.nextWakeup(T0), T0 + 60_001);
  q.killTimedOut(T0 + 60_000);
  t.deepEqual(take(), ['start:1']);
  q.killTimedOut(T0 + 60_001);
  q.killTimedOut(T0 + 60_050);
  t.deepEqual(take(), ['timedOut:1', 'kill:1']);
  q.exited(job.id, 0, 9, T0 + 60_002);
  t.deepEqual(take(), ['retrying:1:30000:0:9']);
  q.runPending(T0 + 90_002);
  t.deepEqual(take(), ['start:1']);
  t.false(job.killSent);
});

test('job queue: SENTINEL DEBUG timings apply to jobs already queued', (t) => {
  const timings = { ...TIMINGS };
  const { q, take } = recorded(timings);
  const job = q.schedule(1);
  q.runPending(T0);
  timings.scriptMaxRuntime = 500;
  q.killTimedOut(T0 + 501);
  t.deepEqual(take(), ['start:1', 'timedOut:1', 'kill:1']);
  timings.scriptRetryDelay = 100;
  q.exited(job.id, 0, 9, T0 + 502);
  t.deepEqual(take(), ['retrying:1:100:0:9']);
});

test('job queue: a fork failure reports signal 99, keeps the job and tries again one tick later', (t) => {
  const { q, take } = recorded();
  const job = q.schedule(1);
  q.runPending(T0);
  q.startFailed(job.id, 'fork', T0);
  t.deepEqual(take(), ['start:1', 'forkFailed:1']);
  t.like(job, { running: false, retryNum: 1, startTime: T0 + FORK_RETRY_DELAY });
  t.is(q.runningCount(), 0);
  q.runPending(T0 + FORK_RETRY_DELAY - 1);
  t.deepEqual(take(), []);
  q.runPending(T0 + FORK_RETRY_DELAY);
  t.deepEqual(take(), ['start:1']);
});

test('job queue: an exec failure is exit code 2: reported and not retried', (t) => {
  const { q, take } = recorded();
  const job = q.schedule(1);
  q.runPending(T0);
  q.startFailed(job.id, 'exec', T0);
  t.deepEqual(take(), ['start:1', 'failed:1:2:0']);
  t.is(q.jobs().length, 0);
  t.is(q.runningCount(), 0);
});

test('job queue: jobs with the same key run one at a time, in order; other keys are not held', (t) => {
  const log: string[] = [];
  const q = new JobQueue<string>({ start: (j) => log.push(j.payload), kill: () => {} }, () => TIMINGS);
  const a1 = q.schedule('a1', 'a');
  q.schedule('a2', 'a');
  q.schedule('b1', 'b');
  q.runPending(T0);
  t.deepEqual(log.splice(0), ['a1', 'b1']);
  q.exited(a1.id, 1, 0, T0 + 1); // a1 waits 30 s for its retry; a2 waits behind it
  q.runPending(T0 + 2);
  t.deepEqual(log.splice(0), []);
  t.is(q.nextWakeup(T0 + 2), T0 + 1 + 30_000);
  q.runPending(T0 + 1 + 30_000);
  t.deepEqual(log.splice(0), ['a1']);
  q.exited(a1.id, 0, 0, T0 + 30_010);
  q.runPending(T0 + 30_010);
  t.deepEqual(log.splice(0), ['a2']);
});

test('job queue: nextWakeup is now for a due job, null for an empty queue', (t) => {
  const { q } = recorded();
  t.is(q.nextWakeup(T0), null);
  q.schedule(1);
  t.is(q.nextWakeup(T0), T0);
});
