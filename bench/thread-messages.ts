/**
 * Messages between threads: msgpackr (pack, copy, post with transfer, unpack) against the port's
 * own structured clone (post the object), for the batches Argus really sends: changed
 * MasterFacts, each master with 2 replicas and 2 peer sentinels, 50 and 1000 to a batch (a mass
 * failover, a start-up's discovery).
 * Both directions. Each thread's share of the work is read from its event-loop utilization, so
 * the clone's deserialization (which runs before the 'message' handler) is counted too.
 *
 * `npm run bench -- thread-messages`. Bounded: a fixed number of batches per case.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, MessageChannel, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { factsOf, type ShardBatch, type StampedFacts } from '../src/actors/protocol.js';
import { decodeMessage, encodeMessage, WIRE_ENCODING, type WireEncoding } from '../src/actors/wire.js';
import { newMasterRecord, newReplicaRecord, newSentinelRecord, SRI } from '../src/sentinel/instance.js';
import { defaultTimings } from '../src/sentinel/timings.js';
import { percentile, table } from './lib/stats.js';

const ENCODINGS: readonly WireEncoding[] = ['msgpack', 'clone'];
const SIZES = [
  { masters: 50, batches: 1_000 },
  { masters: 1_000, batches: 60 },
] as const;
const ROUNDS = 3;
const WORKER_TAG = 'argus-bench-thread-messages';

/** A batch as a shard sends it: `n` masters' changed facts, and a few events. */
export function sampleBatch(n: number): ShardBatch {
  const now = 1_700_000_000_000;
  const hex = (i: number, c: string) => `${c.repeat(32)}${String(i).padStart(8, '0')}`;
  const facts: StampedFacts[] = [];
  for (let i = 0; i < n; i++) {
    const m = newMasterRecord(`master-${i}`, { host: `10.${i >> 8 & 255}.${i & 255}.1`, port: 6379 }, 2, defaultTimings(), now);
    m.runid = hex(i, 'a');
    m.flags |= i % 7 === 0 ? SRI.S_DOWN : 0;
    m.link.disconnected = false;
    m.link.lastPongTime = now + i;
    m.link.lastAvailTime = now + i;
    m.infoRefresh = now - 1_234;
    m.configEpoch = 3;
    for (const r of [2, 3]) {
      const addr = { host: `10.${i >> 8 & 255}.${i & 255}.${r}`, port: 6379 };
      const rec = newReplicaRecord(`${addr.host}:6379`, addr, m, now);
      rec.runid = hex(i, String(r));
      rec.slaveMasterHost = m.addr.host;
      rec.slaveMasterPort = 6379;
      rec.slaveMasterLinkStatusUp = true;
      rec.slaveReplOffset = 123_456_789 + i;
      m.replicas.set(rec.name, rec);
    }
    for (const s of [8, 9]) {
      const rec = newSentinelRecord(hex(i, String(s)), { host: `10.0.0.${s}`, port: 26379 }, m, now);
      rec.lastHelloTime = now - 500;
      m.sentinels.set(rec.name, rec);
    }
    facts.push({ gen: i + 1, facts: factsOf(m) });
  }
  const events = Array.from({ length: 3 }, (_, i) => ({
    level: 'warning' as const,
    type: '+sdown',
    text: `slave 10.0.${i}.2:6379 10.0.${i}.2 6379 @ master-${i} 10.0.${i}.1 6379`,
    master: `master-${i}`,
    time: now,
  }));
  return {
    type: 'batch', shard: 0, seq: 1, events, facts, flushRequested: true, currentEpoch: 3,
    freshReplies: n, freshSince: null, stalls: [], logs: [], scripts: [], forgetSentinels: [], crash: false,
  };
}

type Job = { kind: 'send' | 'receive'; encoding: WireEncoding; masters: number; batches: number };
type JobDone = { kind: 'done'; activeMs: number; wallMs: number };

/** Posts `count` batches back to back; returns the sender's active time. */
function sendAll(port: MessagePort, batch: ShardBatch, encoding: WireEncoding, count: number): number {
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < count; i++) {
    const { data, transfer } = encodeMessage(batch, encoding);
    port.postMessage(data, transfer);
  }
  return performance.eventLoopUtilization(elu0).active;
}

/** Receives `count` batches, decoding each; resolves with the receiver's active time and wall time. */
function receiveAll(port: MessagePort, encoding: WireEncoding, count: number): Promise<JobDone> {
  return new Promise((resolve) => {
    let got = 0;
    let t0 = 0;
    let elu0 = performance.eventLoopUtilization();
    const onMessage = (data: unknown): void => {
      if (got === 0) {
        t0 = performance.now();
        elu0 = performance.eventLoopUtilization();
      }
      const b = decodeMessage<ShardBatch>(data, encoding);
      if (b.facts.length === 0) throw new Error('empty batch');
      if (++got === count) {
        port.off('message', onMessage);
        resolve({ kind: 'done', activeMs: performance.eventLoopUtilization(elu0).active, wallMs: performance.now() - t0 });
      }
    };
    port.on('message', onMessage);
  });
}

async function workerMain(port: MessagePort): Promise<void> {
  const batches = new Map<number, ShardBatch>();
  const jobs = parentPort!;
  jobs.on('message', async (job: Job | 'exit') => {
    if (job === 'exit') {
      port.close();
      jobs.close();
      return;
    }
    if (job.kind === 'send') {
      const batch = batches.get(job.masters) ?? sampleBatch(job.masters);
      batches.set(job.masters, batch);
      const activeMs = sendAll(port, batch, job.encoding, job.batches);
      jobs.postMessage({ kind: 'done', activeMs, wallMs: 0 } satisfies JobDone);
    } else {
      jobs.postMessage({ kind: 'ready' });
      jobs.postMessage(await receiveAll(port, job.encoding, job.batches));
    }
  });
}

interface Result {
  direction: string;
  encoding: WireEncoding;
  masters: number;
  batchesPerSec: number;
  usPerBatch: number;
  senderUs: number;
  receiverUs: number;
  bytes: number;
}

export async function run(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL(import.meta.url), { workerData: { tag: WORKER_TAG, port: port2 }, transferList: [port2] });
  const next = <T>(): Promise<T> => new Promise((r) => worker.once('message', r));
  const results: Result[] = [];
  try {
    for (const { masters, batches } of SIZES) {
      const batch = sampleBatch(masters);
      const bytes = (encodeMessage(batch, 'msgpack').data as Uint8Array).byteLength;
      for (const encoding of ENCODINGS) {
        for (const direction of ['shard → main', 'main → shard'] as const) {
          const rounds: Result[] = [];
          // round 0 warms both threads up and is not counted
          for (let round = 0; round <= ROUNDS; round++) {
            const count = round === 0 ? Math.ceil(batches / 4) : batches;
            let sender: number;
            let received: JobDone;
            if (direction === 'shard → main') {
              const receiving = receiveAll(port1, encoding, count);
              const sent = next<JobDone>();
              worker.postMessage({ kind: 'send', encoding, masters, batches: count } satisfies Job);
              received = await receiving;
              sender = (await sent).activeMs;
            } else {
              const ready = next();
              worker.postMessage({ kind: 'receive', encoding, masters, batches: count } satisfies Job);
              await ready;
              const finished = next<JobDone>();
              const t0 = performance.now();
              sender = sendAll(port1, batch, encoding, count);
              const done = await finished;
              received = { ...done, wallMs: performance.now() - t0 };
            }
            if (round === 0) continue;
            rounds.push({
              direction,
              encoding,
              masters,
              batchesPerSec: count / (received.wallMs / 1000),
              usPerBatch: (received.wallMs * 1000) / count,
              senderUs: (sender * 1000) / count,
              receiverUs: (received.activeMs * 1000) / count,
              bytes: encoding === 'msgpack' ? bytes : Number.NaN,
            });
          }
          const median = (f: (r: Result) => number) => percentile(rounds.map(f), 50);
          results.push({
            ...rounds[0]!,
            batchesPerSec: median((r) => r.batchesPerSec),
            usPerBatch: median((r) => r.usPerBatch),
            senderUs: median((r) => r.senderUs),
            receiverUs: median((r) => r.receiverUs),
          });
        }
      }
    }
  } finally {
    worker.postMessage('exit');
    await worker.terminate();
    port1.close();
  }
  const f = (n: number, d = 0) => (Number.isNaN(n) ? '-' : n.toFixed(d));
  table(
    ['direction', 'masters/batch', 'encoding', 'batches/s', 'µs/batch', 'sender µs', 'receiver µs', 'bytes'],
    results.map((r) => [r.direction, String(r.masters), r.encoding, f(r.batchesPerSec), f(r.usPerBatch), f(r.senderUs), f(r.receiverUs), f(r.bytes)]),
  );
  for (const { masters } of SIZES) {
    const pick = (e: WireEncoding, d: string) => results.find((r) => r.masters === masters && r.encoding === e && r.direction === d)!;
    for (const d of ['shard → main', 'main → shard']) {
      const ratio = pick('clone', d).usPerBatch / pick('msgpack', d).usPerBatch;
      process.stdout.write(`${masters} masters, ${d}: clone/msgpack time ratio ${ratio.toFixed(2)}\n`);
    }
  }
  process.stdout.write(`wire encoding in use (src/actors/wire.ts): ${WIRE_ENCODING}\n`);
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) {
  await workerMain((workerData as { port: MessagePort }).port);
}
