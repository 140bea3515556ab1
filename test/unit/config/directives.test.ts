import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allDirectives, directiveSpec, type DirectiveSpec } from '../../../src/config/directives.js';
import { quoteRepr } from '../../../src/config/quote.js';
import { REDIS_SENTINEL, REDIS_SERVER } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

test('directiveSpec: finds canonical names and aliases case-insensitively', (t) => {
  t.is(directiveSpec('SlaveOf')?.name, 'replicaof');
  t.deepEqual(directiveSpec('replicaof')?.aliases, ['slaveof']);
  t.is(directiveSpec('hash-max-ziplist-value')?.name, 'hash-max-listpack-value');
  t.is(directiveSpec('constructor'), undefined);
});

test('directiveSpec: gives defaults as CONFIG REWRITE writes them', (t) => {
  const defaults: Record<string, readonly string[] | undefined> = {
    port: ['6379'], 'protected-mode': ['yes'], loglevel: ['notice'], 'client-query-buffer-limit': ['1gb'],
    'stream-node-max-bytes': ['4kb'], 'hll-sparse-max-bytes': ['3000'], 'active-defrag-ignore-bytes': ['100mb'],
    'syslog-ident': ['redis'], logfile: [''], requirepass: undefined, 'oom-score-adj-values': ['0', '200', '800'],
    'latency-tracking-info-percentiles': ['50', '99', '99.9'], 'notify-keyspace-events': [''],
    'shutdown-on-sigint': ['default'], 'loading-process-events-interval-bytes': ['2097152'],
  };
  for (const [name, args] of Object.entries(defaults)) t.deepEqual(directiveSpec(name)?.defaultArgs, args, name);
  t.deepEqual(directiveSpec('save')?.defaultLines, [['3600', '1'], ['300', '100'], ['60', '10000']]);
});

test('directiveSpec: marks the multi-line directives', (t) => {
  const multi = allDirectives().filter((d) => d.multi).map((d) => d.name).sort();
  t.deepEqual(multi, ['client-output-buffer-limit', 'include', 'loadmodule', 'rename-command', 'save', 'sentinel', 'user']);
});

// ---------------------------------------------------------------------------------------------
// The table against the real 7.0.15 binaries (the 7.2 additions aside)
// ---------------------------------------------------------------------------------------------

// The suite always has the real binary (`npm test` installs it); without it these tests fail
// rather than skip.
const realTest = test;
const in70 = (d: DirectiveSpec): boolean => d.kind === 'standard' && d.since === undefined;
/** Debian's 7.0.15 carries a patch adding this hidden option; upstream Redis has no such directive. */
const DEBIAN_ONLY = new Set(['lua-enable-deprecated-api']);

function lineFor(name: string, d: DirectiveSpec): string[] {
  if (d.defaultLines) return d.defaultLines.map((args) => `${name} ${args.map(quoteRepr).join(' ')}`);
  if (name === 'replicaof' || name === 'slaveof') return [`${name} no one`];
  // A string without default: "" is "unset" for all of them.
  return [`${name} ${(d.defaultArgs ?? ['']).map(quoteRepr).join(' ')}`];
}

function sentinelStderr(conf: string): string {
  const tmp = tempDir('argus-table-');
  try {
    const path = join(tmp.dir, 'sentinel.conf');
    writeFileSync(path, conf, 'latin1');
    const r = spawnSync(REDIS_SENTINEL, [path], { cwd: tmp.dir, timeout: 5_000, killSignal: 'SIGKILL', encoding: 'latin1' });
    return r.stderr;
  } finally {
    tmp.cleanup();
  }
}

realTest('directives: redis-sentinel 7.0.15 accepts every 7.0 name and alias with its default', (t) => {
  const lines: string[] = [];
  for (const d of allDirectives().filter((x) => in70(x) && x.name !== 'dir')) {
    for (const name of [d.name, ...d.aliases]) lines.push(...lineFor(name, d));
  }
  // dir needs a real directory; port 0 last so the process exits instead of serving
  t.is(sentinelStderr(`${lines.join('\n')}\ndir .\nport 0\n`), '');
});

realTest('directives: redis-sentinel 7.0.15 refuses the 7.2 additions as unknown', (t) => {
  for (const d of allDirectives().filter((x) => x.since === '7.2')) {
    const line = lineFor(d.name, d)[0]!;
    t.regex(sentinelStderr(`port 0\n${line}\n`), /Bad directive or wrong number of arguments\n$/, d.name);
  }
});

realTest('directives: the table has every name redis-server 7.0.15 lists in CONFIG GET *', async (t) => {
  const tmp = tempDir('argus-table-');
  t.teardown(tmp.cleanup);
  const sock = join(tmp.dir, 'r.sock');
  const child = spawn(REDIS_SERVER, ['--port', '0', '--unixsocket', sock, '--save', '', '--dir', tmp.dir], { stdio: 'ignore' });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  await waitFor(() => existsSync(sock), { what: 'redis-server socket' });
  const r = spawnSync('redis-cli', ['-s', sock, 'config', 'get', '*'], { encoding: 'latin1', timeout: 5_000 });
  const names = r.stdout.split('\n').filter((_, i) => i % 2 === 0 && _ !== '');
  t.true(names.length > 150);
  const known = new Set(allDirectives().filter(in70).flatMap((d) => [d.name, ...d.aliases]));
  t.deepEqual(names.filter((n) => !known.has(n) && !DEBIAN_ONLY.has(n)), []);
  // and the other way round, hidden options aside
  const listed = new Set(names);
  t.deepEqual(allDirectives().filter((d) => in70(d) && !d.hidden).flatMap((d) => [d.name, ...d.aliases]).filter((n) => !listed.has(n)), []);
});
