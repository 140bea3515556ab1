/**
 * Sentinel's script job queue (sentinel.c sentinelScheduleScriptExecution,
 * sentinelRunPendingScripts, sentinelCollectTerminatedScripts, sentinelKillTimedoutScripts), as
 * pure logic: time comes in as `now`, and starting, killing and reporting are hooks. The script
 * runner and the webhook runner each own one queue; the hooks decide what a job is (a process,
 * an HTTP POST) and what the outcomes are called (Sentinel's events, log lines).
 *
 * Outcomes speak a process's language: an exit code and a signal number. A webhook maps its
 * HTTP result onto them (2xx = exit 0, retryable = exit 1, permanent = exit 2, aborted = signal).
 */

/** SENTINEL_SCRIPT_MAX_QUEUE: jobs kept, running ones included */
export const SCRIPT_MAX_QUEUE = 256;
/** SENTINEL_SCRIPT_MAX_RUNNING */
export const SCRIPT_MAX_RUNNING = 16;
/** SENTINEL_SCRIPT_MAX_RETRY: attempts in total, the first one included */
export const SCRIPT_MAX_RETRY = 10;
/** SIGKILL, sent to a job that outlives script-max-runtime */
export const SIGKILL = 9;
/**
 * When fork itself fails Sentinel leaves the job due and tries again on its next tick. Argus has
 * no tick, so the job waits one tick's worth (100 ms, hz 10) instead of spinning.
 */
export const FORK_RETRY_DELAY = 100;

/** The two SENTINEL DEBUG timers the queue obeys; read on every use so DEBUG applies at once. */
export interface QueueTimings {
  readonly scriptMaxRuntime: number;
  readonly scriptRetryDelay: number;
}

export interface Job<P> {
  readonly id: number;
  readonly payload: P;
  /**
   * Jobs with the same key run one at a time, in queue order (webhooks: one POST in flight per
   * URL, so a receiver sees events in order). null = no ordering (scripts, as in Sentinel).
   */
  readonly key: string | null;
  running: boolean;
  /** 0 until the executor reports a pid, and whenever not running */
  pid: number;
  /** running: when the attempt started; else the earliest next attempt (0 = now) */
  startTime: number;
  /** attempts started so far */
  retryNum: number;
  /** SIGKILL sent for the current attempt */
  killSent: boolean;
}

/** What the queue asks of its owner. Only `start` and `kill` act; the rest report. */
export interface JobHooks<P> {
  /** start an attempt; the owner answers with started / startFailed / exited */
  start(job: Job<P>): void;
  /** end the attempt now (SIGKILL); the owner still answers with exited */
  kill(job: Job<P>): void;
  /** the attempt is running as `pid` (Sentinel: `+script-child`, debug) */
  started?(job: Job<P>): void;
  /** fork failed (Sentinel: `-script-error <path> 99 0`); the job stays queued */
  forkFailed?(job: Job<P>): void;
  /** an attempt ended (Sentinel: `-script-child <pid> <code> <signal>`, debug) */
  exited?(job: Job<P>, pid: number, code: number, signal: number): void;
  /** the job will be tried again after `delay` ms */
  retrying?(job: Job<P>, delay: number, code: number, signal: number): void;
  /** the job left the queue after a bad end (Sentinel: `-script-error <path> <signal> <code>`) */
  failed?(job: Job<P>, code: number, signal: number): void;
  /** the job ran longer than script-max-runtime; kill follows (Sentinel: `-script-timeout`) */
  timedOut?(job: Job<P>): void;
  /** the queue was full and this, the oldest job not running, was dropped (silent in Sentinel) */
  dropped?(job: Job<P>): void;
}

/** sentinel.c sentinelScriptRetryDelay: the delay doubles with every attempt already made. */
export const scriptRetryDelay = (base: number, retryNum: number): number => base * 2 ** Math.max(0, retryNum - 1);

export class JobQueue<P> {
  readonly #jobs: Job<P>[] = [];
  readonly #hooks: JobHooks<P>;
  readonly #timings: () => QueueTimings;
  #nextId = 1;
  #running = 0;

  constructor(hooks: JobHooks<P>, timings: () => QueueTimings) {
    this.#hooks = hooks;
    this.#timings = timings;
  }

  /** jobs in queue order, oldest first */
  jobs(): readonly Job<P>[] {
    return this.#jobs;
  }

  runningCount(): number {
    return this.#running;
  }

  /**
   * sentinelScheduleScriptExecution: append a job due now. Over the limit, the oldest job that
   * is not running is dropped (possibly the new one, when all older ones run). Nothing starts
   * here: runPending does that, as Sentinel's next tick does, so a burst of events in one turn
   * is queued (and trimmed) before anything runs.
   */
  schedule(payload: P, key: string | null = null): Job<P> {
    const job: Job<P> = { id: this.#nextId++, payload, key, running: false, pid: 0, startTime: 0, retryNum: 0, killSent: false };
    this.#jobs.push(job);
    if (this.#jobs.length > SCRIPT_MAX_QUEUE) {
      const i = this.#jobs.findIndex((j) => !j.running);
      const [gone] = this.#jobs.splice(i, 1);
      this.#hooks.dropped?.(gone!);
    }
    return job;
  }

  /** sentinelRunPendingScripts: start due jobs, oldest first, while fewer than 16 run. */
  runPending(now: number): void {
    const blocked = new Set<string>();
    const starting: Job<P>[] = [];
    for (const job of this.#jobs) {
      if (this.#running >= SCRIPT_MAX_RUNNING) break;
      const held = job.key !== null && blocked.has(job.key);
      if (job.key !== null) blocked.add(job.key);
      if (job.running || held) continue;
      if (job.startTime && job.startTime > now) continue;
      job.running = true;
      job.startTime = now;
      job.retryNum++;
      job.pid = 0;
      job.killSent = false;
      this.#running++;
      starting.push(job);
    }
    // after the walk: a start that fails at once changes the queue
    for (const job of starting) this.#hooks.start(job);
  }

  /** The attempt of job `id` is running as `pid`. */
  started(id: number, pid: number): void {
    const job = this.#find(id);
    if (!job?.running) return;
    job.pid = pid;
    this.#hooks.started?.(job);
  }

  /**
   * The attempt could not start. `fork` (no process: EAGAIN, ENOMEM...) is Sentinel's fork
   * failure: reported as signal 99, the job stays queued and is tried again shortly, without a
   * retry limit (sentinel.c never checks it on that path). `exec` (no such file, not executable)
   * is the child's `_exit(2)` after a failed execve: a permanent failure with exit code 2.
   */
  startFailed(id: number, reason: 'fork' | 'exec', now: number): void {
    const job = this.#find(id);
    if (!job?.running) return;
    if (reason === 'exec') return this.exited(id, 2, 0, now);
    job.running = false;
    job.pid = 0;
    job.startTime = now + FORK_RETRY_DELAY;
    this.#running--;
    this.#hooks.forkFailed?.(job);
  }

  /**
   * sentinelCollectTerminatedScripts for one child: a signal or exit code 1 means "try again"
   * while attempts remain (the delay doubles each time); anything else removes the job, with
   * a failure report unless it exited 0.
   */
  exited(id: number, code: number, signal: number, now: number): void {
    const job = this.#find(id);
    if (!job?.running) return;
    const pid = job.pid;
    this.#hooks.exited?.(job, pid, code, signal);
    this.#running--;
    if ((signal !== 0 || code === 1) && job.retryNum !== SCRIPT_MAX_RETRY) {
      const delay = scriptRetryDelay(this.#timings().scriptRetryDelay, job.retryNum);
      job.running = false;
      job.pid = 0;
      job.startTime = now + delay;
      this.#hooks.retrying?.(job, delay, code, signal);
      return;
    }
    this.#jobs.splice(this.#jobs.indexOf(job), 1);
    if (signal !== 0 || code !== 0) this.#hooks.failed?.(job, code, signal);
  }

  /**
   * sentinelKillTimedoutScripts: SIGKILL every attempt running for longer than
   * script-max-runtime; its exit (by signal) then retries it. Sentinel repeats the event on
   * every tick until the child is reaped; Argus reports and kills once per attempt.
   */
  killTimedOut(now: number): void {
    const max = this.#timings().scriptMaxRuntime;
    for (const job of this.#jobs) {
      if (!job.running || job.killSent || now - job.startTime <= max) continue;
      job.killSent = true;
      this.#hooks.timedOut?.(job);
      this.#hooks.kill(job);
    }
  }

  /**
   * The next moment runPending or killTimedOut has something to do, or null. Jobs held behind
   * an older job of the same key wait for that job's end (an exit, not a time).
   */
  nextWakeup(now: number): number | null {
    const max = this.#timings().scriptMaxRuntime;
    let next = Infinity;
    const blocked = new Set<string>();
    for (const job of this.#jobs) {
      const held = job.key !== null && blocked.has(job.key);
      if (job.key !== null) blocked.add(job.key);
      if (job.running) {
        // the first millisecond at which now - start > max holds
        if (!job.killSent) next = Math.min(next, job.startTime + max + 1);
      } else if (!held && this.#running < SCRIPT_MAX_RUNNING) {
        next = Math.min(next, Math.max(job.startTime, now));
      }
    }
    return next === Infinity ? null : next;
  }

  #find(id: number): Job<P> | undefined {
    return this.#jobs.find((j) => j.id === id);
  }
}
