#!/usr/bin/env node
// Run before the test suite: the tests start real redis-server, redis-sentinel and redis-cli
// processes. Finds them on PATH (or REDIS_SERVER / REDIS_SENTINEL / REDIS_CLI); where they are
// missing, installs Debian's packages when running as root, else names the one command to run.
import { spawnSync } from 'node:child_process';

const APT = ['redis-server', 'redis-sentinel', 'redis-tools'];
const wanted = [
  process.env.REDIS_SERVER ?? 'redis-server',
  process.env.REDIS_SENTINEL ?? 'redis-sentinel',
  process.env.REDIS_CLI ?? 'redis-cli',
];

const found = (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
const missing = () => wanted.filter((bin) => !found(bin));

if (missing().length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `The tests need ${missing().join(', ')}. Install them with:\n` +
        `  sudo apt-get install -y ${APT.join(' ')}\n` +
        `(or point REDIS_SERVER / REDIS_SENTINEL / REDIS_CLI at the binaries)\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Installing ${APT.join(' ')} with apt-get ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...APT]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      process.stderr.write(`apt-get ${args.join(' ')} failed (exit ${r.status})\n`);
      process.exit(1);
    }
  }
  // Debian's packages start services on install where an init system runs; the tests use
  // their own ports, so nothing needs stopping, but say what is still missing.
  if (missing().length > 0) {
    process.stderr.write(`still missing after install: ${missing().join(', ')}\n`);
    process.exit(1);
  }
}
