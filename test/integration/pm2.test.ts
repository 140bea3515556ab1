/**
 * The pm2 deployment (ecosystem.config.cjs): the repository's own pm2, with PM2_HOME in a
 * temporary directory so a user's pm2 is never touched, runs a fleet of three Argus sentinels
 * described in a temporary fleet file and watching one real redis-server.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { ROOT, startRedisServer, type Proc } from '../helpers/processes.js';
import { redisCli } from '../helpers/redis-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const PM2 = join(ROOT, 'node_modules', '.bin', 'pm2');
const ECOSYSTEM = join(ROOT, 'ecosystem.config.cjs');
/** The third sentinel's config exists before the first start, with this id. */
const KEPT_MYID = 'c0ffee'.padEnd(40, '0');

interface Sentinel { name: string; port: number; config: string; log: string }
interface Pm2Proc { name: string; pid: number; pm2_env: { status: string; exec_mode: string; wait_ready?: boolean; restart_time: number; exit_code?: number } }

const tmp = tempDir('argus-pm2-');
const pm2Home = join(tmp.dir, 'pm2');
const env = {
  ...process.env,
  PM2_HOME: pm2Home,
  ARGUS_FLEET: join(tmp.dir, 'fleet.json'),
  // the daemon would otherwise ask npm for a newer pm2 every 30 s
  PM2_DISABLE_VERSION_CHECK: 'true',
};
let redis: Proc | undefined;
let sentinels: Sentinel[] = [];
/** Every pid seen (sentinels and the daemon): what the cleanup must find gone. */
const pids = new Set<number>();

function pm2(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PM2, args, { env, cwd: tmp.dir, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function jlist(): Promise<Pm2Proc[]> {
  const { stdout } = await pm2(['jlist']);
  const line = stdout.split('\n').find((l) => l.startsWith('[{') || l.trim() === '[]');
  if (line === undefined) throw new Error(`pm2 jlist printed no list: ${stdout}`);
  const list = JSON.parse(line) as Pm2Proc[];
  for (const p of list) if (p.pid) pids.add(p.pid);
  return list;
}

async function proc(name: string): Promise<Pm2Proc | undefined> {
  return (await jlist()).find((p) => p.name === name);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and started under this test's PM2_HOME: a pid reused by another process is never killed. */
function ours(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`PM2_HOME=${pm2Home}`);
  } catch {
    return false;
  }
}

/** One connection attempt, no retry: does something listen on the port right now? */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function myid(port: number): Promise<string> {
  return (await redisCli(port, ['SENTINEL', 'MYID'])).out.trim();
}

/** redis-cli prints a flat reply one element a line: name, value, name, value ... */
function pairs(out: string): Map<string, string> {
  const lines = out.trim().split('\n');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i]!, lines[i + 1]!);
  return map;
}

const daemonPid = () => Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
const log = (s: Sentinel) => (existsSync(s.log) ? readFileSync(s.log, 'latin1') : '');

test.before(async () => {
  redis = await startRedisServer();
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  sentinels = [...ports].map((port) => ({
    name: `argus-${port}`,
    port,
    config: join(tmp.dir, 'conf', `argus-${port}.conf`),
    log: join(tmp.dir, 'logs', `argus-${port}.log`),
  }));
  writeFileSync(
    join(tmp.dir, 'template.conf'),
    `sentinel monitor mymaster 127.0.0.1 ${redis.port} 2\nsentinel down-after-milliseconds mymaster 5000\n`,
  );
  // as a template installed from a package may be: a copy keeping the mode could not be rewritten
  chmodSync(join(tmp.dir, 'template.conf'), 0o444);
  const kept = sentinels[2]!;
  mkdirSync(join(tmp.dir, 'conf'));
  writeFileSync(kept.config, `# kept\nport ${kept.port}\nsentinel monitor mymaster 127.0.0.1 ${redis.port} 2\nsentinel myid ${KEPT_MYID}\n`);
  // Paths relative to the fleet file, as an operator would write them.
  const fleet = {
    template: 'template.conf',
    sentinels: sentinels.map((s) => ({ port: s.port, config: `conf/${s.name}.conf`, log: `logs/${s.name}.log` })),
  };
  writeFileSync(env.ARGUS_FLEET, JSON.stringify(fleet, null, 2));
});

test.after.always(async () => {
  // Even after a failure: the daemon and every sentinel it ran must not outlive the test.
  if (existsSync(join(pm2Home, 'pm2.pid'))) {
    pids.add(daemonPid());
    await pm2(['kill']);
  }
  for (const pid of pids) if (ours(pid)) process.kill(pid, 'SIGKILL');
  await redis?.stop();
  tmp.cleanup();
});

test.serial('launcher: a template that cannot be read stops start-up with exit 1, leaving no config', async (t) => {
  const config = join(tmp.dir, 'launcher', 'sentinel.conf');
  const template = join(tmp.dir, 'no-such-template.conf');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'argus-sentinel-default')], {
    env: { ...process.env, ARGUS_CONFIG: config, ARGUS_CONFIG_TEMPLATE: template },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.is(code, 1);
  t.is(stderr, `argus-sentinel: cannot create ${config} from the template ${template}: ENOENT: no such file or directory, open '${template}'\n`);
  t.false(existsSync(config));
  t.false(existsSync(`${config}.${child.pid}.tmp`));
});

test.serial('pm2: start returns once every sentinel listens, each one fork-mode process online', async (t) => {
  const r = await pm2(['start', ECOSYSTEM]);
  t.is(r.code, 0, r.stderr);
  pids.add(daemonPid());
  // No waiting here: wait_ready holds `pm2 start` until each sentinel has sent 'ready', which it
  // does after its port listens.
  for (const s of sentinels) t.true(await accepts(s.port), `${s.name} listens once pm2 start returns`);
  const list = await jlist();
  t.deepEqual(list.map((p) => p.name).sort(), sentinels.map((s) => s.name).sort());
  for (const p of list) {
    t.like(p.pm2_env, { status: 'online', exec_mode: 'fork_mode', wait_ready: true });
    t.true(alive(p.pid));
  }
});

test.serial('pm2: every sentinel answers PING and SENTINEL MASTER on its own port', async (t) => {
  for (const s of sentinels) {
    t.is((await redisCli(s.port, ['PING'])).out, 'PONG\n');
    const master = pairs((await redisCli(s.port, ['SENTINEL', 'MASTER', 'mymaster'])).out);
    t.is(master.get('name'), 'mymaster');
    t.is(master.get('ip'), '127.0.0.1');
    t.is(master.get('port'), String(redis!.port));
  }
});

test.serial('pm2: a missing config is created from the template, an existing one is kept', async (t) => {
  for (const s of sentinels.slice(0, 2)) {
    const text = readFileSync(s.config, 'latin1');
    t.true(text.startsWith(`sentinel monitor mymaster 127.0.0.1 ${redis!.port} 2\nsentinel down-after-milliseconds mymaster 5000\n`));
    // the fleet's port came as --port and was saved by the rewrite, with the new id
    t.regex(text, new RegExp(`^port ${s.port}$`, 'm'));
    t.regex(text, new RegExp(`^sentinel myid ${await myid(s.port)}$`, 'm'));
    t.truthy(statSync(s.config).mode & 0o200, 'writable by its owner');
  }
  const kept = sentinels[2]!;
  t.true(readFileSync(kept.config, 'latin1').startsWith('# kept\n'));
  t.is(await myid(kept.port), KEPT_MYID);
});

test.serial('pm2: the sentinels of the fleet discover each other', async (t) => {
  const ids = new Map<number, string>();
  for (const s of sentinels) ids.set(s.port, await myid(s.port));
  for (const s of sentinels) {
    const others = sentinels.filter((o) => o !== s).map((o) => ids.get(o.port)!).sort();
    const seen = await waitFor(
      async () => {
        const lines = (await redisCli(s.port, ['SENTINEL', 'SENTINELS', 'mymaster'])).out.trim().split('\n');
        const runids = lines.flatMap((l, i) => (l === 'runid' ? [lines[i + 1]!] : [])).sort();
        return runids.length === others.length ? runids : null;
      },
      { timeout: 15_000, what: `${s.name} to see the other two sentinels` },
    );
    t.deepEqual(seen, others);
  }
});

for (const action of ['reload', 'restart'] as const) {
  test.serial(`pm2: ${action} of one sentinel gives a new process with the same myid`, async (t) => {
    const s = sentinels[0]!;
    const before = (await proc(s.name))!;
    const id = await myid(s.port);
    const r = await pm2([action, s.name]);
    t.is(r.code, 0, r.stderr);
    const after = (await proc(s.name))!;
    t.not(after.pid, before.pid);
    t.false(alive(before.pid));
    t.is(after.pm2_env.status, 'online');
    t.true(await accepts(s.port), 'listening once pm2 returns');
    t.is(await myid(s.port), id);
  });
}

test.serial('pm2: a sentinel that dies is restarted by pm2 with the same myid', async (t) => {
  const s = sentinels[1]!;
  const before = (await proc(s.name))!;
  const id = await myid(s.port);
  process.kill(before.pid, 'SIGKILL');
  const after = await waitFor(
    async () => {
      const p = await proc(s.name);
      return p && p.pid !== before.pid && p.pm2_env.status === 'online' ? p : null;
    },
    { timeout: 10_000, what: `pm2 to restart ${s.name}` },
  );
  t.is(after.pm2_env.restart_time, before.pm2_env.restart_time + 1);
  await waitFor(() => accepts(s.port), { what: `${s.name} listening again` });
  t.is(await myid(s.port), id);
});

/** What a graceful stop leaves: the SIGINT handled, the config saved after it, a clean exit. */
async function assertGracefulStop(t: ExecutionContext, s: Sentinel, pid: number): Promise<void> {
  t.false(alive(pid), 'pm2 returns once the process is gone');
  t.false(await accepts(s.port));
  // pm2 writes the last lines to the log file a moment after the process is gone.
  const text = await waitFor(() => (log(s).includes(`${pid}:X`) && /bye bye/.test(log(s)) ? log(s) : null), {
    what: `${s.name}'s last log lines`,
  });
  const from = text.indexOf(`${pid}:signal-handler`);
  t.true(from >= 0, 'SIGINT received');
  const tail = text.slice(from);
  t.regex(tail, /Received SIGINT scheduling shutdown/);
  t.regex(tail, new RegExp(`${pid}:X .* \\* Sentinel new configuration saved on disk\\n(.*\\n)*${pid}:X .* # Sentinel is now ready to exit, bye bye\\.\\.\\.`));
  // the peers it knew are in the file it left
  const config = readFileSync(s.config, 'latin1');
  t.is(config.match(/^sentinel known-sentinel mymaster /gm)?.length, 2);
}

test.serial('pm2: stop shuts one sentinel down gracefully, config flushed, and leaves it stopped', async (t) => {
  const s = sentinels[1]!;
  const { pid } = (await proc(s.name))!;
  const r = await pm2(['stop', s.name]);
  t.is(r.code, 0, r.stderr);
  await assertGracefulStop(t, s, pid);
  t.like((await proc(s.name))?.pm2_env, { status: 'stopped', exit_code: 0 });
  // the rest of the fleet is untouched
  for (const other of [sentinels[0]!, sentinels[2]!]) t.is((await redisCli(other.port, ['PING'])).out, 'PONG\n');
});

test.serial('pm2: delete shuts one sentinel down gracefully and forgets it', async (t) => {
  const s = sentinels[2]!;
  const { pid } = (await proc(s.name))!;
  const r = await pm2(['delete', s.name]);
  t.is(r.code, 0, r.stderr);
  await assertGracefulStop(t, s, pid);
  t.is(await proc(s.name), undefined);
});

test.serial('pm2: kill stops the last sentinel gracefully and ends the daemon', async (t) => {
  const s = sentinels[0]!;
  const { pid } = (await proc(s.name))!;
  const daemon = daemonPid();
  const r = await pm2(['kill']);
  t.is(r.code, 0, r.stderr);
  await waitFor(() => !alive(daemon), { what: 'the pm2 daemon to exit' });
  await assertGracefulStop(t, s, pid);
  t.false(existsSync(join(pm2Home, 'pm2.pid')));
});
