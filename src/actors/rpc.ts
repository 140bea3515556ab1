/**
 * Control calls into shard workers, through comlink over the worker's parentPort (comlink's node
 * adapter). comlink turns `api.addMaster(x)` into one request and one reply message; it is kept
 * for the control path because calls there are few (operator commands, start-up, restarts) and
 * a typed proxy is worth more than the bytes. Two gaps of comlink are closed here:
 *  - a call whose worker dies never settles in comlink: every call in flight rejects with
 *    ARGUS_ERR_SHARD_EXIT when the worker exits. Not through Promise.race with the exit: a
 *    promise that stays pending for the worker's life keeps a reaction of every call ever
 *    raced against it (a soak measured the main heap growing by ~2000 promises in 9 minutes);
 *    a set of the calls in flight holds only those;
 *  - comlink adds one 'message' listener per call in flight, which trips Node's
 *    MaxListenersExceededWarning (printed on stderr) past ten: the limit is lifted on the worker,
 *    and bulk work goes through one call (`addMasters`), never a burst of calls.
 */
import * as comlink from 'comlink';
import nodeAdapter from 'comlink/dist/umd/node-adapter.js';
import type { MessagePort, Worker } from 'node:worker_threads';
import { ArgusError } from '../errors.js';
import type { ShardApi } from './protocol.js';

// The UMD build sets module.exports to the function; its .d.ts declares it as a default export.
const nodeEndpoint = nodeAdapter as unknown as typeof nodeAdapter.default;

/** Serves `api` to the main thread (worker side). */
export function exposeShardApi(api: ShardApi, port: MessagePort): void {
  comlink.expose(api, nodeEndpoint(port as unknown as Parameters<typeof nodeEndpoint>[0]));
}

/** What the main thread can call: each method returns a promise of the ShardApi result. */
export type ShardCalls = { [K in keyof ShardApi]: (...args: Parameters<ShardApi[K]>) => Promise<Awaited<ReturnType<ShardApi[K]>>> };

/**
 * The main thread's handle on one worker's API. `exited` resolves with the exit code when the
 * worker goes; every pending and later call then rejects with ARGUS_ERR_SHARD_EXIT.
 */
export function connectShardApi(
  worker: Worker,
  shard: number,
  exited: Promise<number>,
  /** a call goes out; the function it returns is called once it has settled */
  onCall: () => () => void = () => () => {},
): ShardCalls {
  worker.setMaxListeners(0);
  const remote = comlink.wrap<ShardApi>(nodeEndpoint(worker as unknown as Parameters<typeof nodeEndpoint>[0]));
  let gone: ArgusError | null = null;
  const inFlight = new Set<(e: unknown) => void>();
  void exited.then((code) => {
    gone = new ArgusError('ARGUS_ERR_SHARD_EXIT', `shard ${shard} exited (code ${code})`, { shard, code });
    for (const fail of [...inFlight]) fail(gone);
  });
  return new Proxy({} as ShardCalls, {
    get(_target, method: string | symbol) {
      // not a thenable: `await calls` or returning it from an async function must not call out
      if (method === 'then' || typeof method === 'symbol') return undefined;
      return (...args: unknown[]) => {
        if (gone !== null) return Promise.reject(gone);
        const settled = onCall();
        const fn = (remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
        return new Promise((resolve, reject) => {
          // the first of the reply and the worker's exit settles the call
          const end = (settle: () => void): void => {
            if (!inFlight.delete(fail)) return;
            settled();
            settle();
          };
          const fail = (e: unknown): void => end(() => reject(e));
          inFlight.add(fail);
          fn(...args).then((v) => end(() => resolve(v)), fail);
        });
      };
    },
  });
}
