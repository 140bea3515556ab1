/**
 * The floor under a shard's CPU: what one PING and its reply cost in Node's own socket path with
 * no Sentinel logic at all (a shard's thread has the same path). S sockets to real redis-servers, a
 * PING written to one of them every `1000 / rate` ms (plain `socket.write`, replies read and
 * dropped), for a few seconds; CPU of the thread (user + system) per PING. Compare with
 * `latency`'s µs per master per second: a master with a replica is at least two such cycles a
 * second (each instance is pinged every second; a hello rides with every second PING).
 *
 *   npm run bench -- link-floor [--sockets S=200] [--rate R=1000] [--seconds T=5] [--servers N=20]
 */
import { createConnection, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { intFlag, stringFlags } from './lib/flags.js';
import { startRedisServer, type Proc } from '../test/helpers/processes.js';
import { table } from './lib/stats.js';

const USAGE = 'link-floor [--sockets S=200] [--rate R=1000] [--seconds T=5] [--servers N=20]';
const PING = '*1\r\n$4\r\nPING\r\n';

interface Job {
  readonly ports: readonly number[];
  readonly sockets: number;
  readonly rate: number;
  readonly seconds: number;
}

interface Result {
  readonly pings: number;
  readonly replies: number;
  readonly userUs: number;
  readonly systemUs: number;
}

/** Connect, ping at the rate for the time, report this process's CPU (nothing else runs in it meanwhile). */
async function pinger(job: Job): Promise<Result> {
  let replies = 0;
  const socks: Socket[] = [];
  for (let i = 0; i < job.sockets; i++) {
    const s = createConnection({ host: '127.0.0.1', port: job.ports[i % job.ports.length]! });
    s.setNoDelay(true);
    s.on('data', () => replies++);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    socks.push(s);
  }
  // a timer every 4 ms writes the PINGs due in it, as actors' timers do between them
  const perTick = job.rate / 250;
  let owed = 0;
  let pings = 0;
  const cpu0 = process.cpuUsage();
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed--) socks[pings++ % socks.length]!.write(PING, 'latin1');
  }, 4);
  await new Promise((r) => setTimeout(r, job.seconds * 1000));
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  for (const s of socks) s.destroy();
  return { pings, replies, userUs: cpu.user, systemUs: cpu.system };
}

export async function run(args: string[]): Promise<void> {
  const values = stringFlags(args, ['sockets', 'rate', 'seconds', 'servers'], USAGE);
  const int = intFlag(USAGE);
  const job = {
    sockets: int('sockets', values.sockets, 200, 1, 5000),
    rate: int('rate', values.rate, 1000, 1, 100_000),
    seconds: int('seconds', values.seconds, 5, 1, 60),
  };
  const servers: Proc[] = [];
  try {
    for (let i = int('servers', values.servers, 20, 1, 200); i > 0; i--) servers.push(await startRedisServer());
    const ports = servers.map((s) => s.port);
    const r = await pinger({ ...job, ports });
    const per = (us: number) => (us / r.pings).toFixed(1);
    table(
      ['sockets', 'PINGs/s', 'PINGs', 'replies', 'CPU µs per PING (user + system)', 'user', 'system'],
      [[String(job.sockets), String(job.rate), String(r.pings), String(r.replies), per(r.userUs + r.systemUs), per(r.userUs), per(r.systemUs)]],
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
