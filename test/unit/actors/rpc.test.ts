/** connectShardApi against a real worker thread: replies, the worker's exit, and nothing kept per call. */
import test from 'ava';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { connectShardApi, type ShardCalls } from '../../../src/actors/rpc.js';
import { ArgusError } from '../../../src/errors.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function start(): { calls: ShardCalls; worker: Worker; open: () => number } {
  const worker = new Worker(new URL('../../helpers/rpc-worker.js', import.meta.url));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let open = 0;
  const calls = connectShardApi(worker, 7, exited, () => {
    open++;
    return () => open--;
  });
  return { calls, worker, open: () => open };
}

test('rpc: a call resolves with the worker\'s answer and counts as settled', async (t) => {
  const { calls, worker, open } = start();
  t.teardown(() => worker.terminate());
  const [row] = (await calls.view(['m1'])) as unknown as { name: string }[];
  t.is(row!.name, 'm1');
  t.is(open(), 0);
});

test('rpc: calls in flight and later calls reject with ARGUS_ERR_SHARD_EXIT when the worker exits', async (t) => {
  const { calls, open } = start();
  await calls.view(null);
  const hanging = calls.doctor(['m1']);
  t.is(open(), 1);
  void calls.exitForTest(3);
  const e = await t.throwsAsync(hanging, { instanceOf: ArgusError });
  t.is(e!.code, 'ARGUS_ERR_SHARD_EXIT');
  t.is(e!.message, 'shard 7 exited (code 3)');
  t.is(open(), 0, 'every call settled, the exit included');
  await t.throwsAsync(calls.view(null), { message: 'shard 7 exited (code 3)' });
});

test('rpc: a settled call leaves nothing behind while the worker lives (no reaction on a pending exit promise)', async (t) => {
  const { calls, worker } = start();
  t.teardown(() => worker.terminate());
  // the caller keeps no answer: a function of its own, so no frame of the test holds one
  const callAndDrop = async (i: number): Promise<WeakRef<object>> => new WeakRef(await calls.view([`m${i}`]));
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < 50; i++) refs.push(await callAndDrop(i));
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  t.is(refs.filter((r) => r.deref() !== undefined).length, 0, 'answers still reachable');
});
