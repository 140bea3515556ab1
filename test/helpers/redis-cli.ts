import { execFile } from 'node:child_process';

export const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';

/** Runs the real redis-cli against 127.0.0.1:port; resolves with its stdout (and exit code). */
export function redisCli(port: number, args: string[], extra: string[] = []): Promise<{ out: string; code: number }> {
  return new Promise((resolve) => {
    execFile(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...extra, ...args], { timeout: 10_000, encoding: 'latin1' },
      (error, stdout) => resolve({ out: stdout, code: error ? Number((error as { code?: number }).code ?? 1) : 0 }));
  });
}
