import test from 'ava';
import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { roleOf, startCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Real clients resolve the master through the Argus sentinels, keep writing while it is killed,
 * and resume on the promoted replica. The write gap is printed (it is a figure, not a limit).
 */
test.serial('clients: ioredis and node-redis follow an Argus failover and resume writing', async (t) => {
  const c = await startCluster({ argus: 3 });
  t.teardown(() => c.stop());
  await c.settled();
  const sentinels = c.sentinels.map((s) => ({ host: '127.0.0.1', port: s.proc.port }));

  const io = new Redis({ sentinels, name: c.name, enableOfflineQueue: true, maxRetriesPerRequest: null, retryStrategy: () => 50 });
  io.on('error', () => {});
  t.teardown(() => io.disconnect());
  const nr = createSentinel({ name: c.name, sentinelRootNodes: sentinels });
  nr.on('error', () => {});
  await nr.connect();
  t.teardown(() => nr.destroy());

  const writer = (name: string, write: (i: number) => Promise<unknown>) => {
    const state = { ok: 0, lastOk: 0, gap: 0, stop: false };
    void (async () => {
      for (let i = 0; !state.stop; i++) {
        try {
          await write(i);
          const now = Date.now();
          if (state.lastOk) state.gap = Math.max(state.gap, now - state.lastOk);
          state.lastOk = now;
          state.ok++;
        } catch {
          // the failover window: try again
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    t.teardown(() => {
      state.stop = true;
    });
    return { name, state };
  };
  const w1 = writer('ioredis', (i) => io.set('k-io', String(i)));
  const w2 = writer('node-redis', (i) => nr.set('k-nr', String(i)));
  await waitFor(() => w1.state.ok > 5 && w2.state.ok > 5, { what: 'both clients writing' });

  c.master.child.kill('SIGKILL');
  const sw = await c.sentinels[0]!.events.wait('+switch-master', /^mymaster /, { timeout: 30_000 });
  const newPort = Number(sw.text.split(' ')[4]);
  const okAtSwitch = [w1.state.ok, w2.state.ok];
  await waitFor(() => w1.state.ok > okAtSwitch[0]! + 5 && w2.state.ok > okAtSwitch[1]! + 5, {
    timeout: 20_000,
    what: 'both clients writing again after the switch',
  });
  t.is(await roleOf(newPort), 'master');
  const { RawClient } = await import('../helpers/raw-client.js');
  const probe = await RawClient.open(newPort);
  t.teardown(() => probe.close());
  t.truthy((await probe.call('GET', 'k-io')).value, 'ioredis writes landed on the new master');
  t.truthy((await probe.call('GET', 'k-nr')).value, 'node-redis writes landed on the new master');
  t.log(`write gap: ioredis ${w1.state.gap} ms, node-redis ${w2.state.gap} ms (down-after 1000 ms)`);
});
