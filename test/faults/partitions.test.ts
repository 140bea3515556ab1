import test, { type ExecutionContext } from 'ava';
import { EventRecorder, type SeenEvent } from '../helpers/events.js';
import { ownLeftovers, startLan, type Host, type Lan } from '../helpers/netns.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { compareLower, ms, recordScore, type Verdict } from '../helpers/scorecard.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Network partitions on a virtual LAN (test/helpers/netns.ts): a master and two replicas on three
 * hosts, three sentinels on three more, quorum 2. Each scenario runs a LAN of Argus sentinels and
 * a LAN of redis-sentinel side by side, puts both through the same cuts at the same moments of
 * their own runs, and records one scorecard row with both sides' figures.
 */

type Impl = 'argus' | 'redis';
const NAME = 'mymaster';
// 1.5 s rather than 1 s: on a loaded 2-core box a spurious +sdown by a second sentinel would
// make quorum 2 in the minority scenario and start a failover the test says must not happen.
const DOWN_AFTER = 1_500;
/**
 * How long a cut lasts before it heals: past min-link-reconnect-period (15 s), so the connections
 * that hung at the cut have been closed and both implementations are reconnecting when it heals.
 * A shorter cut measures only where the kernel's TCP retransmission backoff happened to be.
 */
const HOLD_MS = 16_000;
/** Both implementations act on a once-a-second tick (PING, reconnect): closer than that is a tie. */
const TICK_MS = 1_000;

/** compareLower, but a difference under one tick is 'same': one run's phase, not a property. */
const verdictOf = (argusMs: number, sentinelMs: number): Verdict => compareLower(argusMs, sentinelMs, 0.1, TICK_MS);
const SENTINELS = ['s1', 's2', 's3'] as const;
type SentinelName = (typeof SENTINELS)[number];

interface Sentinel {
  readonly name: SentinelName;
  readonly host: Host;
  readonly proc: SentinelProc;
  readonly client: RawClient;
  readonly events: EventRecorder;
}

interface Net {
  readonly impl: Impl;
  readonly lan: Lan;
  readonly master: Proc;
  readonly masterIp: string;
  readonly replicaIps: readonly string[];
  readonly sentinels: readonly Sentinel[];
  sentinel(name: SentinelName): Sentinel;
}

/**
 * Starts the LAN and its processes; every piece is handed to `t.teardown` as soon as it exists,
 * so a failure at any point still stops the processes and then deletes the namespaces.
 */
async function startNet(t: ExecutionContext, impl: Impl): Promise<Net> {
  const lan = await startLan(['m', 'r1', 'r2', ...SENTINELS]);
  const procs: Proc[] = [];
  const clients: { close(): void }[] = [];
  t.teardown(async () => {
    for (const c of clients) c.close();
    await Promise.all(procs.map((p) => p.stop()));
    await lan.teardown();
  });
  const track = <P extends Proc>(p: P): P => {
    procs.push(p);
    return p;
  };

  const m = lan.host('m');
  const master = track(await startRedisServer([], undefined, m));
  for (const r of ['r1', 'r2']) track(await startRedisServer(['--replicaof', m.ip, '6379'], undefined, lan.host(r)));
  const config =
    `sentinel monitor ${NAME} ${m.ip} 6379 2\n` +
    `sentinel down-after-milliseconds ${NAME} ${DOWN_AFTER}\n` +
    `sentinel failover-timeout ${NAME} 10000\n`;
  const sentinels = await Promise.all(
    SENTINELS.map(async (name): Promise<Sentinel> => {
      const host = lan.host(name);
      // generous: six sentinels start at once on a shared, loaded 2-core machine
      const proc = track(await startSentinel(config, { impl, at: host, readyTimeout: 30_000 }));
      const client = await RawClient.open(proc.port, host.ip);
      clients.push(client);
      const events = await EventRecorder.open(proc.port, undefined, undefined, host.ip);
      clients.push(events);
      return { name, host, proc, client, events };
    }),
  );
  const net: Net = {
    impl,
    lan,
    master,
    masterIp: m.ip,
    replicaIps: [lan.host('r1').ip, lan.host('r2').ip],
    sentinels,
    sentinel: (name) => sentinels.find((s) => s.name === name)!,
  };
  await waitFor(
    async () => {
      for (const s of sentinels) {
        const f = await masterFields(s);
        if (f['num-other-sentinels'] !== '2' || f['num-slaves'] !== '2') return false;
      }
      return true;
    },
    { timeout: 40_000, what: `${impl}: every sentinel knows its peers and both replicas` },
  );
  return net;
}

const masterFields = async (s: Sentinel) => fields((await s.client.call('SENTINEL', 'MASTER', NAME)).value);

async function addrOf(s: Sentinel): Promise<string> {
  const v = (await s.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)).value as string[] | null;
  return v ? `${v[0]}:${v[1]}` : 'null';
}

/** ROLE of the redis-server at ip:6379, as [role, master ip] (the master ip only for a replica). */
async function roleAt(ip: string): Promise<[string, string | null]> {
  const c = await RawClient.open(6379, ip);
  try {
    const r = (await c.call('ROLE')).value as string[];
    return [String(r[0]), r[0] === 'slave' ? String(r[1]) : null];
  } finally {
    c.close();
  }
}

/**
 * Converged on `masterIp`: every sentinel names it, none flags it down, all hold the same config
 * epoch, and every other data node reports itself a replica of it (so no second master is left).
 */
async function converged(net: Net, masterIp: string, dataIps: readonly string[]): Promise<boolean> {
  const epochs = new Set<string>();
  for (const s of net.sentinels) {
    if ((await addrOf(s)) !== `${masterIp}:6379`) return false;
    const f = await masterFields(s);
    if (f['flags'] !== 'master') return false;
    epochs.add(String(f['config-epoch']));
  }
  if (epochs.size !== 1) return false;
  if ((await roleAt(masterIp))[0] !== 'master') return false;
  for (const ip of dataIps.filter((x) => x !== masterIp)) {
    const [role, of] = await roleAt(ip);
    if (role !== 'slave' || of !== masterIp) return false;
  }
  return true;
}

const escape = (s: string): string => s.replace(/\./g, '\\.');
const switchedFrom = (ip: string): RegExp => new RegExp(`^${NAME} ${escape(ip)} 6379 `);
const masterEvent = (ip: string): RegExp => new RegExp(`^master ${NAME} ${escape(ip)} 6379`);
/** events that only a sentinel going for a failover publishes */
const FAILOVER_EVENTS = ['+odown', '+try-failover', '+elected-leader', '+failover-state-select-slave', '+switch-master'];
const failoverEvents = (s: Sentinel): SeenEvent[] => s.events.events.filter((e) => FAILOVER_EVENTS.includes(e.channel));

/** Runs `scenario` on an Argus LAN and a redis-sentinel LAN at the same time: [argus, redis]. */
const sideBySide = <T>(t: ExecutionContext, scenario: (t: ExecutionContext, net: Net) => Promise<T>): Promise<[T, T]> =>
  Promise.all([startNet(t, 'argus').then((n) => scenario(t, n)), startNet(t, 'redis').then((n) => scenario(t, n))]);

test.after.always('no namespace or link of this process is left behind', async (t) => {
  await waitFor(async () => (await ownLeftovers()).length === 0, { timeout: 10_000, what: 'no leftovers' }).catch(() => undefined);
  t.deepEqual(await ownLeftovers(), []);
});

test.serial('netns: a cut drops packets silently both ways, heal restores them, the observer always gets through', async (t) => {
  t.timeout(60_000);
  const lan = await startLan(['a', 'b']);
  const procs: Proc[] = [];
  t.teardown(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await lan.teardown();
  });
  const [a, b] = [lan.host('a'), lan.host('b')];
  procs.push(await startRedisServer([], undefined, a), await startRedisServer([], undefined, b));
  // redis-cli from one host to the other, given `seconds`: 124 is `timeout` ending a connect that
  // hangs (a refused or failed connect exits 1 at once)
  const ping = async (from: Host, to: Host, seconds = 10) => {
    const p = from.exec('timeout', [String(seconds), 'redis-cli', '-h', to.ip, 'ping']);
    procs.push(p);
    return { code: await p.exited, out: p.stdout().trim() };
  };
  t.like(await ping(a, b), { code: 0, out: 'PONG' });
  await lan.cut('a', 'b');
  t.like(await ping(a, b, 2), { code: 124, out: '' }, 'a → b hangs, it is not refused');
  t.like(await ping(b, a, 2), { code: 124, out: '' }, 'b → a hangs too');
  t.is((await roleAt(a.ip))[0], 'master', 'the observer still reaches a');
  t.is((await roleAt(b.ip))[0], 'master', 'the observer still reaches b');
  await lan.heal('a', 'b');
  t.like(await ping(a, b), { code: 0, out: 'PONG' });
  await lan.isolate('b');
  t.like(await ping(a, b, 2), { code: 124, out: '' }, 'isolated b is out of reach');
  t.is((await roleAt(b.ip))[0], 'master', 'the observer still reaches isolated b');
  await lan.rejoin('b');
  t.like(await ping(b, a), { code: 0, out: 'PONG' });

  await Promise.all(procs.map((p) => p.stop()));
  await lan.teardown();
  const names = [...lan.hosts.values()].map((h) => h.ns);
  t.deepEqual((await ownLeftovers()).filter((n) => names.includes(n)), [], 'the namespaces are gone');
});

test.serial('partition: the master cut from 2 of 3 sentinels is failed over by them, and rejoins as a replica', async (t) => {
  t.timeout(150_000);
  // The master keeps its replicas and sentinel s3; s1 and s2, a majority, lose it.
  const scenario = async (t: ExecutionContext, net: Net) => {
    const [s1, s2, s3] = [net.sentinel('s1'), net.sentinel('s2'), net.sentinel('s3')];
    const cutAt = Date.now();
    await net.lan.cut('m', 's1');
    await net.lan.cut('m', 's2');
    const switches = await Promise.all(
      [s1, s2].map((s) => s.events.wait('+switch-master', switchedFrom(net.masterIp), { timeout: 45_000 })),
    );
    const newIp = switches[0]!.text.split(' ')[3]!;
    t.true(switches.every((e) => e.text.split(' ')[3] === newIp), `${net.impl}: s1 and s2 switched to the same replica`);
    t.true(net.replicaIps.includes(newIp), `${net.impl}: the new master is a replica`);
    const leaders = net.sentinels.filter((s) => s.events.count('+elected-leader') > 0);
    t.is(leaders.length, 1, `${net.impl}: one leader`);
    t.not(leaders[0], s3, `${net.impl}: the sentinel that still sees the master does not lead`);
    const switchMs = Math.min(...switches.map((e) => e.at)) - cutAt;

    // s3 hears of the new epoch through the replicas it still reaches
    await s3.events.wait('+switch-master', switchedFrom(net.masterIp), { timeout: 30_000 });
    const healAt = Date.now();
    await net.lan.heal('m', 's1');
    await net.lan.heal('m', 's2');
    await waitFor(() => converged(net, newIp, [net.masterIp, ...net.replicaIps]), {
      timeout: 45_000,
      what: `${net.impl}: the old master a replica of ${newIp}, every sentinel agreeing`,
    });
    const convergedAt = Date.now();
    // Who demoted the old master: s3 can, without the heal, once it has seen it claim to be
    // master for 4 hello periods (Sentinel's wait before it overrides a replica's own role).
    // (the event is published as SLAVEOF is sent, and may reach us just after the role flipped)
    const converts = await waitFor(
      () => {
        const seen = net.sentinels.flatMap((s) => s.events.events.filter((e) => e.channel === '+convert-to-slave').map((e) => ({ s, e })));
        return seen.length > 0 ? seen : null;
      },
      { timeout: 5_000, what: `${net.impl}: +convert-to-slave of the old master` },
    );
    const demoted = converts.reduce((x, y) => (y.e.at < x.e.at ? y : x));
    // the old master is listed as a healthy replica everywhere
    for (const s of net.sentinels) {
      await waitFor(
        async () => {
          const reps = ((await s.client.call('SENTINEL', 'REPLICAS', NAME)).value as unknown[]).map((r) => fields(r as never));
          return reps.some((r) => r['ip'] === net.masterIp && r['flags'] === 'slave');
        },
        { timeout: 30_000, what: `${net.impl} ${s.name}: the old master is a healthy replica` },
      );
    }
    const epochs = await Promise.all(net.sentinels.map(async (s) => Number((await masterFields(s))['config-epoch'])));
    t.true(epochs.every((e) => e >= 1), `${net.impl}: the config epoch grew everywhere`);
    return {
      switchMs,
      demotedMs: demoted.e.at - cutAt,
      demotedBy: demoted.s.name,
      convergedMs: convergedAt - cutAt,
      healMs: healAt - cutAt,
      epoch: epochs[0]!,
      leader: leaders[0]!.name,
    };
  };
  const [a, r] = await sideBySide(t, scenario);
  const say = (x: typeof a) =>
    `Majority failed over ${ms(x.switchMs)} after the cut (leader ${x.leader}, config epoch ${x.epoch}); healed at ` +
    `${ms(x.healMs)}; old master demoted by ${x.demotedBy} at ${ms(x.demotedMs)}; all converged at ${ms(x.convergedMs)}.`;
  recordScore({
    id: 'partition/master-from-majority',
    group: 'Partitions',
    fault: `The master host is cut from 2 of 3 sentinels (its replicas and the third sentinel still reach it), then healed (quorum 2, down-after ${DOWN_AFTER} ms)`,
    holds: 'The majority promotes a replica; after healing the old master replicates from the new one and all sentinels agree, on one config epoch',
    argus: say(a),
    sentinel: say(r),
    verdict: verdictOf(a.switchMs, r.switchMs),
    figures: {
      argusCutToSwitchMs: Math.round(a.switchMs),
      sentinelCutToSwitchMs: Math.round(r.switchMs),
      argusCutToHealMs: Math.round(a.healMs),
      sentinelCutToHealMs: Math.round(r.healMs),
      argusCutToDemotedMs: Math.round(a.demotedMs),
      sentinelCutToDemotedMs: Math.round(r.demotedMs),
      argusHealToConvergedMs: Math.round(a.convergedMs - a.healMs),
      sentinelHealToConvergedMs: Math.round(r.convergedMs - r.healMs),
    },
  });
});

test.serial('partition: the master cut from 1 of 3 sentinels is not failed over, and its sdown clears on heal', async (t) => {
  t.timeout(150_000);
  const scenario = async (t: ExecutionContext, net: Net) => {
    const s3 = net.sentinel('s3');
    const cutAt = Date.now();
    await net.lan.cut('m', 's3');
    const sdown = await s3.events.wait('+sdown', masterEvent(net.masterIp), { timeout: 20_000 });
    // All along, s3 asks its peers each second and they say no.
    await new Promise((r) => setTimeout(r, cutAt + HOLD_MS - Date.now()));
    const healAt = Date.now();
    await net.lan.heal('m', 's3');
    const cleared = await s3.events.wait('-sdown', masterEvent(net.masterIp), { timeout: 30_000 });
    for (const s of net.sentinels) {
      t.deepEqual(failoverEvents(s).map((e) => `${e.channel} ${e.text}`), [], `${net.impl} ${s.name}: no failover step`);
      if (s !== s3) t.is(s.events.count('+sdown', masterEvent(net.masterIp)), 0, `${net.impl} ${s.name}: never lost the master`);
      t.is(await addrOf(s), `${net.masterIp}:6379`, `${net.impl} ${s.name}: still names the master`);
    }
    t.is((await roleAt(net.masterIp))[0], 'master');
    return { sdownMs: sdown.at - cutAt, clearMs: cleared.at - healAt };
  };
  const [a, r] = await sideBySide(t, scenario);
  const say = (x: typeof a) =>
    `No failover; the cut-off sentinel flagged +sdown ${ms(x.sdownMs)} after the cut, no +odown, and -sdown ${ms(x.clearMs)} after the heal.`;
  recordScore({
    id: 'partition/master-from-minority',
    group: 'Partitions',
    fault: `The master host is cut from 1 of 3 sentinels for ${HOLD_MS / 1000} s, then healed (quorum 2, down-after ${DOWN_AFTER} ms)`,
    holds: 'No +odown, no failover step on any sentinel; only the cut-off sentinel flags +sdown, and -sdown follows the heal',
    argus: say(a),
    sentinel: say(r),
    verdict: verdictOf(a.clearMs, r.clearMs),
    figures: {
      argusFailovers: 0,
      sentinelFailovers: 0,
      argusCutToSdownMs: Math.round(a.sdownMs),
      sentinelCutToSdownMs: Math.round(r.sdownMs),
      argusHealToMinusSdownMs: Math.round(a.clearMs),
      sentinelHealToMinusSdownMs: Math.round(r.clearMs),
    },
  });
});

test.serial('partition: an isolated sentinel never promotes; the other two fail over a killed master, and it follows on rejoin', async (t) => {
  t.timeout(150_000);
  const scenario = async (t: ExecutionContext, net: Net) => {
    const [s1, s2, s3] = [net.sentinel('s1'), net.sentinel('s2'), net.sentinel('s3')];
    const epochBefore = Number((await masterFields(s1))['config-epoch']);
    const isolatedAt = Date.now();
    await net.lan.isolate('s1');
    // the isolation is real once both peers flag s1, and s1 flags the master
    await Promise.all([
      ...[s2, s3].map((s) => s.events.wait('+sdown', new RegExp(`^sentinel \\S+ ${escape(s1.host.ip)} 26379 `), { timeout: 20_000 })),
      s1.events.wait('+sdown', masterEvent(net.masterIp), { timeout: 20_000 }),
    ]);
    const killAt = Date.now();
    net.master.child.kill('SIGKILL');
    const switches = await Promise.all(
      [s2, s3].map((s) => s.events.wait('+switch-master', switchedFrom(net.masterIp), { timeout: 45_000 })),
    );
    const newIp = switches[0]!.text.split(' ')[3]!;
    t.true(switches.every((e) => e.text.split(' ')[3] === newIp), `${net.impl}: s2 and s3 switched to the same replica`);
    t.true(net.replicaIps.includes(newIp), `${net.impl}: the new master is a replica`);
    const switchMs = Math.min(...switches.map((e) => e.at)) - killAt;
    // Keep s1 isolated a while longer (at least HOLD_MS in all, and 3 down-after periods past the
    // failover): alone it must neither reach +odown nor try anything.
    await new Promise((r) => setTimeout(r, Math.max(3 * DOWN_AFTER, isolatedAt + HOLD_MS - Date.now())));
    t.deepEqual(failoverEvents(s1).map((e) => `${e.channel} ${e.text}`), [], `${net.impl}: the isolated sentinel took no failover step`);
    t.is(await addrOf(s1), `${net.masterIp}:6379`, `${net.impl}: the isolated sentinel still names the old master`);

    const rejoinAt = Date.now();
    await net.lan.rejoin('s1');
    const followed = await s1.events.wait('+switch-master', switchedFrom(net.masterIp), { timeout: 30_000 });
    t.is(followed.text.split(' ')[3], newIp, `${net.impl}: s1 adopted the new master`);
    await waitFor(() => converged(net, newIp, net.replicaIps), { timeout: 30_000, what: `${net.impl}: all agree on ${newIp}` });
    const rejoinMs = followed.at - rejoinAt;
    const epochAfter = Number((await masterFields(s1))['config-epoch']);
    t.true(epochAfter > epochBefore, `${net.impl}: s1's config epoch grew (${epochBefore} → ${epochAfter})`);
    t.is(s1.events.count('+elected-leader'), 0, `${net.impl}: s1 never led`);
    return { switchMs, rejoinMs, epochBefore, epochAfter };
  };
  const [a, r] = await sideBySide(t, scenario);
  const say = (x: typeof a) =>
    `The other two failed over ${ms(x.switchMs)} after the kill; the isolated sentinel took no step, and ` +
    `switched ${ms(x.rejoinMs)} after rejoining (config epoch ${x.epochBefore}→${x.epochAfter}).`;
  recordScore({
    id: 'partition/sentinel-isolated',
    group: 'Partitions',
    fault: `One sentinel is cut from every other host for ${HOLD_MS / 1000} s; the master is killed while it is away; then it rejoins (quorum 2, down-after ${DOWN_AFTER} ms)`,
    holds: 'The isolated sentinel never reaches +odown or promotes; the other two fail over; after rejoining it adopts the new master and epoch',
    argus: say(a),
    sentinel: say(r),
    verdict: verdictOf(a.rejoinMs, r.rejoinMs),
    figures: {
      argusKillToSwitchMs: Math.round(a.switchMs),
      sentinelKillToSwitchMs: Math.round(r.switchMs),
      argusRejoinToSwitchMs: Math.round(a.rejoinMs),
      sentinelRejoinToSwitchMs: Math.round(r.rejoinMs),
    },
  });
});
