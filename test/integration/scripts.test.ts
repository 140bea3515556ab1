import test from 'ava';
import { chmodSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Real scripts under a real Argus: master `ma` has a notification script that records its
 * arguments and lists its own descriptors; master `mb` has one that hangs (`exec sleep 30`),
 * so all 16 slots can fill with it while `ma` must still be detected on time.
 */
const M = '127.0.0.1';
const DOWN_AFTER = 1000;

let a: Proc;
let b: Proc;
let argus: SentinelProc;
let events: EventRecorder;
let client: RawClient;
let dir: string;
let cleanupDir: () => void;

const notifyLog = () => join(dir, 'notify.log');
const hangLog = () => join(dir, 'hang.log');
const read = (p: string) => (existsSync(p) ? readFileSync(p, 'latin1') : '');

test.before(async () => {
  ({ dir, cleanup: cleanupDir } = tempDir('argus-scripts-'));
  dir = realpathSync(dir);
  // argv as the script sees it, one bracketed argument each, then its descriptors on stdout
  // (to the Argus log at verbose level).
  writeFileSync(join(dir, 'notify.sh'), `#!/bin/sh\nprintf '[%s]' "$0" "$@" >> ${notifyLog()}\nprintf '\\n' >> ${notifyLog()}\nls -l /proc/$$/fd\n`);
  // its pid first, so the test can kill what is left of it
  writeFileSync(join(dir, 'hang.sh'), `#!/bin/sh\necho $$ >> ${hangLog()}\nexec sleep 30\n`);
  for (const s of ['notify.sh', 'hang.sh']) chmodSync(join(dir, s), 0o755);
  [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
  argus = await startSentinel(
    'loglevel verbose\n' +
      `sentinel monitor ma ${M} ${a.port} 2\n` +
      `sentinel down-after-milliseconds ma ${DOWN_AFTER}\n` +
      `sentinel notification-script ma ${join(dir, 'notify.sh')}\n` +
      `sentinel monitor mb ${M} ${b.port} 2\n` +
      `sentinel down-after-milliseconds mb ${DOWN_AFTER}\n` +
      `sentinel notification-script mb ${join(dir, 'hang.sh')}\n`,
  );
  events = await EventRecorder.open(argus.port);
  client = await RawClient.open(argus.port);
});

test.after.always(async () => {
  events?.close();
  client?.close();
  a?.child.kill('SIGCONT');
  b?.child.kill('SIGCONT');
  await argus?.cleanup();
  // the hanging scripts outlive Argus (as Sentinel's children do): end them by pid
  for (const pid of read(hangLog()).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all([a, b].map((p) => p?.stop()));
  cleanupDir?.();
});

const desc = (name: string, p: Proc) => `master ${name} ${M} ${p.port}`;

test.serial('scripts: the notification script runs on +monitor with the type and the text as two arguments', async (t) => {
  const path = join(dir, 'notify.sh');
  await waitFor(() => read(notifyLog()).includes('+monitor'), { what: 'notify.sh on +monitor' });
  t.true(read(notifyLog()).includes(`[${path}][+monitor][${desc('ma', a)} quorum 2]\n`));
});

test.serial('scripts: a script inherits stdin, stdout and stderr only, none of Argus’s descriptors', async (t) => {
  const path = join(dir, 'notify.sh');
  // descriptors Argus itself was started with (not close-on-exec) pass on, as with
  // redis-sentinel: whatever the shell running the tests leaked. Argus's own are all CLOEXEC.
  const argusPid = argus.child.pid!;
  const inherited = new Set(
    (await import('node:fs')).readdirSync(`/proc/${argusPid}/fd`).filter((fd) => {
      if (Number(fd) <= 2) return false;
      let info: string;
      try {
        info = read(`/proc/${argusPid}/fdinfo/${fd}`);
      } catch {
        return false; // closed since the listing (a connection of Argus's): not inherited
      }
      const flags = /flags:\s+(\d+)/.exec(info)?.[1] ?? '0';
      return (parseInt(flags, 8) & 0o2000000) === 0;
    }),
  );
  const lines = await waitFor(() => {
    const ls = argus.stdout().split('\n').filter((l) => l.includes(`Script ${path} pid `) && l.includes(' stdout: ') && l.includes(' -> '));
    return ls.length >= 4 ? ls : null;
  }, { what: 'the fd listing in the log' });
  const pid = /pid (\d+) stdout/.exec(lines[0]!)![1];
  const mine = lines.filter((l) => l.includes(`pid ${pid} stdout`)).map((l) => /(\d+) -> (.*)$/.exec(l)!);
  const fds = new Map(mine.map((m) => [m[1]!, m[2]!]));
  t.is(fds.get('0'), '/dev/null');
  t.regex(fds.get('1') ?? '', /^(pipe|socket):/);
  t.regex(fds.get('2') ?? '', /^(pipe|socket):/);
  // dash keeps the script itself open (close-on-exec) to read it; nothing else may be there
  const extra = [...fds].filter(([fd, target]) => Number(fd) > 2 && target !== path && !inherited.has(fd));
  t.deepEqual(extra, []);
  t.log(`script descriptors: ${[...fds].map(([fd, to]) => `${fd}->${to}`).join(' ')}; inherited by Argus: ${[...inherited].join(',') || 'none'}`);
});

test.serial('scripts: +sdown runs the notification script with the event; a hanging script of another master delays nothing', async (t) => {
  // mb's script hangs since +monitor; more of them on mb's +sdown
  b.child.kill('SIGSTOP');
  await events.wait('+sdown', desc('mb', b));
  // +monitor, +sdown and 13 × +set of mb: 15 of the 16 slots hang, one is left for ma. The
  // quorum stays 2: at 1 this lone sentinel would call mb ODOWN at once and fail it over (more
  // events, more scripts)
  for (let i = 0; i < 13; i++) await client.call('SENTINEL', 'SET', 'mb', 'quorum', '2');
  await waitFor(() => read(hangLog()).split('\n').filter(Boolean).length >= 15, { what: '15 hang.sh running' });
  const from = events.events.length;
  const stoppedAt = Date.now();
  a.child.kill('SIGSTOP');
  const sdown = await events.wait('+sdown', desc('ma', a), { from });
  const delay = sdown.at - stoppedAt;
  t.log(`+sdown of ma ${delay} ms after SIGSTOP (down-after ${DOWN_AFTER} ms, ping period 1000 ms)`);
  t.true(delay < DOWN_AFTER + 1000 + 1000, `+sdown took ${delay} ms`);
  await waitFor(() => read(notifyLog()).includes(`[+sdown][${desc('ma', a)}]`), { what: 'notify.sh on +sdown' });
  a.child.kill('SIGCONT');
  await events.wait('-sdown', desc('ma', a), { from });
  await waitFor(() => read(notifyLog()).includes(`[-sdown][${desc('ma', a)}]`), { what: 'notify.sh on -sdown' });
  t.pass();
});

test.serial('scripts: PENDING-SCRIPTS lists the hanging script as running with Sentinel’s fields; INFO counts it', async (t) => {
  const hang = join(dir, 'hang.sh');
  const jobs = await waitFor(async () => {
    const list = (await client.call('SENTINEL', 'PENDING-SCRIPTS')).value as unknown[];
    const mine = list.map((j) => fields(j as never)).filter((f) => (f.argv as string[])[0] === hang && f.flags === 'running');
    return mine.length > 0 && mine.every((f) => f.pid !== '0') ? mine : null;
  }, { what: 'hang.sh running in PENDING-SCRIPTS' });
  const job = jobs.find((f) => (f.argv as string[])[1] === '+monitor')!;
  t.deepEqual(Object.keys(job), ['argv', 'flags', 'pid', 'run-time', 'retry-num']);
  t.deepEqual(job.argv, [hang, '+monitor', `${desc('mb', b)} quorum 2`]);
  t.is(job['retry-num'], '1');
  t.true(Number(job['run-time']) > 0);
  t.true(read(hangLog()).split('\n').includes(String(job.pid)));
  const info = String((await client.call('INFO', 'sentinel')).value);
  const running = Number(/sentinel_running_scripts:(\d+)/.exec(info)![1]);
  const queued = Number(/sentinel_scripts_queue_length:(\d+)/.exec(info)![1]);
  t.true(running >= jobs.length && running <= 16);
  t.true(queued >= running);
});

test.serial('scripts: a script over script-max-runtime gets -script-timeout and SIGKILL, and is queued again', async (t) => {
  const hang = join(dir, 'hang.sh');
  const from = events.events.length;
  t.deepEqual((await client.call('SENTINEL', 'DEBUG', 'script-max-runtime', '500')).value, 'OK');
  const ev = await events.wait('-script-timeout', new RegExp(`^${hang.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d+$`), { from });
  const pid = Number(ev.text.split(' ')[1]);
  // the job is waiting for its retry (30 s): scheduled, pid 0, retry-num 1
  const retry = await waitFor(async () => {
    const list = ((await client.call('SENTINEL', 'PENDING-SCRIPTS')).value as unknown[]).map((j) => fields(j as never));
    return list.find((f) => f.flags === 'scheduled' && f['retry-num'] === '1' && (f.argv as string[])[0] === hang);
  }, { what: 'the killed job rescheduled' });
  t.is(retry.pid, '0');
  t.true(Number(retry['run-delay']) > 25_000);
  await waitFor(() => !existsSync(`/proc/${pid}`) || /State:\s+Z/.test(read(`/proc/${pid}/status`)), { what: `pid ${pid} killed` });
  t.is(events.count('-script-error'), 0);
});
