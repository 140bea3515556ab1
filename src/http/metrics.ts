/**
 * Prometheus metrics for `GET /metrics` (prom-client, a registry of Argus's own). Everything is
 * read when scraped — one `view` call per shard for the masters, the process's own counters —
 * except what only the event bus knows (failovers, their duration, link reconnects), counted as
 * the events pass. Nothing is updated per PING. Names and meanings: docs/metrics.md.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { briefOf } from '../actors/protocol.js';
import { isQuorumReachable } from '../commands/sentinel/ckquorum.js';
import type { ArgusProcessStats, MonitorControl, ScriptControl } from '../commands/types.js';
import type { EventBus } from '../events/bus.js';
import type { SentinelEvent } from '../events/event.js';
import { SRI } from '../sentinel/instance.js';
import type { SentinelState } from '../sentinel/state.js';

export interface MetricsDeps {
  readonly state: SentinelState;
  readonly monitors: MonitorControl;
  readonly events: EventBus;
  readonly scripts: ScriptControl;
  readonly process: () => ArgusProcessStats;
  readonly clients: () => number;
  /** monotonic ms, for failover durations */
  readonly now: () => number;
}

const M = ['master'] as const;

/** A counter whose value is read from a running total at scrape time. */
function totalFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name, help, registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export class ArgusMetrics {
  readonly registry = new Registry();
  readonly #deps: MetricsDeps;
  readonly #failoverStart = new Map<string, number>();
  readonly #failovers: Counter<'master'>;
  readonly #failoverSeconds: Gauge<'master'>;
  readonly #reconnects: Counter<'master' | 'link'>;
  readonly #perMaster: {
    sdown: Gauge<'master'>; odown: Gauge<'master'>; replicas: Gauge<'master'>; sentinels: Gauge<'master'>;
    quorum: Gauge<'master'>; epoch: Gauge<'master'>; inFailover: Gauge<'master'>; linkErrors: Gauge<'master'>;
  };
  readonly #unsubscribe: () => void;

  constructor(deps: MetricsDeps) {
    this.#deps = deps;
    const r = this.registry;
    // the main thread's event loop lag, CPU, memory, GC: prom-client's standard process metrics
    collectDefaultMetrics({ register: r });
    const g = (name: string, help: string): Gauge<'master'> => new Gauge({ name, help, labelNames: M, registers: [r] });
    this.#perMaster = {
      sdown: g('argus_master_sdown', 'The master is subjectively down (1) or not (0)'),
      odown: g('argus_master_odown', 'The master is objectively down (1) or not (0)'),
      replicas: g('argus_master_replicas', 'Replicas this sentinel knows for the master'),
      sentinels: g('argus_master_sentinels', 'Other sentinels this sentinel knows for the master'),
      quorum: g('argus_master_quorum_reachable', 'Enough sentinels are usable for the quorum and a failover majority (SENTINEL CKQUORUM)'),
      epoch: g('argus_master_config_epoch', "The master's current config epoch"),
      inFailover: g('argus_master_failover_in_progress', 'A failover of the master is in progress (1) or not (0)'),
      linkErrors: g('argus_master_link_errors', 'Nodes of the master refusing one of Sentinel\'s commands (NOAUTH/WRONGPASS/NOPERM)'),
    };
    this.#failovers = new Counter({ name: 'argus_master_failovers_total', help: 'Failovers seen (+switch-master events)', labelNames: M, registers: [r] });
    this.#failoverSeconds = g('argus_master_last_failover_duration_seconds', 'From +try-failover to +failover-end / +switch-master, for the last failover this sentinel saw start');
    this.#reconnects = new Counter({
      name: 'argus_link_reconnects_total', help: 'Links to monitored instances that dropped and are reconnected (-cmd/-pubsub-link-reconnection)',
      labelNames: ['master', 'link'], registers: [r],
    });

    new Gauge({ name: 'argus_tilt', help: 'This sentinel is in TILT mode (1) or not (0)', registers: [r], collect() {
      this.set(deps.state.tilt ? 1 : 0);
    } });
    totalFrom(r, 'argus_tilt_total', 'Times TILT mode was entered', () => deps.state.totalTilt);
    totalFrom(r, 'argus_config_saves_total', 'Config rewrites written', () => deps.process().configSaves);
    totalFrom(r, 'argus_config_save_requests_total', 'Config save requests (coalesced into the writes)', () => deps.process().configSaveRequests);
    totalFrom(r, 'argus_config_save_failures_total', 'Config rewrites that failed', () => deps.process().configSaveFailures);
    new Gauge({ name: 'argus_config_last_save_duration_seconds', help: 'How long the last config rewrite took (read, render, write)', registers: [r], collect() {
      this.set(deps.process().configLastSaveMs / 1000);
    } });
    new Gauge({ name: 'argus_config_last_save_ok', help: 'The last config rewrite succeeded (1) or failed and is being retried (0)', registers: [r], collect() {
      this.set(deps.process().configLastSaveError === null ? 1 : 0);
    } });
    new Gauge({ name: 'argus_script_queue_length', help: 'Notification and client-reconfig scripts queued or running', registers: [r], collect() {
      this.set(deps.scripts.jobs().length);
    } });
    new Gauge({ name: 'argus_scripts_running', help: 'Scripts running now', registers: [r], collect() {
      this.set(deps.scripts.runningCount());
    } });
    new Gauge({ name: 'argus_connected_clients', help: 'Clients connected to the RESP port', registers: [r], collect() {
      this.set(deps.clients());
    } });
    new Gauge({ name: 'argus_masters', help: 'Masters monitored', registers: [r], collect() {
      this.set(deps.state.masters.size);
    } });
    new Gauge({ name: 'argus_shards', help: 'Shard worker threads configured', registers: [r], collect() {
      this.set(deps.process().shards);
    } });
    new Gauge({ name: 'argus_shards_running', help: 'Shard worker threads running', registers: [r], collect() {
      this.set(deps.process().shardsRunning);
    } });
    totalFrom(r, 'argus_shard_restarts_total', 'Shard worker threads that died and were restarted with their masters', () => deps.process().shardRestarts);
    totalFrom(r, 'argus_thread_batches_total', 'Fact batches received from the shards', () => deps.process().threadBatches);
    totalFrom(r, 'argus_thread_calls_total', 'Control calls made to the shards', () => deps.process().threadCalls);

    this.#unsubscribe = deps.events.subscribe((e) => this.#onEvent(e));
  }

  #onEvent(e: SentinelEvent): void {
    const master = e.master ?? e.text.split(' ', 1)[0] ?? '';
    switch (e.type) {
      case '+try-failover':
        if (!this.#failoverStart.has(master)) this.#failoverStart.set(master, this.#deps.now());
        break;
      case '+failover-end':
      case '+switch-master': {
        if (e.type === '+switch-master') this.#failovers.inc({ master });
        const started = this.#failoverStart.get(master);
        if (started !== undefined) {
          this.#failoverSeconds.set({ master }, (this.#deps.now() - started) / 1000);
          this.#failoverStart.delete(master);
        }
        break;
      }
      case '-failover-abort-not-elected':
      case '-failover-abort-no-good-slave':
      case '-failover-abort-slave-timeout':
        this.#failoverStart.delete(master);
        break;
      case '-cmd-link-reconnection':
        this.#reconnects.inc({ master, link: 'cmd' });
        break;
      case '-pubsub-link-reconnection':
        this.#reconnects.inc({ master, link: 'pubsub' });
        break;
    }
  }

  #rendering: Promise<{ contentType: string; body: string }> | null = null;

  /**
   * The exposition text: the masters' live records (one call per shard), then every metric.
   * Scrapes that overlap share one rendering (the gauges are refilled while it yields).
   */
  render(): Promise<{ contentType: string; body: string }> {
    this.#rendering ??= this.#render().finally(() => {
      this.#rendering = null;
    });
    return this.#rendering;
  }

  async #render(): Promise<{ contentType: string; body: string }> {
    const masters = await this.#deps.monitors.view(null);
    const p = this.#perMaster;
    for (const gauge of Object.values(p)) gauge.reset();
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    for (const [i, m] of masters.entries()) {
      if (i % 200 === 199) await turn();
      const l = { master: m.name };
      p.sdown.set(l, m.flags & SRI.S_DOWN ? 1 : 0);
      p.odown.set(l, m.flags & SRI.O_DOWN ? 1 : 0);
      p.replicas.set(l, m.replicas.size);
      p.sentinels.set(l, m.sentinels.size);
      const q = isQuorumReachable(m);
      p.quorum.set(l, q.quorumReached && q.majorityReached ? 1 : 0);
      p.epoch.set(l, m.configEpoch);
      p.inFailover.set(l, m.flags & SRI.FAILOVER_IN_PROGRESS ? 1 : 0);
      p.linkErrors.set(l, briefOf(m).linkErrors);
    }
    // Registry.metrics() formats every metric in one turn of the loop; one metric per turn
    // instead lets RESP clients in between (at 1000 masters a per-master metric is ~1000 lines).
    const parts: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      await turn();
      parts.push(await this.registry.getSingleMetricAsString(metric.name));
    }
    return { contentType: this.registry.contentType, body: `${parts.join('\n\n')}\n` };
  }

  stop(): void {
    this.#unsubscribe();
    this.registry.clear();
  }
}
