/**
 * Runs a RewriteCase through the real redis-sentinel and returns the file it leaves: start it
 * on the case input in `dir`, apply the steps with redis-cli (each flushes once), read the file,
 * stop it. The config must name the port redis-sentinel listens on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RewriteCase } from './rewrite-cases.js';
import { REDIS_SENTINEL } from './processes.js';
import { waitFor } from './wait-for.js';

export const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';

/** The port the input's first `port` line names (26379 when none). */
export const inputPort = (input: string): number => Number(/^\s*port\s+(\d+)/m.exec(input)?.[1] ?? 26379);

/** Every `port N` line of the input set to `port`, so both implementations get the same text. */
export const withPort = (input: string, port: number): string => input.replace(/^(\s*port\s+)\d+/gm, `$1${port}`);

function cli(port: number, password: string | undefined, args: readonly string[]): string {
  const auth = password === undefined ? [] : ['--no-auth-warning', '-a', password];
  const r = spawnSync(REDIS_CLI, ['-p', String(port), ...auth, ...args], { encoding: 'latin1', timeout: 10_000 });
  return `${r.stdout}${r.stderr}`.trim();
}

export async function runRedisCase(c: RewriteCase, input: string, dir: string): Promise<string> {
  const port = inputPort(input);
  const path = join(dir, 'sentinel.conf');
  writeFileSync(path, input, 'latin1');
  const child = spawn(REDIS_SENTINEL, [path], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.setEncoding('latin1').on('data', (d: string) => (log += d));
  child.stderr.setEncoding('latin1').on('data', (d: string) => (log += d));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  try {
    await waitFor(() => cli(port, c.password, ['PING']) === 'PONG', { timeout: 10_000, what: `redis-sentinel on ${port}: ${log}` });
    if (c.startupRewrite) {
      await waitFor(() => readFileSync(path, 'latin1').includes('\nsentinel myid '), { what: 'the start-up rewrite' });
    }
    if (c.appendWhileRunning !== undefined) appendFileSync(path, c.appendWhileRunning, 'latin1');
    for (const step of c.steps) {
      const reply = cli(port, c.password, step.redis);
      if (reply !== 'OK') throw new Error(`${step.redis.join(' ')}: ${reply}`);
    }
    return readFileSync(path, 'latin1');
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
