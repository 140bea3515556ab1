/**
 * The small version of the fleet issue's scale runs (bench/ has the large ones): 50 masters with a
 * replica each, watched by two Argus sentinels. Everything is discovered, ten masters killed at
 * once are all failed over by one leader each, the config files agree with what the sentinels
 * answer, and the saves behind all that were coalesced.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.js';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

const MASTERS = 50;
const KILLED = 10;

interface Node {
  readonly proc: SentinelProc;
  readonly client: RawClient;
  readonly events: EventRecorder;
}

/** Starts `count` processes with at most `width` starting at once, so 2 cores are not swamped. */
async function startBounded<T>(count: number, width: number, start: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await start(i);
      }
    }),
  );
  return out;
}

/** `INFO argus` as a field map. */
async function argusInfo(c: RawClient): Promise<Record<string, number>> {
  const text = String((await c.call('INFO', 'argus')).value);
  return Object.fromEntries(
    text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), Number(l.slice(l.indexOf(':') + 1))]),
  );
}

/** The types of every event in the sentinel's history (SENTINEL EVENTS, oldest first). */
async function historyTypes(c: RawClient): Promise<string[]> {
  const rows = (await c.call('SENTINEL', 'EVENTS', '*', '1000')).value as Value[];
  return rows.map((row) => String(fields(row).type));
}

/** SENTINEL MASTERS as name → field map. */
async function masters(c: RawClient): Promise<Map<string, Record<string, Value>>> {
  const rows = (await c.call('SENTINEL', 'MASTERS')).value as Value[];
  return new Map(rows.map((row) => fields(row)).map((f) => [String(f.name), f]));
}

test('fleet: 2 Argus discover 50 masters, their replicas and each other, fail over 10 killed masters at once, and coalesce their saves', async (t) => {
  const servers: Proc[] = [];
  const nodes: Node[] = [];
  t.teardown(async () => {
    for (const n of nodes) {
      n.events.close();
      n.client.close();
    }
    await Promise.all(nodes.map((n) => n.proc.cleanup()));
    await Promise.all(servers.map((p) => p.stop()));
  });

  const groups = await startBounded(MASTERS, 8, async () => {
    const master = await startRedisServer();
    servers.push(master);
    const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port)]);
    servers.push(replica);
    return { master, replica };
  });
  const config = groups
    .map(({ master }, i) =>
      `sentinel monitor m${i} 127.0.0.1 ${master.port} 2\n` +
      `sentinel down-after-milliseconds m${i} 1000\n` +
      `sentinel failover-timeout m${i} 10000\n`)
    .join('');
  for (let i = 0; i < 2; i++) {
    const proc = await startSentinel(config);
    const [client, events] = await Promise.all([RawClient.open(proc.port), EventRecorder.open(proc.port)]);
    nodes.push({ proc, client, events });
  }

  // Discovery: every master ok, with its replica and the other sentinel. A timeout names the
  // ones that are not (sentinel:name:flags:replicas:peers).
  await waitFor(
    async () => {
      const unsettled: string[] = [];
      for (const [j, n] of nodes.entries()) {
        const all = await masters(n.client);
        if (all.size !== MASTERS) throw new Error(`sentinel ${j}: ${all.size} masters`);
        for (const f of all.values()) {
          if (f['num-slaves'] !== '1' || f['num-other-sentinels'] !== '1' || f.flags !== 'master') {
            unsettled.push(`${j}:${f.name}:${f.flags}:${f['num-slaves']}:${f['num-other-sentinels']}`);
          }
        }
      }
      if (unsettled.length > 0) throw new Error(`${unsettled.length} unsettled, e.g. ${unsettled.slice(0, 6).join(' ')}`);
      return true;
    },
    { timeout: 40_000, what: 'every replica and peer discovered by both sentinels' },
  );
  for (const n of nodes) {
    // from the event history: a peer's hellos may be heard before the recorder's SUBSCRIBE is
    const seen = await historyTypes(n.client);
    t.is(seen.filter((type) => type === '+slave').length, MASTERS, 'one +slave per master');
    t.is(seen.filter((type) => type === '+sentinel').length, MASTERS, 'one +sentinel per master');
    t.is(seen.filter((type) => type === '+tilt').length, 0);
    const info = await argusInfo(n.client);
    t.log(`discovery: ${info.argus_config_saves} saves for ${info.argus_config_save_requests} requests`);
    // redis-sentinel rewrites the file for every +slave and every +sentinel: 2 × MASTERS here
    t.true(info.argus_config_saves! >= 1);
    t.true(info.argus_config_saves! < 2 * MASTERS, 'changes that arrive together are saved together');
    t.is(info.argus_config_save_failures, 0);
  }

  // Mass failure: ten masters killed at once.
  const killed = groups.slice(0, KILLED);
  const marks = nodes.map((n) => n.events.events.length);
  for (const { master } of killed) master.child.kill('SIGKILL');
  await waitFor(
    () => nodes.every((n, j) => killed.every((_g, i) => n.events.events.slice(marks[j]).some((e) => e.channel === '+switch-master' && e.text.startsWith(`m${i} `)))),
    { timeout: 45_000, what: `+switch-master for all ${KILLED} killed masters on both sentinels` },
  );
  for (const [j, n] of nodes.entries()) {
    const seen = n.events.events.slice(marks[j]);
    for (const [i, { replica }] of killed.entries()) {
      const switches = seen.filter((e) => e.channel === '+switch-master' && e.text.startsWith(`m${i} `));
      t.is(switches.length, 1, `m${i}: one +switch-master`);
      t.regex(switches[0]!.text, new RegExp(` 127\\.0\\.0\\.1 ${replica.port}$`), `m${i}: its replica promoted`);
    }
    t.deepEqual(seen.filter((e) => e.channel.startsWith('-failover-abort')).map((e) => `${e.channel} ${e.text}`), [], 'no aborted election');
  }
  const leaders = nodes.flatMap((n, j) => n.events.events.slice(marks[j]).filter((e) => e.channel === '+elected-leader'));
  t.is(leaders.length, KILLED, 'one leader per killed master');
  t.is(new Set(leaders.map((e) => e.text.split(' ')[1])).size, KILLED);

  // The config files say what the sentinels answer (read once every save has landed).
  for (const n of nodes) {
    await waitFor(async () => {
      const live = await masters(n.client);
      const loaded = loadConfig(readFileSync(n.proc.configPath, 'latin1'), n.proc.configPath, [], 0).state;
      if (loaded.masters.size !== MASTERS) return false;
      for (const [name, f] of live) {
        const m = loaded.masters.get(name);
        if (!m || m.addr.host !== f.ip || String(m.addr.port) !== f.port || String(m.configEpoch) !== f['config-epoch']) return false;
      }
      return true;
    }, { timeout: 10_000, what: `${n.proc.configPath} agrees with SENTINEL MASTERS` });
    const info = await argusInfo(n.client);
    t.log(`after the failovers: ${info.argus_config_saves} saves for ${info.argus_config_save_requests} requests`);
    t.is(info.argus_config_save_failures, 0);
  }
});
