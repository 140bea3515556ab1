#!/usr/bin/env node
// Run before the test suite: the tests start real redis-server, redis-sentinel and redis-cli
// processes, and the fault suite steps a sentinel's clock with libfaketime and builds network
// namespaces with ip. Finds them (redis binaries on PATH, or REDIS_SERVER / REDIS_SENTINEL /
// REDIS_CLI); where something is missing, installs Debian's packages when running as root, else
// names the one command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const runs = (bin, args = ['--version']) => spawnSync(bin, args, { stdio: 'ignore' }).status === 0;

/** what the tests need, how to tell it is here, and the Debian package that brings it */
const NEEDS = [
  { what: process.env.REDIS_SERVER ?? 'redis-server', present: () => runs(process.env.REDIS_SERVER ?? 'redis-server'), pkg: 'redis-server' },
  { what: process.env.REDIS_SENTINEL ?? 'redis-sentinel', present: () => runs(process.env.REDIS_SENTINEL ?? 'redis-sentinel'), pkg: 'redis-sentinel' },
  { what: process.env.REDIS_CLI ?? 'redis-cli', present: () => runs(process.env.REDIS_CLI ?? 'redis-cli'), pkg: 'redis-tools' },
  { what: 'libfaketime', present: () => existsSync('/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1') || existsSync('/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1'), pkg: 'faketime' },
  { what: 'ip', present: () => runs('ip', ['-V']), pkg: 'iproute2' },
];

const missing = () => NEEDS.filter((n) => !n.present());

if (missing().length > 0) {
  const pkgs = missing().map((n) => n.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `The tests need ${missing().map((n) => n.what).join(', ')}. Install them with:\n` +
        `  sudo apt-get install -y ${pkgs.join(' ')}\n` +
        `(or point REDIS_SERVER / REDIS_SENTINEL / REDIS_CLI at the binaries)\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Installing ${pkgs.join(' ')} with apt-get ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...pkgs]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      process.stderr.write(`apt-get ${args.join(' ')} failed (exit ${r.status})\n`);
      process.exit(1);
    }
  }
  // Debian's packages start services on install where an init system runs; the tests use
  // their own ports, so nothing needs stopping, but say what is still missing.
  if (missing().length > 0) {
    process.stderr.write(`still missing after install: ${missing().map((n) => n.what).join(', ')}\n`);
    process.exit(1);
  }
}
