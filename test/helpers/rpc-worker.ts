/**
 * A worker serving a stand-in of the shard API through exposeShardApi, for the control-call
 * tests: `view` answers with a fresh object, `doctor` never answers, `exitForTest` ends the thread.
 */
import { parentPort } from 'node:worker_threads';
import type { ShardApi } from '../../src/actors/protocol.js';
import { exposeShardApi } from '../../src/actors/rpc.js';

const api = {
  view: (names: readonly string[] | null) => [{ name: names?.[0] ?? 'all', payload: 'x'.repeat(1024) }],
  doctor: () => new Promise(() => {}),
  exitForTest: (code: number): void => {
    setImmediate(() => process.exit(code));
  },
};

exposeShardApi(api as unknown as ShardApi, parentPort!);
