import test from 'ava';
import type { ForgetAnswer, MasterCoordinator, ShardGlobals, ShardServices } from '../../../src/actors/coordinator.js';
import { uncheckedNode, type DoctorNodeReport } from '../../../src/sentinel/doctor.js';
import { forgetInstance } from '../../../src/sentinel/forget.js';
import { toSnapshot, type ShardBatch, type ShardToMain } from '../../../src/actors/protocol.js';
import { ShardRuntime } from '../../../src/actors/shard-runtime.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { systemRandom } from '../../../src/runtime/random.js';
import { newMasterRecord, newReplicaRecord, SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';
import { waitFor } from '../../helpers/wait-for.js';

const globals = (over: Partial<ShardGlobals> = {}): ShardGlobals => ({
  myid: 'a'.repeat(40),
  currentEpoch: 0,
  announceIp: null,
  announcePort: 0,
  listenPort: 26379,
  resolveHostnames: false,
  announceHostnames: false,
  sentinelUser: null,
  sentinelPass: null,
  requirepass: null,
  timings: defaultTimings(),
  tilt: false,
  simFailureFlags: 0,
  ...over,
});

/** A coordinator that records the calls it gets and hands its services to the test. */
class Recorder implements MasterCoordinator {
  readonly calls: string[] = [];
  constructor(
    readonly master: MasterRecord,
    readonly services: ShardServices,
  ) {}
  get name(): string {
    return this.master.name;
  }
  start(): void { this.calls.push('start'); }
  stop(): void { this.calls.push('stop'); }
  applyConfig(c: MasterRecord): void { this.calls.push(`config ${c.quorum}`); }
  reset(): void { this.calls.push('reset'); }
  dropDataLinks(): void { this.calls.push('drop-data'); }
  dropPeerLinks(): void { this.calls.push('drop-peers'); }
  tiltChanged(tilt: boolean): void { this.calls.push(`tilt ${tilt}`); }
  answerIsMasterDown(reqEpoch: number, runid: string) {
    this.calls.push(`vote ${reqEpoch} ${runid}`);
    return { down: 0 as const, leader: runid, leaderEpoch: reqEpoch, currentEpoch: reqEpoch, mustFlush: true };
  }
  publishedHello(payload: string): void { this.calls.push(`hello ${payload}`); }
  userFailover() {
    this.calls.push('failover');
    return 'OK' as const;
  }
  forgetSentinel(runid: string): void { this.calls.push(`forget ${runid}`); }
  forget(target: string, force: boolean): ForgetAnswer {
    this.calls.push(`forget-one ${target} ${force}`);
    const result = forgetInstance(this.master, target, force);
    return result.ok ? { ok: true, type: '+forget-slave', text: target } : result;
  }
  async doctor(): Promise<DoctorNodeReport[]> {
    this.calls.push('doctor');
    return [uncheckedNode(this.master, this.master, 'recorder')];
  }
  apply(effects: readonly unknown[]): void { this.calls.push(`apply ${effects.length}`); }
  /** the shard's resolver cache, as a test sets it */
  readonly resolved = new Map<string, string>();
  lookupIp(host: string): string | undefined { return this.resolved.get(host); }
}

function setup(g: ShardGlobals = globals(), heartbeatMs = 100) {
  const sent: ShardToMain[] = [];
  const made = new Map<string, Recorder>();
  const rt = new ShardRuntime({
    shard: 1,
    factory: (config, services) => {
      const r = new Recorder(config, services);
      made.set(config.name, r);
      return r;
    },
    clock: systemClock,
    random: systemRandom,
    globals: g,
    send: (m) => sent.push(m),
    batchIntervalMs: 30,
    heartbeatMs,
    exit: () => {},
  });
  const batches = () => sent.filter((m): m is ShardBatch => m.type === 'batch');
  return { rt, sent, made, batches };
}

const snap = (name: string, quorum = 2) =>
  toSnapshot(newMasterRecord(name, { host: '127.0.0.1', port: 6379 }, quorum, defaultTimings(), systemClock.monotonic()));

test.serial('shard-runtime: sends an event in a batch on the next turn of the loop', async (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('m') });
  rt.flush();
  const before = batches().length;
  const emittedAt = performance.now();
  made.get('m')!.services.emit({ level: 'warning', type: '+sdown', text: 'master m 127.0.0.1 6379', master: 'm', time: 0 });
  await new Promise((r) => setImmediate(r));
  t.is(batches().length, before + 1);
  t.true(performance.now() - emittedAt < 20);
  t.deepEqual(batches().at(-1)!.events.map((e) => e.type), ['+sdown']);
  rt.shutdown();
});

test.serial('shard-runtime: coalesces a master marked dirty many times into one set of facts, its latest', async (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 7, snapshot: snap('m') });
  const c = made.get('m')!;
  for (let i = 1; i <= 10; i++) {
    c.master.configEpoch = i;
    c.services.markDirty('m');
  }
  c.services.requestFlush();
  const b = await waitFor(() => batches().find((x) => x.facts.length > 0), { what: 'a batch' });
  t.is(b.facts.length, 1);
  t.is(b.facts[0]!.gen, 7);
  t.is(b.facts[0]!.facts.configEpoch, 10);
  t.true(b.flushRequested);
  t.deepEqual(c.calls, ['start']);
  rt.shutdown();
});

test.serial('shard-runtime: sends nothing for masters whose facts did not change, and numbers what it sends', async (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  rt.addMaster({ gen: 2, snapshot: snap('b') });
  rt.flush();
  const a = made.get('a')!;
  // what replies change: nothing the main thread holds
  a.master.link.lastPongTime += 1000;
  a.master.flags |= SRI.S_DOWN;
  a.services.markDirty('a');
  a.services.noteFreshReply();
  rt.flush();
  t.deepEqual(batches(), [], 'a quiet master crosses no thread');
  a.master.leaderEpoch = 3;
  a.services.markDirty('a');
  made.get('b')!.services.markDirty('b');
  rt.flush();
  made.get('b')!.master.configEpoch = 2;
  made.get('b')!.services.requestFlush();
  rt.flush();
  t.deepEqual(batches().map((b) => b.seq), [1, 2]);
  t.deepEqual(batches()[0]!.facts.map((f) => [f.facts.name, f.gen, f.facts.leaderEpoch]), [['a', 1, 3]]);
  t.deepEqual(batches()[1]!.facts.map((f) => [f.facts.name, f.gen, f.facts.configEpoch]), [['b', 2, 2]], 'a flush request looks at every master');
  rt.shutdown();
});

test.serial('shard-runtime: an event about a master sends its changed facts with it', async (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('m') });
  const c = made.get('m')!;
  c.master.addr = { host: '127.0.0.2', port: 6380 };
  c.services.emit({ level: 'warning', type: '+switch-master', text: 'm 127.0.0.1 6379 127.0.0.2 6380', master: 'm', time: 0 });
  const b = await waitFor(() => batches().at(-1), { what: 'a batch' });
  t.deepEqual(b.events.map((e) => e.type), ['+switch-master']);
  t.deepEqual(b.facts.map((f) => f.facts.addr), [{ host: '127.0.0.2', port: 6380 }]);
  rt.shutdown();
});

test.serial('shard-runtime: a name that resolves anew sends the facts that carry it; views carry it too', async (t) => {
  const { rt, made, batches } = setup();
  const named = (name: string) =>
    toSnapshot(newMasterRecord(name, { host: 'redis-0', port: 6379 }, 2, defaultTimings(), systemClock.monotonic()));
  rt.addMasters([{ gen: 1, snapshot: named('a') }, { gen: 1, snapshot: snap('b') }]);
  rt.flush();
  t.deepEqual(batches(), [], 'nothing resolved: nothing to tell');
  const a = made.get('a')!;
  a.resolved.set('redis-0', '10.1.0.1');
  a.services.hostResolved();
  const b = await waitFor(() => batches().at(-1), { what: 'a batch' });
  t.deepEqual(b.facts.map((f) => [f.facts.name, f.facts.addr]), [['a', { host: 'redis-0', port: 6379, ip: '10.1.0.1' }]]);
  t.false(b.flushRequested, 'no config save for it');
  t.deepEqual(rt.view(['a'])[0]!.addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
  rt.shutdown();
});

test.serial('shard-runtime: a master added with a name the shard already resolved has its IP sent up', async (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: toSnapshot(newMasterRecord('a', { host: 'redis-0', port: 6379 }, 2, defaultTimings(), 0)) });
  made.get('a')!.resolved.set('redis-0', '10.1.0.1');
  const b = await waitFor(() => batches().find((x) => x.facts.length > 0), { what: 'the facts' });
  t.deepEqual(b.facts[0]!.facts.addr, { host: 'redis-0', port: 6379, ip: '10.1.0.1' });
  rt.shutdown();
});

test.serial('shard-runtime: shows the live records and INFO sentinel figures of the masters it hosts', (t) => {
  const { rt, made } = setup();
  rt.addMasters([{ gen: 1, snapshot: snap('a') }, { gen: 1, snapshot: snap('b') }]);
  made.get('b')!.master.flags |= SRI.S_DOWN;
  made.get('b')!.master.link.lastPongTime = 4242;
  t.deepEqual(rt.view(['b', 'nope']).map((m) => [m.name, m.link.lastPongTime]), [['b', 4242]]);
  t.deepEqual(rt.view(null).map((m) => m.name), ['a', 'b']);
  t.deepEqual(rt.brief().map((b) => [b.name, b.flags & SRI.S_DOWN]), [['a', 0], ['b', SRI.S_DOWN]]);
  rt.shutdown();
});

test.serial('shard-runtime: peer input in one call, in order, a vote answered and its facts sent before the answer', (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  const runid = 'b'.repeat(40);
  made.get('a')!.answerIsMasterDown = (reqEpoch, id) => {
    made.get('a')!.calls.push(`vote ${reqEpoch}`);
    made.get('a')!.master.leader = id;
    made.get('a')!.master.leaderEpoch = reqEpoch;
    return { down: 0 as const, leader: id, leaderEpoch: reqEpoch, currentEpoch: reqEpoch, mustFlush: true };
  };
  const answers = rt.peer([
    { kind: 'hello', master: 'a', payload: 'h1' },
    { kind: 'vote', master: 'a', reqEpoch: 4, runid },
    { kind: 'vote', master: 'nope', reqEpoch: 4, runid },
  ]);
  t.deepEqual(made.get('a')!.calls, ['start', 'hello h1', 'vote 4']);
  t.deepEqual(answers.map((a) => a?.leader ?? null), [null, runid, null]);
  t.deepEqual(batches().at(-1)!.facts.map((f) => [f.facts.leader, f.facts.leaderEpoch]), [[runid, 4]]);
  rt.shutdown();
});

test.serial('shard-runtime: forwards control calls to the coordinator of that master', (t) => {
  const { rt, made, batches } = setup();
  rt.addMasters([{ gen: 1, snapshot: snap('a') }, { gen: 2, snapshot: snap('b') }]);
  rt.applyConfig(snap('a', 5));
  rt.resetMaster('a', 3);
  rt.dropDataLinks('b');
  rt.dropPeerLinks();
  rt.removeMaster('b');
  rt.removeMaster('nope');
  t.deepEqual(made.get('a')!.calls, ['start', 'config 5', 'reset', 'drop-peers']);
  t.deepEqual(made.get('b')!.calls, ['start', 'drop-data', 'drop-peers', 'stop']);
  t.deepEqual(rt.masterNames, ['a']);
  rt.flush();
  // a reset always sends the facts, under the new generation
  t.deepEqual(batches().at(-1)!.facts.map((f) => [f.facts.name, f.gen]), [['a', 3]]);
  rt.shutdown();
  t.is(made.get('a')!.calls.at(-1), 'stop');
});

test.serial('shard-runtime: logs a coordinator that throws and carries on with the others', (t) => {
  const { rt, made, batches } = setup();
  rt.addMasters([{ gen: 1, snapshot: snap('a') }, { gen: 2, snapshot: snap('b') }]);
  made.get('a')!.dropPeerLinks = () => {
    throw new Error('boom');
  };
  rt.dropPeerLinks();
  t.deepEqual(made.get('b')!.calls, ['start', 'drop-peers']);
  rt.flush();
  t.regex(batches().at(-1)!.logs[0]!.message, /^Shard 1: dropPeerLinks of master 'a' failed: Error: boom \(at .+\)$/);
  rt.shutdown();
});

test.serial('shard-runtime: keeps the highest current epoch, raised here or pushed', (t) => {
  const { rt, made, batches } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  const s = made.get('a')!.services as ShardServices & { raiseCurrentEpoch(e: number): void };
  s.raiseCurrentEpoch(4);
  t.is(s.globals().currentEpoch, 4);
  rt.setGlobals(globals({ currentEpoch: 2 }), 0);
  t.is(s.globals().currentEpoch, 4, 'a push that crossed the raise does not lower it');
  rt.flush();
  t.is(batches().at(-1)!.currentEpoch, 4);
  rt.setGlobals(globals({ currentEpoch: 9 }), 0);
  t.is(s.globals().currentEpoch, 9);
  rt.shutdown();
});

test.serial('shard-runtime: holds TILT from a stall until the main thread has seen the batch reporting it', async (t) => {
  const { rt, made, batches } = setup(globals({ timings: { ...defaultTimings(), tiltTrigger: 100 } }), 20);
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  rt.flush();
  const s = made.get('a')!.services;
  const until = Date.now() + 250;
  while (Date.now() < until) {
    // blocked: no heartbeat can run
  }
  // the first code to run after the pause sees TILT, before any heartbeat
  t.true(s.globals().tilt);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(made.get('a')!.calls, ['start', 'tilt true']);
  const report = batches().at(-1)!;
  t.is(report.stalls.length, 1);
  t.true(report.stalls[0]!.ms >= 200);
  t.is(typeof report.freshSince, 'number');
  // an answer to an older batch does not end the hold; the answer to this one does
  rt.setGlobals(globals({ timings: { ...defaultTimings(), tiltTrigger: 100 } }), report.seq - 1);
  t.true(s.globals().tilt);
  rt.setGlobals(globals({ tilt: true, timings: { ...defaultTimings(), tiltTrigger: 100 } }), report.seq);
  t.true(s.globals().tilt);
  rt.setGlobals(globals({ tilt: false, timings: { ...defaultTimings(), tiltTrigger: 100 } }), report.seq);
  t.false(s.globals().tilt);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(made.get('a')!.calls, ['start', 'tilt true', 'tilt false']);
  rt.shutdown();
});

test.serial('shard-runtime: reports the oldest valid reply of its non-SDOWN instances while in TILT', (t) => {
  const { rt, made, batches } = setup(globals({ tilt: true }));
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  rt.addMaster({ gen: 1, snapshot: snap('b') });
  made.get('a')!.master.link.lastAvailTime = 500;
  made.get('b')!.master.link.lastAvailTime = 300;
  made.get('b')!.master.flags |= SRI.S_DOWN; // down before the stall: not waited for
  made.get('a')!.services.noteFreshReply();
  rt.flush();
  t.is(batches().at(-1)!.freshSince, 500);
  rt.setGlobals(globals({ tilt: false }), 1);
  made.get('a')!.services.log('notice', 'something');
  rt.flush();
  t.is(batches().at(-1)!.freshSince, null);
  rt.shutdown();
});

test.serial('shard-runtime: answers INFO-CACHE for the masters it hosts', (t) => {
  const { rt, made } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('a') });
  made.get('a')!.master.info = 'text';
  made.get('a')!.master.infoRefresh = 123;
  t.deepEqual(rt.infoCache(['a', 'b']), { a: { master: { name: 'a', info: 'text', infoRefresh: 123 }, replicas: [] } });
  rt.shutdown();
});

test.serial('shard-runtime: FORGET hands the new facts back with its answer, and the next batch does not repeat them', (t) => {
  const { rt, made, batches } = setup();
  const s = snap('m');
  rt.addMaster({ gen: 4, snapshot: s });
  rt.flush();
  const c = made.get('m')!;
  c.master.replicas.set('127.0.0.1:6380', newReplicaRecord('127.0.0.1:6380', { host: '127.0.0.1', port: 6380 }, c.master, 0));
  c.services.markDirty('m');
  rt.flush();
  const sentBefore = batches().length;
  t.is(rt.forget('nope', '127.0.0.1:6380', true), null, 'a master not hosted here');
  t.deepEqual(rt.forget('m', '127.0.0.1:1', true), { answer: { ok: false, error: 'no-such-replica' }, facts: null });
  const reply = rt.forget('m', '127.0.0.1:6380', true)!;
  t.like(reply.answer, { ok: true, type: '+forget-slave' });
  t.is(reply.facts!.gen, 4);
  t.deepEqual(reply.facts!.facts.replicas, []);
  c.services.markDirty('m');
  rt.flush();
  t.is(batches().length, sentBefore, 'facts already delivered');
  rt.shutdown();
});

test.serial('shard-runtime: DOCTOR asks the coordinators of the named masters it hosts', async (t) => {
  const { rt, made } = setup();
  rt.addMaster({ gen: 1, snapshot: snap('m') });
  const reports = await rt.doctor(['m', 'nope']);
  t.deepEqual(reports.map((r) => [r.master, r.nodes.map((n) => n.reason)]), [['m', ['recorder']]]);
  t.true(made.get('m')!.calls.includes('doctor'));
  rt.shutdown();
});
