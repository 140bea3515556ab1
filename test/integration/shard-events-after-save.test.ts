/**
 * A shard batch that asked for a config flush has its events published only once the save is
 * done (sentinel.c flushes before `+promoted-slave` and the like), and the batches behind it keep
 * their order. Real worker threads with the fake coordinator, a save held open by the test.
 */
import test from 'ava';
import { ShardHost } from '../../src/actors/shard-host.js';
import { EventBus } from '../../src/events/bus.js';
import type { SentinelEvent } from '../../src/events/event.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createMaster, newSentinelState } from '../../src/sentinel/state.js';
import { waitFor } from '../helpers/wait-for.js';

test('shard-host: events of a batch that asked for a flush wait for the save, and later batches wait behind them', async (t) => {
  const state = newSentinelState();
  state.myid = 'e'.repeat(40);
  // the fake coordinator adds a replica on start and asks for a flush in the same batch as +fake-start
  createMaster(state, 'alpha', '127.0.0.1', 7000, 2, systemClock.monotonic());
  const events: SentinelEvent[] = [];
  const bus = new EventBus(systemClock);
  bus.subscribe((e) => events.push(e));
  let release!: () => void;
  const saveDone = new Promise<void>((r) => (release = r));
  let saves = 0;
  const host = new ShardHost({
    state,
    events: bus,
    clock: systemClock,
    log: () => {},
    saveConfig: async () => {
      saves++;
      await saveDone;
    },
    shards: 1,
    listenPort: 26379,
    requirepass: null,
    workerUrl: new URL('../helpers/fake-shard-worker.js', import.meta.url),
    extra: { tickMs: 20, stallMs: 400 },
  });
  t.teardown(() => host.stop());
  await host.start();

  await waitFor(() => saves > 0, { what: 'the flush asked for' });
  // several ticks (each a batch with a +fake-tick) happen in the shard while the save is open
  const refreshes = new Set<number>();
  await waitFor(
    async () => {
      refreshes.add((await host.view(['alpha']))[0]!.infoRefresh);
      return refreshes.size >= 5;
    },
    { what: 'the shard ticking' },
  );
  t.deepEqual(events.filter((e) => e.master === 'alpha').map((e) => e.type), [], 'nothing published before the save is done');

  release();
  await waitFor(() => events.filter((e) => e.type === '+fake-tick').length >= 5, { what: 'the held events published' });
  const types = events.filter((e) => e.master === 'alpha').map((e) => e.type);
  t.is(types[0], '+fake-start', 'the batch that asked for the flush first');
  const seqs = events.filter((e) => e.type === '+fake-tick').map((e) => Number(/seq (\d+)/.exec(e.text)?.[1]));
  t.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'the ticks held behind it in their order');
});
