/**
 * A stand-in for the real coordinator actor, to test the shard machinery (threads, batches,
 * placement, restarts) without links: on a timer it "hears" from its master (INFO refreshed, a
 * valid reply) and emits a numbered `+fake-tick` event; every control call answers with an event.
 *
 * Special quorum values pushed with applyConfig make the thread misbehave on purpose:
 * 99 blocks the event loop for `stallMs`, 98 throws from a timer (an uncaught exception),
 * 97 writes a line to stderr through console.error.
 */
import { threadId } from 'node:worker_threads';
import type { CoordinatorFactory, ForgetAnswer, MasterCoordinator, ShardServices } from '../../src/actors/coordinator.js';
import { uncheckedNode, type DoctorNodeReport } from '../../src/sentinel/doctor.js';
import { forgetEventType, forgetInstance } from '../../src/sentinel/forget.js';
import { newReplicaRecord, type MasterRecord } from '../../src/sentinel/instance.js';

export interface FakeCoordinatorOptions {
  /** ms between two ticks of each master */
  readonly tickMs: number;
  /** how long quorum 99 blocks the thread */
  readonly stallMs?: number;
}

export const FAKE_REPLICA = '10.0.0.1:6380';
export const QUORUM_STALL = 99;
export const QUORUM_THROW = 98;
export const QUORUM_STDERR = 97;

class FakeCoordinator implements MasterCoordinator {
  readonly name: string;
  readonly master: MasterRecord;
  readonly #services: ShardServices;
  readonly #opts: FakeCoordinatorOptions;
  #timer: NodeJS.Timeout | null = null;
  #seq = 0;

  constructor(config: MasterRecord, services: ShardServices, opts: FakeCoordinatorOptions) {
    this.name = config.name;
    this.master = config;
    this.#services = services;
    this.#opts = opts;
  }

  #emit(type: string, detail: string): void {
    const m = this.master;
    this.#services.emit({
      level: 'notice',
      type,
      text: `master ${m.name} ${m.addr.host} ${m.addr.port} ${detail}`,
      master: m.name,
      time: this.#services.clock.wall(),
    });
  }

  answerIsMasterDown(reqEpoch: number, runid: string) {
    return { down: 0 as const, leader: '*', leaderEpoch: 0, currentEpoch: reqEpoch, mustFlush: runid !== '*' };
  }

  publishedHello(): void {}

  userFailover() {
    return 'NOGOODSLAVE' as const;
  }

  forgetSentinel(): void {}

  forget(target: string, force: boolean): ForgetAnswer {
    const result = forgetInstance(this.master, target, force);
    if (!result.ok) return result;
    return { ok: true, type: forgetEventType(result.instance), text: result.instance.name };
  }

  async doctor(): Promise<DoctorNodeReport[]> {
    return [uncheckedNode(this.master, this.master, 'fake coordinator')];
  }

  apply(): void {}

  lookupIp(): undefined {
    return undefined;
  }

  start(): void {
    const m = this.master;
    const now = this.#services.clock.monotonic();
    const known = m.replicas.size;
    if (!m.replicas.has(FAKE_REPLICA)) {
      m.replicas.set(FAKE_REPLICA, newReplicaRecord(FAKE_REPLICA, { host: '10.0.0.1', port: 6380 }, m, now));
      this.#services.requestFlush();
    }
    this.#emit('+fake-start', `thread ${threadId} replicas ${known} quorum ${m.quorum}`);
    this.#services.markDirty(m.name);
    this.#timer = setInterval(() => this.#tick(), this.#opts.tickMs);
  }

  #tick(): void {
    const m = this.master;
    const g = this.#services.globals();
    const now = this.#services.clock.monotonic();
    this.#seq++;
    m.info = `# Fake\r\nseq:${this.#seq}\r\n`;
    m.infoRefresh = now;
    m.link.lastAvailTime = now;
    m.link.lastPongTime = now;
    for (const r of m.replicas.values()) r.link.lastAvailTime = now;
    this.#services.noteFreshReply();
    this.#services.markDirty(m.name);
    // hr: process.hrtime at emission (one clock for all threads), to measure emit → publish
    this.#emit('+fake-tick', `seq ${this.#seq} thread ${threadId} ping-period ${g.timings.pingPeriod} tilt ${g.tilt ? 1 : 0} hr ${process.hrtime.bigint()}`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  applyConfig(config: MasterRecord): void {
    this.master.quorum = config.quorum;
    this.master.downAfterPeriod = config.downAfterPeriod;
    this.#emit('+fake-config', `quorum ${config.quorum} thread ${threadId}`);
    if (config.quorum === QUORUM_STALL) {
      const until = Date.now() + (this.#opts.stallMs ?? 500);
      while (Date.now() < until) {
        // a blocked event loop, as a slow synchronous call would cause
      }
    } else if (config.quorum === QUORUM_THROW) {
      setTimeout(() => {
        throw new Error('fake coordinator failure');
      }, 0);
    } else if (config.quorum === QUORUM_STDERR) {
      console.error('noise from a fake coordinator');
    }
  }

  reset(): void {
    this.master.replicas.clear();
    this.master.sentinels.clear();
    this.#emit('+fake-reset', `thread ${threadId}`);
    this.#services.markDirty(this.name);
  }

  dropDataLinks(): void {
    this.#emit('+fake-drop-data', `thread ${threadId}`);
  }

  dropPeerLinks(): void {
    this.#emit('+fake-drop-peers', `thread ${threadId}`);
  }

  tiltChanged(tilt: boolean): void {
    this.#emit('+fake-tilt', `${tilt ? 1 : 0} thread ${threadId}`);
  }
}

export const fakeCoordinatorFactory =
  (opts: FakeCoordinatorOptions): CoordinatorFactory =>
  (config, services) =>
    new FakeCoordinator(config, services, opts);
