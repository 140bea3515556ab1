/**
 * Regenerates test/fixtures/rewrite/<case>.redis-7.0.15.conf: what redis-sentinel writes for
 * each RewriteCase, used by test/unit/config/rewrite.test.ts for byte-for-byte comparisons.
 *
 *   npm run build && node dist/test/helpers/make-rewrite-goldens.js
 *
 * The inputs use port 26379, so as root the script re-runs itself in a fresh network namespace
 * (unshare -n) where that port is free; otherwise nothing may listen on 26379 meanwhile. The
 * working directory in the output is replaced by @CWD@ (the unit test passes that as cwd).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRedisCase } from './redis-rewrite.js';
import { FIXTURES, REWRITE_CASES } from './rewrite-cases.js';

const REDIS_VERSION = '7.0.15';

if (process.getuid?.() === 0 && process.env.ARGUS_IN_NETNS !== '1') {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, self], {
    stdio: 'inherit',
    env: { ...process.env, ARGUS_IN_NETNS: '1' },
  });
  process.exit(r.status ?? 1);
}

const version = spawnSync(process.env.REDIS_SENTINEL ?? 'redis-sentinel', ['--version'], { encoding: 'utf8' }).stdout;
if (!version.includes(`v=${REDIS_VERSION}`)) throw new Error(`need redis-sentinel ${REDIS_VERSION}, found: ${version}`);

const out = join(FIXTURES, 'rewrite');
mkdirSync(out, { recursive: true });
for (const c of REWRITE_CASES) {
  const dir = mkdtempSync(join(tmpdir(), `argus-golden-${c.name}-`));
  try {
    const text = await runRedisCase(c, c.input, dir);
    writeFileSync(join(out, `${c.name}.redis-${REDIS_VERSION}.conf`), text.split(`dir "${dir}"`).join('dir "@CWD@"'), 'latin1');
    console.log(`${c.name}: ${text.length} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
