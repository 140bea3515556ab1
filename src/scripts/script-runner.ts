import type { ScriptJobView } from '../commands/sentinel/script-queue.js';
import type { ClientReconfigRole, ScriptControl } from '../commands/types.js';
import type { EventBus } from '../events/bus.js';
import type { SentinelEvent } from '../events/event.js';
import type { LineLevel } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { SentinelState } from '../sentinel/state.js';
import { JobQueue, type Job } from './job-queue.js';
import { QueueDriver, systemTimers, type Timers } from './queue-driver.js';
import type { ScriptSpawner } from './spawner.js';

/** SENTINEL_SCRIPT_MAX_ARGS: argv entries, the path included; extra arguments are dropped. */
export const SCRIPT_MAX_ARGS = 16;

export interface ScriptRunnerOptions {
  /** the masters (their script paths) and the SENTINEL DEBUG timings */
  readonly state: SentinelState;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly spawner: ScriptSpawner;
  readonly timers?: Timers;
}

type Argv = readonly string[];

/**
 * The notification and client-reconfig scripts: Sentinel's queue (16 running, 256 kept, up to
 * 10 attempts with a doubling delay, SIGKILL after script-max-runtime) with Sentinel's events.
 * Spawning happens on the spawner thread; this side only keeps the queue, so a slow or broken
 * script never holds up the main thread or the shards.
 */
export class ScriptRunner implements ScriptControl {
  readonly #state: SentinelState;
  readonly #events: EventBus;
  readonly #clock: Clock;
  readonly #spawner: ScriptSpawner;
  readonly #queue: JobQueue<Argv>;
  readonly #driver: QueueDriver;

  constructor(opts: ScriptRunnerOptions) {
    this.#state = opts.state;
    this.#events = opts.events;
    this.#clock = opts.clock;
    this.#spawner = opts.spawner;
    const publish = (level: 'warning' | 'debug', type: string, text: string): void => this.#events.publish(level, type, text);
    this.#queue = new JobQueue<Argv>(
      {
        start: (job) => this.#start(job),
        kill: (job) => this.#spawner.kill(job.id),
        started: (job) => publish('debug', '+script-child', String(job.pid)),
        forkFailed: (job) => publish('warning', '-script-error', `${job.payload[0]} 99 0`),
        exited: (_job, pid, code, signal) => {
          // an execve failure has no pid to report: Node learns of it before a child exists
          if (pid !== 0) publish('debug', '-script-child', `${pid} ${code} ${signal}`);
        },
        failed: (job, code, signal) => publish('warning', '-script-error', `${job.payload[0]} ${signal} ${code}`),
        timedOut: (job) => publish('warning', '-script-timeout', `${job.payload[0]} ${job.pid}`),
      },
      () => this.#state.timings,
    );
    this.#driver = new QueueDriver(this.#queue, opts.clock, opts.timers ?? systemTimers);
  }

  /**
   * The notification-script sink of the event bus (sentinel.c sentinelEvent): every warning
   * event tied to an instance runs its master's script with the type and the text.
   */
  notify(event: SentinelEvent): void {
    if (event.level !== 'warning' || event.master === null) return;
    const path = this.#state.masters.get(event.master)?.notificationScript;
    if (path) this.schedule([path, event.type, event.text]);
  }

  /** sentinel.c sentinelCallClientReconfScript (see ScriptControl). */
  clientReconfig(
    master: string,
    role: ClientReconfigRole,
    state: string,
    fromIp: string,
    fromPort: number,
    toIp: string,
    toPort: number,
  ): boolean {
    const path = this.#state.masters.get(master)?.clientReconfigScript;
    if (!path) return false;
    this.schedule([path, master, role, state, fromIp, String(fromPort), toIp, String(toPort)]);
    return true;
  }

  /** sentinelScheduleScriptExecution: queue argv ([path, ...args]); it starts on the next turn. */
  schedule(argv: Argv): void {
    this.#queue.schedule(argv.slice(0, SCRIPT_MAX_ARGS));
    this.#driver.poke();
  }

  jobs(): readonly ScriptJobView[] {
    return this.#queue.jobs().map((j) => ({
      argv: j.payload,
      running: j.running,
      pid: j.pid,
      startTime: j.startTime,
      retryNum: j.retryNum,
    }));
  }

  runningCount(): number {
    return this.#queue.runningCount();
  }

  async stop(): Promise<void> {
    this.#driver.stop();
    await this.#spawner.close();
  }

  #start(job: Job<Argv>): void {
    const id = job.id;
    this.#spawner.spawn(id, job.payload, {
      spawned: (pid) => this.#queue.started(id, pid),
      failed: (reason) => {
        this.#queue.startFailed(id, reason, this.#clock.monotonic());
        this.#driver.poke();
      },
      exited: (code, signal) => {
        this.#queue.exited(id, code, signal, this.#clock.monotonic());
        this.#driver.poke();
      },
    });
  }
}

/** The log line for a line a script printed (verbose: operators opt in with loglevel verbose). */
export const scriptOutputLine = (o: { path: string; pid: number; stream: string; line: string }): [LineLevel, string] =>
  ['verbose', `Script ${o.path} pid ${o.pid} ${o.stream}: ${o.line}`];
