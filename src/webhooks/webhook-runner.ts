import type { SentinelEvent } from '../events/event.js';
import type { Clock } from '../runtime/clock.js';
import type { LineLevel } from '../runtime/logger.js';
import { JobQueue, SCRIPT_MAX_RETRY, SIGKILL, type Job } from '../scripts/job-queue.js';
import { QueueDriver, systemTimers, type Timers } from '../scripts/queue-driver.js';
import type { SentinelState } from '../sentinel/state.js';
import { ARGUS_VERSION } from '../version.js';
import { webhookBody } from './payload.js';
import { redactUrl, webhooksFor } from './targets.js';

/** POST `body` to `url`; resolves with the HTTP status, rejects on a network error or abort. */
export type WebhookPost = (url: string, body: string, signal: AbortSignal) => Promise<number>;

/**
 * Node's built-in fetch (undici): keep-alive connections, no dependency. Redirects are not
 * followed (a 301/302 would turn the POST into a GET): a 3xx is a permanent failure. The
 * response body is discarded.
 */
export const fetchPost: WebhookPost = async (url, body, signal) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': `argus-sentinel/${ARGUS_VERSION}` },
    body,
    signal,
    redirect: 'manual',
  });
  await res.body?.cancel().catch(() => {});
  return res.status;
};

/** Retried like a script's exit 1: the receiver may be fine later. */
const RETRYABLE = new Set([408, 425, 429]);

/**
 * An HTTP status as a script's exit code, so the queue's policy applies unchanged: 2xx = 0
 * (done), 408/425/429/5xx = 1 (retry), anything else = 2 (give up).
 */
export const exitCodeOf = (status: number): number =>
  status >= 200 && status < 300 ? 0 : status >= 500 || RETRYABLE.has(status) ? 1 : 2;

interface Delivery {
  readonly url: string;
  readonly type: string;
  readonly body: string;
}

export interface WebhookRunnerOptions {
  readonly state: SentinelState;
  readonly clock: Clock;
  readonly log: (level: LineLevel, message: string) => void;
  readonly post?: WebhookPost;
  readonly timers?: Timers;
}

/**
 * Argus-only: every published event is POSTed as JSON to the webhooks of its master and to the
 * `*` ones, with the script queue's rules (16 in flight, 256 kept, the oldest waiting one
 * dropped, script-max-runtime then abort, retries with script-retry-delay doubling, 10
 * attempts). One POST per URL is in flight at a time, so each receiver gets events in order;
 * a failing receiver holds back only its own later events. Failures are logged, never
 * published as events: a webhook that receives its own failures could feed itself forever.
 */
export class WebhookRunner {
  readonly #state: SentinelState;
  readonly #clock: Clock;
  readonly #log: (level: LineLevel, message: string) => void;
  readonly #post: WebhookPost;
  readonly #queue: JobQueue<Delivery>;
  readonly #driver: QueueDriver;
  readonly #inflight = new Map<number, AbortController>();
  /** why the last attempt of a job failed, for the log */
  readonly #why = new Map<number, string>();

  constructor(opts: WebhookRunnerOptions) {
    this.#state = opts.state;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.#post = opts.post ?? fetchPost;
    const where = (job: Job<Delivery>): string => `Webhook ${redactUrl(job.payload.url)} (${job.payload.type})`;
    this.#queue = new JobQueue<Delivery>(
      {
        start: (job) => this.#start(job),
        kill: (job) => this.#inflight.get(job.id)?.abort(),
        retrying: (job, delay) =>
          this.#log('notice', `${where(job)} failed: ${this.#reason(job)}; attempt ${job.retryNum} of ${SCRIPT_MAX_RETRY}, next in ${delay} ms`),
        failed: (job) => this.#log('warning', `${where(job)} failed: ${this.#reason(job)}; giving up after ${job.retryNum} attempts`),
        timedOut: (job) => this.#why.set(job.id, `no answer within ${this.#state.timings.scriptMaxRuntime} ms`),
        dropped: (job) => {
          this.#why.delete(job.id);
          this.#log('warning', `${where(job)} dropped: the webhook queue is full`);
        },
      },
      () => this.#state.timings,
    );
    this.#driver = new QueueDriver(this.#queue, opts.clock, opts.timers ?? systemTimers);
  }

  /** The event bus sink: every published (non-debug) event, to each of its webhooks. */
  notify(event: SentinelEvent): void {
    if (event.level === 'debug') return;
    const urls = webhooksFor(this.#state, event.master);
    if (urls.length === 0) return;
    const body = webhookBody(event, this.#state.currentEpoch, this.#state.myid);
    for (const url of urls) this.#queue.schedule({ url, type: event.type, body }, url);
    this.#driver.poke();
  }

  /** queued deliveries, oldest first (tests and diagnostics) */
  pending(): readonly Job<Delivery>[] {
    return this.#queue.jobs();
  }

  stop(): void {
    this.#driver.stop();
    for (const c of this.#inflight.values()) c.abort();
  }

  #reason(job: Job<Delivery>): string {
    return this.#why.get(job.id) ?? 'unknown error';
  }

  #start(job: Job<Delivery>): void {
    const { id } = job;
    const abort = new AbortController();
    this.#inflight.set(id, abort);
    const done = (code: number, signal: number, why: string): void => {
      this.#inflight.delete(id);
      // an abort after a timeout keeps the timeout as its reason
      if (!(signal !== 0 && this.#why.has(id))) this.#why.set(id, why);
      this.#queue.exited(id, code, signal, this.#clock.monotonic());
      if (!this.#queue.jobs().some((j) => j.id === id)) this.#why.delete(id);
      this.#driver.poke();
    };
    this.#why.delete(id);
    this.#post(job.payload.url, job.payload.body, abort.signal).then(
      (status) => done(exitCodeOf(status), 0, `HTTP ${status}`),
      (e: unknown) =>
        abort.signal.aborted
          ? done(0, SIGKILL, 'aborted')
          : done(1, 0, String((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message ?? e)),
    );
  }
}
