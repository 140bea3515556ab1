/**
 * Start-up of a shard thread: reads its ShardInit, builds the ShardRuntime around a coordinator
 * factory, serves the control API on parentPort and sends batches on the init port. Shared by
 * workers/shard.ts (the real factory) and the test workers (fake ones).
 *
 * Nothing here writes to stdout or stderr: an uncaught error or an unhandled rejection becomes a
 * log line for the main thread, and the thread exits with status 1 so the host restarts it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { systemRandom } from '../runtime/random.js';
import { trimHeapPeriodically } from '../runtime/reclaim.js';
import type { CoordinatorFactory } from './coordinator.js';
import { SharedEpoch } from './shared-epoch.js';
import { PROTOCOL_VERSION, type ShardInit, type ShardToMain } from './protocol.js';
import { exposeShardApi } from './rpc.js';
import { alignedClock } from './shard-clock.js';
import { errorText, ShardRuntime } from './shard-runtime.js';
import { encodeMessage } from './wire.js';

/** The init data of this thread, for factories that read test options from `extra`. */
export const shardInit = (): ShardInit => workerData as ShardInit;

export function startShardThread(factory: CoordinatorFactory): ShardRuntime {
  if (isMainThread || parentPort === null) throw new Error('startShardThread runs in a worker thread');
  const init = shardInit();
  const port = init.port;
  const send = (msg: ShardToMain): void => {
    const { data, transfer } = encodeMessage(msg);
    port.postMessage(data, transfer);
  };

  const runtime = new ShardRuntime({
    shard: init.shard,
    factory,
    clock: alignedClock(init.monotonicOffset),
    random: systemRandom,
    globals: init.globals,
    epoch: new SharedEpoch(init.epochBuffer),
    send,
    batchIntervalMs: init.batchIntervalMs,
    heartbeatMs: init.heartbeatMs,
    exit: (code) => process.exit(code),
  });

  const die = (what: string, e: unknown): void => {
    runtime.log('warning', `Shard ${init.shard}: ${what}: ${errorText(e)}`);
    // the log line leaves now; posted messages are delivered even though the thread then ends
    runtime.flush();
    process.exit(1);
  };
  process.on('uncaughtException', (e) => die('uncaught exception', e));
  process.on('unhandledRejection', (e) => die('unhandled rejection', e));

  // A shard's heap, like the main thread's, otherwise holds ~10 MB of garbage for minutes
  // (bench/soak.ts: 8.7 MB live in 18.5 MB committed per shard).
  trimHeapPeriodically();

  // The API object is the runtime itself: comlink calls its methods with it as `this`.
  exposeShardApi(runtime, parentPort);
  send({ type: 'ready', shard: init.shard, protocolVersion: PROTOCOL_VERSION });
  return runtime;
}
