import test from 'ava';
import { readFileSync } from 'node:fs';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { fields } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

let c: Cluster;

test.before(async () => {
  c = await startCluster({ argus: 3, replicas: 2 });
  await c.settled();
});

test.after.always(async () => {
  await c?.stop();
});

/** the flags of every peer s0 knows, by run id */
async function peersOf(): Promise<Map<string, string>> {
  const rows = (await c.sentinels[0]!.client.call('SENTINEL', 'SENTINELS', c.name)).value as unknown[];
  return new Map(rows.map((r) => fields(r as never)).map((f) => [String(f['runid']), String(f['flags'])]));
}

test.serial('forget: a live peer is refused, a stopped one forgotten: one voter fewer and its known-sentinel line gone', async (t) => {
  const [s0, s1, s2] = c.sentinels as [(typeof c.sentinels)[0], (typeof c.sentinels)[0], (typeof c.sentinels)[0]];
  const live = String((await s1.client.call('SENTINEL', 'MYID')).value);
  const gone = String((await s2.client.call('SENTINEL', 'MYID')).value);
  const refused = (await s0.client.call('SENTINEL', 'FORGET', c.name, live)).value as { error: string };
  t.regex(refused.error, new RegExp(`^ERR ${live} is reachable \\(not SDOWN\\)`));

  await s2.proc.stop();
  await waitFor(async () => (await peersOf()).get(gone)?.includes('s_down') ?? false, { timeout: 10_000, what: 'the stopped peer is SDOWN' });
  t.is(fields((await s0.client.call('SENTINEL', 'MASTER', c.name)).value)['num-other-sentinels'], '2');
  t.is((await s0.client.call('SENTINEL', 'FORGET', c.name, gone)).value, 'OK');
  // on disk before the reply
  const conf = readFileSync(s0.proc.configPath, 'latin1');
  t.false(conf.includes(gone), 'no known-sentinel line of the forgotten peer');
  t.true(conf.includes(`known-sentinel ${c.name} 127.0.0.1 ${s1.proc.port} ${live}`));
  await s0.events.wait('+forget-sentinel', new RegExp(`^sentinel ${gone} 127\\.0\\.0\\.1 ${s2.proc.port} @ ${c.name} `));
  t.deepEqual([...(await peersOf()).keys()], [live]);
  t.is(fields((await s0.client.call('SENTINEL', 'MASTER', c.name)).value)['num-other-sentinels'], '1', 'one voter fewer');
  t.is((await s0.client.call('SENTINEL', 'CKQUORUM', c.name)).value, 'OK 2 usable Sentinels. Quorum and failover authorization can be reached');
  // nothing brings it back while it stays stopped (the live peer's hellos name only itself)
  await new Promise((r) => setTimeout(r, 2_500));
  t.deepEqual([...(await peersOf()).keys()], [live]);
});

test.serial('forget: a replica taken out of the setup is forgotten by address, its known-replica line gone', async (t) => {
  const s0 = c.sentinels[0]!;
  const dead = c.replicas[1]!;
  const addr = `127.0.0.1:${dead.port}`;
  t.regex(((await s0.client.call('SENTINEL', 'FORGET', c.name, addr)).value as { error: string }).error, /is reachable/);
  await dead.stop();
  await waitFor(
    async () => {
      const rows = ((await s0.client.call('SENTINEL', 'REPLICAS', c.name)).value as unknown[]).map((r) => fields(r as never));
      return rows.some((r) => r['name'] === addr && String(r['flags']).includes('s_down'));
    },
    { timeout: 10_000, what: 'the stopped replica is SDOWN' },
  );
  t.is((await s0.client.call('SENTINEL', 'FORGET', c.name, addr)).value, 'OK');
  t.false(readFileSync(s0.proc.configPath, 'latin1').includes(`known-replica ${c.name} 127.0.0.1 ${dead.port}`));
  await s0.events.wait('+forget-slave', new RegExp(`^slave ${addr} `));
  const rows = ((await s0.client.call('SENTINEL', 'REPLICAS', c.name)).value as unknown[]).map((r) => fields(r as never));
  t.deepEqual(rows.map((r) => r['name']), [`127.0.0.1:${c.replicas[0]!.port}`]);
});
