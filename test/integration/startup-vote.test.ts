import test from 'ava';
import { ARGUS_BIN, REDIS_SENTINEL, spawnProc, startRedisServer, startSentinel, type Proc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A sentinel answers IS-MASTER-DOWN-BY-ADDR from the moment its port accepts connections, also
 * while its shards are still loading the masters: a vote is granted (or the one already given
 * repeated) on the first answer, never refused as if the master were unknown.
 */

const RUNID_A = 'a'.repeat(40);
const RUNID_B = 'b'.repeat(40);

/** Connects as soon as the port accepts (polled), then asks for a vote at once. */
async function firstAnswer(port: number, masterPort: number, epoch: number, runid: string): Promise<unknown> {
  const client = await waitFor(() => RawClient.open(port).catch(() => null), { timeout: 15_000, what: 'the port to accept' });
  try {
    return (await client.call('SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', String(masterPort), String(epoch), runid)).value;
  } finally {
    client.close();
  }
}

for (const impl of ['argus', 'redis'] as const) {
  test(`startup vote (${impl}): the first answer after the port opens grants the vote; after a restart no second one in that epoch`, async (t) => {
    const master: Proc = await startRedisServer();
    const sentinel = await startSentinel(`sentinel monitor mymaster 127.0.0.1 ${master.port} 2\n`, { impl, waitReady: false });
    let restarted: Proc | null = null;
    t.teardown(async () => {
      await restarted?.stop();
      await sentinel.cleanup();
      await master.stop();
    });
    t.deepEqual(await firstAnswer(sentinel.port, master.port, 1, RUNID_A), [0, RUNID_A, 1]);

    // The vote's epoch is on disk (leader-epoch), its leader is not: from its first answer on,
    // a restarted sentinel grants nobody else epoch 1 (`*`, as redis-sentinel answers), and
    // votes again in a later epoch.
    await sentinel.stop();
    restarted = impl === 'argus'
      ? spawnProc(process.execPath, [ARGUS_BIN, sentinel.configPath], sentinel.port, sentinel.dir)
      : spawnProc(REDIS_SENTINEL, [sentinel.configPath], sentinel.port, sentinel.dir);
    t.deepEqual(await firstAnswer(sentinel.port, master.port, 1, RUNID_B), [0, '*', 1]);
    t.deepEqual(await firstAnswer(sentinel.port, master.port, 2, RUNID_B), [0, RUNID_B, 2]);
  });
}
