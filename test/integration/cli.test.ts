import test from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { ARGUS_BIN, REDIS_SENTINEL, startSentinel } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a command to completion (bounded) and collects its output. */
function run(cmd: string, args: string[], opts: { cwd?: string; uid?: number; gid?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    // 'close', not 'exit': output may still be in flight when the process has exited.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const argus = (args: string[], opts?: { cwd?: string; uid?: number; gid?: number }) =>
  run(process.execPath, [ARGUS_BIN, ...args], opts);

test('cli: --version and -v print the version on stdout and exit 0', async (t) => {
  for (const flag of ['--version', '-v']) {
    const r = await argus([flag]);
    t.is(r.code, 0);
    t.regex(r.stdout, /^Argus sentinel v=\d+\.\d+\.\d+ redis=7\.2\.\d+ /);
    t.is(r.stderr, '');
  }
});

test('cli: --help and -h print the usage and exit 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const r = await argus([flag]);
    t.is(r.code, 0);
    t.regex(r.stderr, /^Usage: argus-sentinel \/path\/to\/sentinel\.conf/);
  }
});

test('cli: without a config file it refuses to start as redis-sentinel does', async (t) => {
  const r = await argus([]);
  t.is(r.code, 1);
  t.regex(r.stdout, /^\d+:X .* # Sentinel needs config file on disk to save state\. Exiting\.\.\.\n$/);
});

test('cli: a missing config file stops start-up naming the file', async (t) => {
  const r = await argus(['/nonexistent/argus.conf']);
  t.is(r.code, 1);
  t.regex(r.stdout, /Fatal error, can't open config file '\/nonexistent\/argus\.conf': No such file or directory/);
});

const BAD_CONFIGS: [string, string][] = [
  ['unknown directive', 'port 26999\nno-such-directive 1\n'],
  ['bad sentinel statement', 'sentinel monitor m 127.0.0.1 6379 1\nsentinel no-such-thing m 1\n'],
  ['zero quorum', 'sentinel monitor m 127.0.0.1 6379 0\n'],
  ['per-master line for no master', 'sentinel down-after-milliseconds nope 1000\n'],
  ['negative down-after', 'sentinel monitor m 127.0.0.1 6379 1\nsentinel down-after-milliseconds m -5\n'],
  ['unbalanced quotes', 'port 26999\nloglevel "notice\n'],
  ['bad myid', 'sentinel myid abc\n'],
  ['duplicate master', 'sentinel monitor m 127.0.0.1 6379 1\nsentinel monitor m 127.0.0.1 6380 1\n'],
  ['bad loglevel', 'loglevel loud\n'],
];

for (const [what, config] of BAD_CONFIGS) {
  test(`cli: a bad config line (${what}) exits 1 with the same FATAL block as redis-sentinel`, async (t) => {
    const tmp = tempDir();
    t.teardown(tmp.cleanup);
    const path = join(tmp.dir, 'sentinel.conf');
    writeFileSync(path, config);
    const [ours, theirs] = [await argus([path]), await run(REDIS_SENTINEL, [path])];
    t.is(ours.code, 1);
    t.is(theirs.code, 1);
    t.regex(ours.stderr, /\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.2\.\d+\) \*\*\*\nReading the configuration file, at line \d+\n>>> '.*'\n.+\n/);
    // Argus targets 7.2, whose loglevel list gained `nothing`; otherwise the texts are 7.0's.
    const strip = (s: string) => s.replace(/\(Redis [\d.]+\)/, '(Redis x)').replace(', warning, nothing', ', warning');
    t.is(strip(ours.stderr), strip(theirs.stderr));
    t.is(readFileSync(path, 'utf8'), config, 'a refused config is left untouched');
  });
}

test('cli: starts, answers PING, persists a generated myid, and keeps it across restarts', async (t) => {
  const s = await startSentinel('sentinel monitor mymaster 127.0.0.1 1 2\n');
  t.teardown(() => s.cleanup());
  const c = await RawClient.open(s.port);
  t.teardown(() => c.close());
  t.is((await c.call('PING')).raw, '+PONG\r\n');
  const myid = String((await c.call('SENTINEL', 'MYID')).value);
  t.regex(myid, /^[0-9a-f]{40}$/);
  t.regex(readFileSync(s.configPath, 'latin1'), new RegExp(`^sentinel myid ${myid}$`, 'm'));
  t.regex(s.stdout(), new RegExp(`Sentinel ID is ${myid}\\n`));
  t.regex(s.stdout(), /# \+monitor master mymaster 127\.0\.0\.1 1 quorum 2\n/);
  t.is(s.stderr(), '', 'nothing on stderr in normal operation');

  t.is(await s.stop(), 0, 'SIGTERM exits 0');
  t.regex(s.stdout(), /Received SIGTERM scheduling shutdown\.\.\.\n.*User requested shutdown\.\.\.\n(.*\n)*.*Sentinel is now ready to exit, bye bye\.\.\.\n$/);
  const again = await startSentinel(readFileSync(s.configPath, 'latin1'));
  t.teardown(() => again.cleanup());
  const c2 = await RawClient.open(again.port);
  t.teardown(() => c2.close());
  t.is((await c2.call('SENTINEL', 'MYID')).value, myid);
});

test('cli: command-line options are applied after the file and persisted by the rewrite', async (t) => {
  const port = await freePort();
  const s = await startSentinel(`port 1\nsentinel monitor m 127.0.0.1 1 1\n`, {
    args: ['--port', String(port), '--loglevel', 'verbose', '--sentinel', 'announce-ip', '10.1.2.3'],
    waitReady: false,
  });
  t.teardown(() => s.cleanup());
  const c = await waitFor(() => RawClient.open(port), { what: 'argus on the command-line port' });
  t.teardown(() => c.close());
  const cfg = String((await c.call('SENTINEL', 'CONFIG', 'GET', 'announce-ip')).value);
  t.is(cfg, 'announce-ip,10.1.2.3');
  const file = readFileSync(s.configPath, 'latin1');
  t.regex(file, new RegExp(`^port ${port}$`, 'm'));
  t.regex(file, /^loglevel verbose$/m);
  t.regex(file, /^sentinel announce-ip "10\.1\.2\.3"$/m);
});

test('cli: SIGINT also flushes and exits 0, and the pid file is written then removed', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const pidfile = join(tmp.dir, 'argus.pid');
  const s = await startSentinel(`pidfile "${pidfile}"\nsentinel monitor m 127.0.0.1 1 1\n`);
  t.teardown(() => s.cleanup());
  await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').trim() === String(s.child.pid), {
    what: 'pid file holding the pid',
  });
  s.child.kill('SIGINT');
  t.is(await s.exited, 0);
  t.false(existsSync(pidfile));
});

test('cli: an unprivileged user can run it, and a config it cannot write stops start-up', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  chmodSync(tmp.dir, 0o755);
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileSync(path, 'port 0\nsentinel monitor m 127.0.0.1 1 1\n');
  chmodSync(path, 0o444);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = await argus([path], { cwd: tmp.dir, ...asNobody });
  t.is(r.code, 1);
  t.regex(r.stdout, new RegExp(`Sentinel config file ${path} is not writable: Permission denied\\. Exiting\\.\\.\\.`));
});
