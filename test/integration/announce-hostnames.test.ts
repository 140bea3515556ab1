import test, { type ExecutionContext } from 'ava';
import { lookup } from 'node:dns/promises';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `sentinel announce-hostnames no` with instances known by name (resolve-hostnames yes): every
 * reply and event shows the IP a name resolves to, as sentinel.c's announceSentinelAddr does,
 * and `SENTINEL CONFIG SET announce-hostnames` switches at once, both ways. The master is
 * monitored as `localhost`; the replica announces itself as `localhost` (replica-announce-ip),
 * so it is known by name too. The same scenario runs against Argus and Debian's redis-sentinel
 * 7.0.15, and both must show the same addresses. Where they differ, on purpose:
 *
 * - a replica's name: Redis names a replica by its announced address when it creates the record
 *   and keeps that name, and since it also looks replicas up by the announced address, a switch
 *   of announce-hostnames makes the next INFO add a second record for the same replica (seen on
 *   7.0.15: `localhost:R` and `127.0.0.1:R`, num-slaves 2). Argus keeps one record and shows it
 *   under the name the current setting gives. Records created while the setting holds (after a
 *   RESET here) have the same name in both.
 *
 * Only 7.0.15 runs here. The sentinel.c sources read (6.2 on) apply announceSentinelAddr to the
 * same fields; no 7.2 change to them is known, but 7.2 was not run.
 */

const HOST = 'localhost';

interface Setup {
  readonly sentinel: SentinelProc;
  readonly master: Proc;
  readonly replica: Proc;
  readonly events: EventRecorder;
  readonly client: RawClient;
  /** the client-reconfig script's runs, one line of arguments each */
  readonly scriptRuns: () => string[];
}

async function setup(t: ExecutionContext, impl: 'argus' | 'redis'): Promise<Setup> {
  const master = await startRedisServer();
  t.teardown(() => master.stop());
  const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port), '--replica-announce-ip', HOST]);
  t.teardown(async () => {
    replica.child.kill('SIGCONT');
    await replica.stop();
  });
  const tmp = tempDir('announce-hostnames-');
  t.teardown(tmp.cleanup);
  const out = join(tmp.dir, 'reconfig.out');
  const script = join(tmp.dir, 'reconfig.sh');
  writeFileSync(script, `#!/bin/sh\necho "$@" >> ${out}\n`);
  chmodSync(script, 0o755);
  const sentinel = await startSentinel(
    'sentinel resolve-hostnames yes\n' +
      'sentinel announce-hostnames yes\n' +
      `sentinel monitor m ${HOST} ${master.port} 1\n` +
      'sentinel down-after-milliseconds m 2000\n' +
      `sentinel client-reconfig-script m ${script}\n`,
    { impl },
  );
  t.teardown(() => sentinel.cleanup());
  const events = await EventRecorder.open(sentinel.port);
  t.teardown(() => events.close());
  const client = await RawClient.open(sentinel.port);
  t.teardown(() => client.close());
  const scriptRuns = (): string[] => (existsSync(out) ? readFileSync(out, 'latin1').split('\n').filter((l) => l !== '') : []);
  return { sentinel, master, replica, events, client, scriptRuns };
}

const call = async (s: Setup, ...args: string[]): Promise<Value> => (await s.client.call(...args)).value;
const masterAddr = (s: Setup): Promise<Value> => call(s, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm');
const masterMap = async (s: Setup): Promise<Record<string, Value>> => fields(await call(s, 'SENTINEL', 'MASTER', 'm'));
const replicaMaps = async (s: Setup): Promise<Record<string, Value>[]> => ((await call(s, 'SENTINEL', 'REPLICAS', 'm')) as Value[]).map(fields);
const infoAddress = async (s: Setup): Promise<string | undefined> =>
  /master0:name=m,status=\w+,address=([^,]+),/.exec(String(await call(s, 'INFO', 'sentinel')))?.[1];

/** The entries of SENTINEL REPLICAS for `port` once one is connected (flags `slave` alone). */
const linkedReplica = (s: Setup, port: number, what: string): Promise<Record<string, Value>[]> =>
  waitFor(async () => {
    const all = (await replicaMaps(s)).filter((r) => r.port === String(port));
    return all.some((r) => r.flags === 'slave') ? all : null;
  }, { timeout: 25_000, what });

const announceHostnames = async (s: Setup, value: 'yes' | 'no'): Promise<void> => {
  const reply = await call(s, 'SENTINEL', 'CONFIG', 'SET', 'announce-hostnames', value);
  if (reply !== 'OK') throw new Error(`CONFIG SET announce-hostnames ${value}: ${JSON.stringify(reply)}`);
};

async function scenario(t: ExecutionContext, impl: 'argus' | 'redis'): Promise<void> {
  t.timeout(120_000);
  const ip = (await lookup(HOST)).address;
  const s = await setup(t, impl);
  const M = s.master.port;
  const R = s.replica.port;
  const bracket = (h: string): string => (h.includes(':') ? `[${h}]` : h);

  // announce-hostnames yes: names everywhere
  let replicas = await linkedReplica(s, R, 'the replica discovered by name');
  t.deepEqual(replicas.map((r) => [r.name, r.ip]), [[`${HOST}:${R}`, HOST]]);
  t.deepEqual(await masterAddr(s), [HOST, String(M)]);
  t.like(await masterMap(s), { name: 'm', ip: HOST, port: String(M) });
  t.is(await infoAddress(s), `${HOST}:${M}`);

  // no: the resolved IP at once, in every reply
  await announceHostnames(s, 'no');
  t.deepEqual(await masterAddr(s), [ip, String(M)]);
  t.like(await masterMap(s), { name: 'm', ip, port: String(M) });
  t.is(await infoAddress(s), `${ip}:${M}`);
  replicas = (await replicaMaps(s)).filter((r) => r.port === String(R));
  t.true(replicas.length > 0 && replicas.every((r) => r.ip === ip), JSON.stringify(replicas.map((r) => [r.name, r.ip])));
  // the record made under `yes`: Redis keeps its name, Argus shows it by the current setting
  t.deepEqual(replicas.map((r) => r.name).slice(0, 1), [impl === 'argus' ? `${bracket(ip)}:${R}` : `${HOST}:${R}`]);

  // events: the master's (+reset-master) and a replica's, named and addressed by IP
  let from = s.events.events.length;
  t.is(await call(s, 'SENTINEL', 'RESET', 'm'), 1);
  await s.events.wait('+reset-master', `master m ${ip} ${M}`, { from });
  const slave = `slave ${bracket(ip)}:${R} ${ip} ${R} @ m ${ip} ${M}`;
  await s.events.wait('+slave', slave, { from, timeout: 25_000 });
  replicas = await linkedReplica(s, R, 'the replica linked again after RESET');
  t.deepEqual(replicas.map((r) => [r.name, r.ip]), [[`${bracket(ip)}:${R}`, ip]]);
  from = s.events.events.length;
  s.replica.child.kill('SIGSTOP');
  await s.events.wait('+sdown', slave, { from, timeout: 20_000 });
  s.replica.child.kill('SIGCONT');
  await s.events.wait('-sdown', slave, { from, timeout: 20_000 });

  // a forced failover: +switch-master, the client-reconfig script and the new address by IP
  from = s.events.events.length;
  await waitFor(async () => (await call(s, 'SENTINEL', 'FAILOVER', 'm')) === 'OK', { timeout: 20_000, what: 'FAILOVER accepted' });
  await s.events.wait('+switch-master', `m ${ip} ${M} ${ip} ${R}`, { from, timeout: 30_000 });
  t.deepEqual(await waitFor(() => s.scriptRuns()[0], { timeout: 10_000, what: 'the client-reconfig script' }), `m leader start ${ip} ${M} ${ip} ${R}`);
  t.deepEqual(await masterAddr(s), [ip, String(R)]);
  t.like(await masterMap(s), { ip, port: String(R) });

  // The old master is a replica record now, made by the switch from its address (`localhost`).
  // Converted, it replicates from the new master, whose INFO lists it by IP (it announces no
  // name): with announce-hostnames no that is the same record, shown by its IP, not a second.
  await waitFor(async () => JSON.stringify(await call(s, 'SENTINEL', 'INFO-CACHE', 'm')).includes(`ip=${ip},port=${M},`), {
    timeout: 60_000,
    what: 'the new master listing the old one as its replica',
  });
  let old = (await replicaMaps(s)).filter((r) => r.port === String(M));
  t.deepEqual(old.map((r) => [r.name, r.ip]), [[`${bracket(ip)}:${M}`, ip]]);

  // yes again: names at once, for the old master's record too
  await announceHostnames(s, 'yes');
  t.deepEqual(await masterAddr(s), [HOST, String(R)]);
  t.like(await masterMap(s), { ip: HOST, port: String(R) });
  t.is(await infoAddress(s), `${HOST}:${R}`);
  old = (await replicaMaps(s)).filter((r) => r.port === String(M));
  t.deepEqual(old.map((r) => r.ip), [HOST]);
  // after a RESET the old master is found again by what the new master's INFO says: an IP,
  // which is what it shows, whatever announce-hostnames says
  from = s.events.events.length;
  t.is(await call(s, 'SENTINEL', 'RESET', 'm'), 1);
  await s.events.wait('+reset-master', `master m ${HOST} ${R}`, { from });
  await s.events.wait('+slave', `slave ${bracket(ip)}:${M} ${ip} ${M} @ m ${HOST} ${R}`, { from, timeout: 25_000 });
  old = (await replicaMaps(s)).filter((r) => r.port === String(M));
  t.deepEqual(old.map((r) => [r.name, r.ip]), [[`${bracket(ip)}:${M}`, ip]]);

  // a peer with announce-hostnames no asks about the master by its IP: found, and voted for
  await announceHostnames(s, 'no');
  const peer = 'f'.repeat(40);
  t.deepEqual(await call(s, 'SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', ip, String(R), '100', peer), [0, peer, 100]);
}

test.serial('announce-hostnames: Argus shows resolved IPs with no and names with yes, switching at once', (t) => scenario(t, 'argus'));
test.serial('announce-hostnames: redis-sentinel shows the same addresses (the reference)', (t) => scenario(t, 'redis'));
