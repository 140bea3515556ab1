/**
 * `npm run demo [-- --exit]`: a failover to watch. Starts a master, two replicas and three Argus
 * sentinels (quorum 2) on free loopback ports, prints where the dashboard is, kills the master
 * and narrates the sentinels' events with the ms since the kill, then keeps running until Ctrl-C
 * so the dashboard can be looked at (`--exit` or DEMO_EXIT=1: ends by itself once every sentinel
 * has switched, for tests).
 *
 * Everything it starts goes through bench/lib/reaper.ts, so Ctrl-C, SIGTERM, a crash and the
 * normal end all kill the processes and remove their temp dirs.
 */
import { RawClient, fields } from '../test/helpers/raw-client.js';
import { freePort } from '../test/helpers/ports.js';
import { allocatePorts, RedisServer, sleep } from '../bench/lib/fleet.js';
import { EventStream, onPath, startMonitor, type Monitor, type SentinelEvent } from '../bench/lib/monitors.js';
import { reapAll, trackedTempDir } from '../bench/lib/reaper.js';

const NAME = 'demo';
const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';
const DISCOVERY_TIMEOUT_MS = 30_000;
// down-after 1 s + election + promotion take 3–5 s here; a vote split retries after
// failover-timeout (5 s), so 30 s leaves room for several rounds
const FAILOVER_TIMEOUT_MS = 30_000;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const exitAtEnd = argv.includes('--exit') || process.env.DEMO_EXIT === '1';
  if (!onPath(REDIS_SERVER)) {
    process.stderr.write(
      `demo: '${REDIS_SERVER}' is not on PATH. Install it with:\n  sudo apt-get install -y redis-server\n(or set REDIS_SERVER to the binary)\n`,
    );
    return 1;
  }

  // Ports below the ephemeral range: the killed master's port cannot be taken by an outgoing
  // connection while the sentinels still try to reach it.
  const [masterPort, ...replicaPorts] = await allocatePorts(3);
  const common = ['--hz', '10', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'];
  const master = new RedisServer(masterPort!, 'master', trackedTempDir('argus-demo-redis-'), common);
  const replicas = replicaPorts.map(
    (p) => new RedisServer(p, 'replica', trackedTempDir('argus-demo-redis-'), [...common, '--replicaof', '127.0.0.1', String(masterPort)]),
  );
  for (const s of [master, ...replicas]) {
    await s.start();
    say(`started redis-server ${s.role} 127.0.0.1:${s.port} pid ${s.pid} dir ${s.dir}`);
  }

  const httpPort = await freePort();
  const body = (http: boolean) =>
    [
      `sentinel monitor ${NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${NAME} 1000`,
      `sentinel failover-timeout ${NAME} 5000`,
      ...(http ? [`argus-http-port ${httpPort}`] : []),
      '',
    ].join('\n');
  const sentinels: Monitor[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await startMonitor('argus', body(i === 0));
    sentinels.push(m);
    say(`started argus-sentinel 127.0.0.1:${m.port} pid ${m.pid} dir ${m.dir}${i === 0 ? ` (HTTP on ${httpPort})` : ''}`);
  }
  say('');
  say(`Dashboard: http://127.0.0.1:${httpPort}/`);
  say('');

  say('waiting for the sentinels to find each other and both replicas ...');
  await waitKnown(sentinels);
  say('each sentinel knows 2 other sentinels and 2 replicas');

  let killedAt = 0;
  const switched = new Map<number, number>();
  const firstAt = new Map<string, number>();
  let newMaster = '';
  const streams = await Promise.all(
    sentinels.map((m) =>
      EventStream.open(m.port, (e: SentinelEvent) => {
        if (!killedAt || e.channel.startsWith('__')) return;
        const ms = Math.round(e.at - killedAt);
        if (!firstAt.has(e.channel)) firstAt.set(e.channel, ms);
        say(`${String(ms).padStart(6)} ms  sentinel :${m.port}  ${e.channel} ${e.payload}`);
        if (e.channel === '+switch-master' && !switched.has(m.port)) {
          switched.set(m.port, ms);
          const f = e.payload.split(' ');
          newMaster = `${f[3]}:${f[4]}`;
        }
      }),
    ),
  );

  say('');
  say(`killing the master 127.0.0.1:${masterPort} (SIGKILL) ...`);
  killedAt = performance.now();
  await master.kill();

  const deadline = performance.now() + FAILOVER_TIMEOUT_MS;
  while (switched.size < sentinels.length && performance.now() < deadline) await sleep(50);
  for (const s of streams) s.close();
  say('');
  if (switched.size === 0) {
    say(`no +switch-master within ${FAILOVER_TIMEOUT_MS / 1000} s; the sentinels' logs end:`);
    for (const m of sentinels) say(`--- :${m.port}\n${m.logTail(10)}`);
    await reapAll();
    return 1;
  }
  say(`new master: ${newMaster}`);
  // in order of time: a follower can learn the new config from the leader's hello before the
  // leader has seen the promotion in INFO, so +switch-master may come before +promoted-slave
  const steps = ['+sdown', '+odown', '+try-failover', '+elected-leader', '+selected-slave', '+promoted-slave', '+switch-master', '+failover-end'];
  for (const [ch, ms] of [...firstAt].filter(([ch]) => steps.includes(ch)).sort((a, b) => a[1] - b[1])) {
    say(`  first ${ch.padEnd(16)} ${String(ms).padStart(5)} ms after the kill`);
  }
  say(`  +switch-master on ${switched.size} of ${sentinels.length} sentinels, the last ${Math.max(...switched.values())} ms after the kill`);
  say('');

  if (exitAtEnd) {
    say('stopping everything (--exit) ...');
  } else {
    say(`Argus keeps running: see the dashboard at http://127.0.0.1:${httpPort}/ — Ctrl-C stops and removes everything.`);
    // the reaper's SIGINT/SIGTERM hook exits the process and removes everything
    setInterval(() => {}, 1 << 30);
    await new Promise(() => {});
  }
  await reapAll();
  say('done: every process stopped, every temp dir removed');
  return 0;
}

/** Polls SENTINEL MASTER on every sentinel until each sees 2 other sentinels and 2 replicas. */
async function waitKnown(sentinels: readonly Monitor[]): Promise<void> {
  const deadline = performance.now() + DISCOVERY_TIMEOUT_MS;
  for (const m of sentinels) {
    const c = await RawClient.open(m.port);
    try {
      for (;;) {
        const f = fields((await c.call('SENTINEL', 'MASTER', NAME)).value);
        if (Number(f['num-other-sentinels']) >= 2 && Number(f['num-slaves']) >= 2) break;
        if (performance.now() > deadline) throw new Error(`sentinel :${m.port} did not discover its peers and replicas in time: ${JSON.stringify(f)}`);
        await sleep(100);
      }
    } finally {
      c.close();
    }
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`demo: ${(e as Error)?.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await reapAll();
}
