import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const DEMO = join(ROOT, 'dist', 'scripts', 'demo.js');

interface Demo { child: ChildProcess; out(): string; closed: Promise<number | string> }

function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): Demo {
  const child = spawn(process.execPath, [DEMO, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
  // 'close', not 'exit': the last lines may still be in flight when the process has exited
  const closed = new Promise<number | string>((res) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res(code ?? signal ?? -1);
    }),
  );
  return { child, out: () => out, closed };
}

/** The pids and temp dirs the demo announced ("started … pid N dir D"). */
function started(out: string): { pids: number[]; dirs: string[] } {
  const lines = out.split('\n').filter((l) => l.startsWith('started '));
  return {
    pids: lines.map((l) => Number(/ pid (\d+)/.exec(l)![1])),
    dirs: lines.map((l) => / dir (\S+)/.exec(l)![1]!),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function assertNothingLeft(t: import('ava').ExecutionContext, out: string): Promise<unknown> {
  const { pids, dirs } = started(out);
  t.is(pids.length, 6, out); // a master, two replicas, three sentinels
  t.is(dirs.length, 6, out);
  // killed with SIGKILL and reaped before the demo exits; waitFor only absorbs a slow /proc
  return waitFor(() => pids.every((p) => !alive(p)) && dirs.every((d) => !existsSync(d)), {
    timeout: 5_000,
    what: `no demo process or temp dir left (${pids.join(' ')} / ${dirs.join(' ')})`,
  });
}

test.serial('demo: --exit narrates the failover to a replica and leaves no process or temp dir', async (t) => {
  const demo = startDemo(['--exit']);
  t.is(await demo.closed, 0, demo.out());
  const out = demo.out();
  t.regex(out, /Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  const sw = /^ *\d+ ms {2}sentinel :\d+ {2}\+switch-master demo 127\.0\.0\.1 (\d+) 127\.0\.0\.1 (\d+)$/m.exec(out);
  t.truthy(sw, out);
  t.regex(out, new RegExp(`^new master: 127\\.0\\.0\\.1:${sw![2]}$`, 'm'));
  t.regex(out, /\+switch-master on 3 of 3 sentinels/);
  await assertNothingLeft(t, out);
});

test.serial('demo: keeps running with the dashboard up until SIGTERM, then removes everything', async (t) => {
  const demo = startDemo([], { DEMO_EXIT: '' });
  const url = (await waitFor(() => /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(demo.out())?.[1], { timeout: 30_000, what: 'dashboard URL' }))!;
  await waitFor(() => demo.out().includes('Argus keeps running'), { timeout: 45_000, what: 'the failover narrated' });
  const res = await fetch(url);
  t.is(res.status, 200);
  t.regex(await res.text(), /<html/i);
  demo.child.kill('SIGTERM');
  t.is(await demo.closed, 143, demo.out());
  await assertNothingLeft(t, demo.out());
});

test.serial('demo: without redis-server it names the apt-get command and exits 1', async (t) => {
  const demo = startDemo(['--exit'], { REDIS_SERVER: '/nonexistent/redis-server' });
  t.is(await demo.closed, 1);
  t.regex(demo.out(), /apt-get install -y redis-server/);
  t.false(demo.out().includes('started '));
});
