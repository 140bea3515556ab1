/**
 * ecosystem.config.cjs: a fleet description becomes the pm2 apps, one per sentinel. The pm2 run
 * itself is test/integration/pm2.test.ts.
 */
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/tmp.js';

const require = createRequire(import.meta.url);
const ECOSYSTEM = join(ROOT, 'ecosystem.config.cjs');

type App = Record<string, unknown> & { name: string; env: Record<string, string> };

/** The apps pm2 would read with ARGUS_FLEET set to `fleet` (unset for undefined). */
function load(fleet: string | undefined): App[] {
  const saved = process.env.ARGUS_FLEET;
  if (fleet === undefined) delete process.env.ARGUS_FLEET;
  else process.env.ARGUS_FLEET = fleet;
  delete require.cache[ECOSYSTEM];
  try {
    return (require(ECOSYSTEM) as { apps: App[] }).apps;
  } finally {
    if (saved === undefined) delete process.env.ARGUS_FLEET;
    else process.env.ARGUS_FLEET = saved;
  }
}

function fleetFile(t: ExecutionContext, description: unknown | ((dir: string) => unknown)): { file: string; dir: string } {
  const tmp = tempDir('argus-fleet-');
  t.teardown(tmp.cleanup);
  if (typeof description === 'function') description = description(tmp.dir);
  const file = join(tmp.dir, 'fleet.json');
  writeFileSync(file, typeof description === 'string' ? description : JSON.stringify(description));
  return { file, dir: tmp.dir };
}

test('ecosystem: the shipped fleet is the `npm start` sentinel, argus-26379 on var/sentinel.conf', (t) => {
  const apps = load(undefined);
  t.is(apps.length, 1);
  t.like(apps[0], {
    name: 'argus-26379',
    script: join(ROOT, 'bin', 'argus-sentinel-default'),
    args: ['--port', '26379'],
    env: { ARGUS_CONFIG: join(ROOT, 'var', 'sentinel.conf'), ARGUS_CONFIG_TEMPLATE: join(ROOT, 'config', 'sentinel.conf') },
    cwd: join(ROOT, 'var'),
    exec_mode: 'fork',
    instances: 1,
  });
  // pm2's own log files when the fleet names none
  t.false('out_file' in apps[0]!);
});

test('ecosystem: one fork-mode app per sentinel, paths resolved from the fleet file', (t) => {
  const { file, dir } = fleetFile(t, (dir: string) => ({
    template: 'base.conf',
    sentinels: [
      { port: 26380, config: 'a/26380.conf', log: 'logs/26380.log' },
      {
        name: 'east',
        port: 26381,
        config: join(dir, 'etc', 'east.conf'),
        log: 'logs/east.log',
        errorLog: 'logs/east.err',
        template: 'east.conf',
        args: ['--loglevel', 'verbose'],
        nodeArgs: ['--max-old-space-size=4096'],
      },
      { port: 26382, config: 'c.conf', errorLog: 'c.err' },
    ],
  }));
  const [a, east, c] = load(file);
  t.like(a, {
    name: 'argus-26380',
    args: ['--port', '26380'],
    env: { ARGUS_CONFIG: join(dir, 'a', '26380.conf'), ARGUS_CONFIG_TEMPLATE: join(dir, 'base.conf') },
    cwd: join(dir, 'a'),
    out_file: join(dir, 'logs', '26380.log'),
    error_file: join(dir, 'logs', '26380.log'),
    exec_mode: 'fork',
    instances: 1,
    wait_ready: true,
    autorestart: true,
  });
  t.deepEqual(a!.node_args, ['--max-semi-space-size=1'], 'the young generation Argus is measured with');
  t.like(east, {
    name: 'east',
    args: ['--port', '26381', '--loglevel', 'verbose'],
    env: { ARGUS_CONFIG: join(dir, 'etc', 'east.conf'), ARGUS_CONFIG_TEMPLATE: join(dir, 'east.conf') },
    cwd: join(dir, 'etc'),
    out_file: join(dir, 'logs', 'east.log'),
    error_file: join(dir, 'logs', 'east.err'),
  });
  t.deepEqual(east!.node_args, ['--max-semi-space-size=1', '--max-old-space-size=4096'], 'the fleet file\'s flags after');
  t.like(c, { name: 'argus-26382', cwd: dir, error_file: join(dir, 'c.err') });
  t.false('out_file' in c!);
  for (const app of [a!, east!, c!]) {
    // long enough for the SIGINT flush; pm2 waits for 'ready' at most listen_timeout
    t.true((app.kill_timeout as number) >= 5_000);
    t.true((app.listen_timeout as number) >= 5_000);
    t.true((app.max_restarts as number) > 0);
    t.true((app.exp_backoff_restart_delay as number) > 0);
  }
});

const REFUSED: [string, unknown, RegExp][] = [
  ['that is not JSON', '{ "sentinels": [', /fleet\.json: .*JSON/],
  ['that is not an object', '[]', /expected a JSON object/],
  ['with no sentinels', { sentinels: [] }, /"sentinels" must be a non-empty array/],
  ['with an unknown fleet key', { sentinel: [] }, /unknown key "sentinel"/],
  ['with an unknown sentinel key', { sentinels: [{ port: 1, config: 'a', logfile: 'x' }] }, /sentinels\[0\]: unknown key "logfile"/],
  ['with a sentinel without a port', { sentinels: [{ config: 'a' }] }, /sentinels\[0\]: "port" must be an integer/],
  ['with a port out of range', { sentinels: [{ port: 65536, config: 'a' }] }, /"port" must be an integer 1-65535/],
  ['with a sentinel without a config', { sentinels: [{ port: 26379 }] }, /sentinels\[0\]: "config" .* is required/],
  ['with a port twice', { sentinels: [{ port: 1, config: 'a' }, { port: 1, config: 'b' }] }, /sentinels\[1\]: port 1 is used twice/],
  ['with a name twice', { sentinels: [{ name: 'x', port: 1, config: 'a' }, { name: 'x', port: 2, config: 'b' }] }, /sentinels\[1\]: name x is used twice/],
  ['with a config twice', { sentinels: [{ port: 1, config: 'a' }, { port: 2, config: './a' }] }, /sentinels\[1\]: config .*\/a is used twice/],
  ['with an all-digit name', { sentinels: [{ name: '7', port: 1, config: 'a' }] }, /"7" cannot be a pm2 name/],
  ['with the name all', { sentinels: [{ name: 'all', port: 1, config: 'a' }] }, /"all" cannot be a pm2 name/],
  ['with args that are not strings', { sentinels: [{ port: 1, config: 'a', args: ['--port', 2] }] }, /"args" must be an array of strings/],
];

for (const [what, description, message] of REFUSED) {
  test(`ecosystem: a fleet file ${what} is refused, naming the file`, (t) => {
    const { file } = fleetFile(t, description);
    const error = t.throws(() => load(file));
    t.regex(error.message, new RegExp(`^Argus fleet file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    t.regex(error.message, message);
  });
}
