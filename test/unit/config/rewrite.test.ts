import test from 'ava';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig, REWRITE_SIGNATURE, type ArgusMasterDirective, type RewriteOptions } from '../../../src/config/rewrite.js';
import { ServerOptions } from '../../../src/config/server-options.js';
import { quoteIfNeeded, quoteRepr } from '../../../src/config/quote.js';
import { splitArgs } from '../../../src/config/tokenize.js';
import { SRI, type MasterRecord } from '../../../src/sentinel/instance.js';
import {
  addKnownReplica,
  addKnownSentinel,
  createMaster,
  newSentinelState,
  type SentinelState,
} from '../../../src/sentinel/state.js';
import { FIXTURES, knownReplicas, normalizeRewrite, REWRITE_CASES, type RewriteCase } from '../../helpers/rewrite-cases.js';

const MYID = 'e5c2d16d41150e07d8f2e95159c69cb0075a3b87';
const PEER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const OPTS: RewriteOptions = { cwd: '/var/lib/argus' };

function fixture(): { server: ServerOptions; state: SentinelState } {
  const server = new ServerOptions();
  const state = newSentinelState();
  state.myid = MYID;
  return { server, state };
}

function master(state: SentinelState, name = 'mymaster', host = '127.0.0.1', port = 6379, quorum = 2): MasterRecord {
  const r = createMaster(state, name, host, port, quorum, 0);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const lines = (text: string): string[] => text.split('\n');

test('rewrite: an empty file gets the forced options, then the sentinel state in §6.4 order', (t) => {
  const { server, state } = fixture();
  state.denyScriptsReconfig = false;
  state.resolveHostnames = true;
  state.announceHostnames = true;
  state.currentEpoch = 9;
  state.announceIp = '1.2.3.4';
  state.announcePort = 5555;
  state.sentinelUser = 'su';
  state.sentinelPass = 'sp';
  const m = master(state, 'm2', '10.0.0.1', 7000, 1);
  m.downAfterPeriod = 5000;
  m.failoverTimeout = 60000;
  m.parallelSyncs = 3;
  m.notificationScript = '/tmp/n.sh';
  m.clientReconfigScript = '/tmp/n.sh';
  m.authPass = 'secret';
  m.authUser = 'bob';
  m.masterRebootDownAfterPeriod = 1000;
  m.configEpoch = 7;
  m.leaderEpoch = 5;
  addKnownReplica(state, m, '10.0.0.2', 7001, 0);
  addKnownSentinel(state, m, '10.0.0.9', 26379, PEER, 0);
  m.renamedCommands.set('config', { command: 'CONFIG', renamed: 'GUESSME' });
  // The order of the sentinel lines is exactly what redis-sentinel 7.0.15 appended for the same
  // state after SENTINEL FLUSHCONFIG on an emptied file (see the compat test).
  t.is(
    rewriteConfig('', server, state, OPTS),
    [
      REWRITE_SIGNATURE,
      'dir "/var/lib/argus"',
      'port 26379',
      'protected-mode no',
      'user default on nopass ~* &* +@all',
      `sentinel myid ${MYID}`,
      'sentinel deny-scripts-reconfig no',
      'sentinel resolve-hostnames yes',
      'sentinel announce-hostnames yes',
      'sentinel monitor m2 10.0.0.1 7000 1',
      'sentinel down-after-milliseconds m2 5000',
      'sentinel failover-timeout m2 60000',
      'sentinel parallel-syncs m2 3',
      'sentinel notification-script m2 /tmp/n.sh',
      'sentinel client-reconfig-script m2 /tmp/n.sh',
      'sentinel auth-pass m2 secret',
      'sentinel auth-user m2 bob',
      'sentinel master-reboot-down-after-period m2 1000',
      'sentinel config-epoch m2 7',
      'sentinel leader-epoch m2 5',
      'sentinel known-replica m2 10.0.0.2 7001',
      `sentinel known-sentinel m2 10.0.0.9 26379 ${PEER}`,
      'sentinel rename-command m2 CONFIG GUESSME',
      'sentinel current-epoch 9',
      'sentinel announce-ip "1.2.3.4"',
      'sentinel announce-port 5555',
      'sentinel sentinel-user su',
      'sentinel sentinel-pass sp',
      '',
    ].join('\n'),
  );
});

test('rewrite: lines are trimmed, comments kept, blank runs collapsed, one blank before appended text', (t) => {
  const { server, state } = fixture();
  master(state);
  server.set('port', ['26379']);
  const old = '# top comment   \n\t  port 26379\t\r\n\n\n\n  # indented comment\nsentinel monitor mymaster 127.0.0.1 6379 2\n';
  t.deepEqual(lines(rewriteConfig(old, server, state, OPTS)), [
    '# top comment',
    'port 26379',
    '',
    '# indented comment',
    'sentinel monitor mymaster 127.0.0.1 6379 2',
    '',
    REWRITE_SIGNATURE,
    'dir "/var/lib/argus"',
    'protected-mode no',
    'user default on nopass ~* &* +@all',
    `sentinel myid ${MYID}`,
    'sentinel config-epoch mymaster 0',
    'sentinel leader-epoch mymaster 0',
    'sentinel current-epoch 0',
    '',
  ]);
});

test('rewrite: a file without a final newline gets appended lines directly after its last line', (t) => {
  const { server, state } = fixture();
  const out = rewriteConfig('# only a comment', server, state, OPTS);
  t.true(out.startsWith(`# only a comment\n${REWRITE_SIGNATURE}\n`));
});

test('rewrite: unknown directives and unparsable lines are kept as "# ??? " comments', (t) => {
  const { server, state } = fixture();
  const old = 'bogus-directive 1 2\n"unbalanced\nport "26379"x\n""\n';
  const out = lines(rewriteConfig(old, server, state, OPTS));
  t.deepEqual(out.slice(0, 4), ['# ??? bogus-directive 1 2', '# ??? "unbalanced', '# ??? port "26379"x', '# ??? ""']);
});

test('rewrite: the signature is added once, and not at all when the file already has it', (t) => {
  const { server, state } = fixture();
  const first = rewriteConfig('', server, state, OPTS);
  state.masters.clear();
  master(state);
  const second = rewriteConfig(first, server, state, OPTS);
  t.is(second.split(REWRITE_SIGNATURE).length, 2);
  t.true(second.endsWith('sentinel current-epoch 0\n\nsentinel monitor mymaster 127.0.0.1 6379 2\nsentinel config-epoch mymaster 0\nsentinel leader-epoch mymaster 0\n'));
});

test('rewrite: the second rewrite adds a trailing blank line, then the output is a fixed point', (t) => {
  const { server, state } = fixture();
  const m = master(state);
  addKnownReplica(state, m, '127.0.0.1', 6380, 0);
  addKnownSentinel(state, m, '127.0.0.1', 26380, PEER, 0);
  const once = rewriteConfig('port 26379\n', server, state, OPTS);
  // "...\n" splits into a last empty line, written back as one more "\n" (redis-sentinel 7.0.15
  // files end in "\n\n" from their second rewrite on); runs of blanks collapse, so it stops there.
  const twice = rewriteConfig(once, server, state, OPTS);
  t.is(twice, `${once}\n`);
  t.is(rewriteConfig(twice, server, state, OPTS), twice);
});

test('rewrite: orphans of handled keys are blanked, lines of unhandled keys stay', (t) => {
  const { server, state } = fixture();
  master(state, 'kept');
  server.set('include', ['/etc/other.conf'], true);
  server.set('rename-command', ['FLUSHALL', ''], true);
  const old = [
    'include /etc/other.conf',
    'rename-command FLUSHALL ""',
    'save 900 1',
    'save 300 10',
    'sentinel monitor gone 10.0.0.1 6379 2',
    'sentinel down-after-milliseconds gone 1000',
    'sentinel known-replica gone 10.0.0.2 6379',
    'sentinel known-sentinel gone 10.0.0.3 26379 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    'sentinel monitor kept 127.0.0.1 6379 2',
    'sentinel parallel-syncs kept 1',
    'sentinel announce-ip 1.1.1.1',
    'sentinel myid 1111111111111111111111111111111111111111',
    'sentinel myid 2222222222222222222222222222222222222222',
    '',
  ].join('\n');
  t.deepEqual(lines(rewriteConfig(old, server, state, OPTS)), [
    'include /etc/other.conf',
    'rename-command FLUSHALL ""',
    '',
    // `gone`'s monitor slot is reused by `kept`; its other lines, the second save, the default
    // parallel-syncs, the unset announce-ip and the duplicate myid are blanked
    'sentinel monitor kept 127.0.0.1 6379 2',
    '',
    `sentinel myid ${MYID}`,
    '',
    REWRITE_SIGNATURE,
    'dir "/var/lib/argus"',
    'port 26379',
    'protected-mode no',
    'user default on nopass ~* &* +@all',
    'sentinel config-epoch kept 0',
    'sentinel leader-epoch kept 0',
    'sentinel current-epoch 0',
    '',
  ]);
});

test('rewrite: directive and sub-directive lookup is case-insensitive', (t) => {
  const { server, state } = fixture();
  master(state);
  server.set('port', ['26400']);
  const out = lines(rewriteConfig('PORT 1\nSENTINEL MONITOR mymaster 10.9.9.9 6379 2\nSentinel Myid x\n', server, state, OPTS));
  t.deepEqual(out.slice(0, 3), ['port 26400', 'sentinel monitor mymaster 127.0.0.1 6379 2', `sentinel myid ${MYID}`]);
});

test('rewrite: old known-slave lines are replaced in place by known-replica (7.2+ rule)', (t) => {
  const { server, state } = fixture();
  const m = master(state);
  addKnownReplica(state, m, '127.0.0.1', 6380, 0);
  const old = [
    'sentinel monitor mymaster 127.0.0.1 6379 2',
    'sentinel known-slave mymaster 127.0.0.1 6380',
    'sentinel known-slave mymaster 127.0.0.1 6381',
    'sentinel current-epoch 0',
    '',
  ].join('\n');
  const out = lines(rewriteConfig(old, server, state, OPTS));
  t.deepEqual(out.slice(0, 4), [
    'sentinel monitor mymaster 127.0.0.1 6379 2',
    'sentinel known-replica mymaster 127.0.0.1 6380',
    '',
    'sentinel current-epoch 0',
  ]);
  t.false(out.some((l) => l.includes('known-slave')));
});

test('rewrite: known-slave lines of a removed master are blanked even with no replica left', (t) => {
  const { server, state } = fixture();
  const out = rewriteConfig('sentinel known-slave gone 10.0.0.1 6379\n', server, state, OPTS);
  t.false(out.includes('known-slave'), 'Redis 7.2 keeps them here (its key is only marked per replica)');
});

test('rewrite: a promoted replica is written under the old master address during a failover', (t) => {
  const { server, state } = fixture();
  const m = master(state, 'mymaster', '10.0.0.1', 6379, 2);
  addKnownReplica(state, m, '10.0.0.2', 6379, 0);
  addKnownReplica(state, m, '10.0.0.3', 6379, 0);
  m.replicas.get('10.0.0.2:6379')!.flags |= SRI.PROMOTED;
  m.failoverState = 'reconf_slaves';
  const out = lines(rewriteConfig('', server, state, OPTS));
  t.true(out.includes('sentinel monitor mymaster 10.0.0.2 6379 2'));
  t.deepEqual(out.filter((l) => l.includes('known-replica')), [
    'sentinel known-replica mymaster 10.0.0.1 6379',
    'sentinel known-replica mymaster 10.0.0.3 6379',
  ]);
});

test('rewrite: per-master defaults follow SENTINEL DEBUG default-down-after / default-failover-timeout', (t) => {
  const { server, state } = fixture();
  const m = master(state);
  m.downAfterPeriod = 30000;
  m.failoverTimeout = 180000;
  let out = rewriteConfig('', server, state, OPTS);
  t.false(out.includes('down-after-milliseconds'));
  t.false(out.includes('failover-timeout'));
  state.timings.defaultDownAfter = 5000;
  state.timings.defaultFailoverTimeout = 60000;
  out = rewriteConfig('', server, state, OPTS);
  t.true(out.includes('sentinel down-after-milliseconds mymaster 30000\n'));
  t.true(out.includes('sentinel failover-timeout mymaster 180000\n'));
});

test('rewrite: yes/no sentinel options at their default are kept in place but never appended', (t) => {
  const { server, state } = fixture();
  const out = rewriteConfig('sentinel resolve-hostnames no\nsentinel deny-scripts-reconfig yes\n', server, state, OPTS);
  t.true(out.startsWith('sentinel resolve-hostnames no\nsentinel deny-scripts-reconfig yes\n'));
  t.false(out.includes('announce-hostnames'));
});

test('rewrite: the default user is derived from requirepass (SHA-256), requirepass is kept quoted', (t) => {
  const { server, state } = fixture();
  server.set('requirepass', ['foo bar']);
  const out = lines(rewriteConfig('requirepass "foo bar"\n', server, state, OPTS));
  const sha = createHash('sha256').update('foo bar').digest('hex');
  t.is(out[0], 'requirepass "foo bar"');
  t.true(out.includes(`user default on #${sha} ~* &* +@all`));
});

test('rewrite: configured users are written in name order; an aclfile drops all user lines', (t) => {
  const { server, state } = fixture();
  server.set('user', ['zed', 'off'], true);
  server.set('user', ['alice', 'on', '>pw', '~*', '+@all'], true);
  const alice = `user alice on #${createHash('sha256').update('pw').digest('hex')} ~* +@all`;
  let out = lines(rewriteConfig('user zed off\n', server, state, OPTS));
  t.is(out[0], alice, 'the first old user line is reused; a clear-text password is hashed');
  t.deepEqual(out.filter((l) => l.startsWith('user ')), [alice, 'user default on nopass ~* &* +@all', 'user zed off']);
  server.set('aclfile', ['/etc/users.acl']);
  out = lines(rewriteConfig('user zed off\n', server, state, OPTS));
  t.false(out.some((l) => l.startsWith('user ')));
  t.true(out.includes('aclfile "/etc/users.acl"'));
  server.delete('aclfile');
  out = lines(rewriteConfig('', server, state, { ...OPTS, aclUserLines: ['user default on nopass ~* resetchannels -@all'] }));
  t.deepEqual(out.filter((l) => l.startsWith('user ')), ['user default on nopass ~* resetchannels -@all']);
});

test('rewrite: a configured default user is written back as Redis describes it (sanitize-payload)', (t) => {
  const { server, state } = fixture();
  server.set('user', ['default', 'on', 'nopass', '~*', '&*', '+@all'], true);
  let out = lines(rewriteConfig('user default on nopass ~* &* +@all\n', server, state, OPTS));
  t.is(out[0], 'user default on nopass sanitize-payload ~* &* +@all');
  server.delete('user');
  server.set('user', ['default', 'on', '>foo', '~*', '&*', '+@all'], true);
  out = lines(rewriteConfig('', server, state, OPTS));
  const sha = createHash('sha256').update('foo').digest('hex');
  t.true(out.includes(`user default on sanitize-payload #${sha} ~* &* +@all`));
});

test('rewrite: server options in the file are rewritten in place; new ones appended only off default', (t) => {
  const { server, state } = fixture();
  server.set('port', ['26380']);
  server.set('protected-mode', ['yes']);
  server.set('logfile', ['']);
  server.set('pidfile', ['/run/s.pid']);
  server.set('daemonize', ['no']);
  server.set('loglevel', ['warning']);
  const out = lines(rewriteConfig('logfile ""\npidfile /run/s.pid\nport 26379\n', server, state, OPTS));
  t.deepEqual(out.slice(0, 3), ['logfile ""', 'pidfile "/run/s.pid"', 'port 26380']);
  t.true(out.includes('protected-mode yes'));
  t.true(out.includes('loglevel warning'), 'non-default value from the command line is appended');
  t.false(out.includes('daemonize no'), 'a default value not in the file is not appended');
});

test('rewrite: loadmodule lines are blanked (a sentinel loads no modules); include and rename-command stay', (t) => {
  const { server, state } = fixture();
  const out = lines(rewriteConfig('loadmodule /x.so a b\ninclude /a.conf\nrename-command PING PONG2\n', server, state, OPTS));
  t.deepEqual(out.slice(0, 3), ['', 'include /a.conf', 'rename-command PING PONG2']);
});

test('rewrite: save is never written and its old lines are blanked; hz is the configured value', (t) => {
  const { server, state } = fixture();
  server.set('save', ['900', '1'], true);
  server.set('hz', ['50']);
  const out = lines(rewriteConfig('save 900 1\nhz 50\n', server, state, OPTS));
  t.deepEqual(out.slice(0, 2), ['', 'hz 50']);
});

test('rewrite: Argus-only per-master directives come after Redis\'s, only when not default', (t) => {
  const { server, state } = fixture();
  const a = master(state, 'a');
  master(state, 'b');
  a.renamedCommands.set('config', { command: 'CONFIG', renamed: 'C2' });
  const pingPeriod = new Map([['a', 500]]);
  const directive: ArgusMasterDirective = {
    sub: 'argus-ping-period',
    format: (m) => (pingPeriod.has(m.name) ? String(pingPeriod.get(m.name)) : null),
  };
  const opts = { ...OPTS, argusMasterDirectives: [directive] };
  let out = lines(rewriteConfig('', server, state, opts));
  const i = out.indexOf('sentinel rename-command a CONFIG C2');
  t.is(out[i + 1], 'sentinel argus-ping-period a 500');
  t.false(out.some((l) => l.startsWith('sentinel argus-ping-period b')));
  pingPeriod.clear();
  out = lines(rewriteConfig(out.join('\n'), server, state, opts));
  t.false(out.some((l) => l.includes('argus-ping-period')), 'back at default: the old line is blanked');
});

const NASTY = [
  'with space',
  'dq"uote',
  "sq'uote",
  'back\\slash',
  'inject\r\nsentinel notification-script m /bin/sh',
  'nul\0byte',
  '\xff\x80high bytes\xe9',
  '',
  '#not-a-comment',
  'tab\there',
  '\v\flead',
  '"',
  '\\x41',
] as const;

test('rewrite: every user string re-parses to the same value, whatever its bytes', (t) => {
  for (const v of NASTY) {
    const { server, state } = fixture();
    const m = master(state, `m${v}`);
    m.authPass = v;
    m.authUser = v;
    m.notificationScript = v;
    m.clientReconfigScript = v;
    m.renamedCommands.set(v.toLowerCase(), { command: v, renamed: v });
    addKnownSentinel(state, m, '10.0.0.1', 26379, v, 0);
    state.announceIp = v;
    state.sentinelUser = v;
    state.sentinelPass = v;
    server.set('requirepass', [v]);
    const out = rewriteConfig('', server, state, OPTS);
    const byKey = new Map<string, string[]>();
    for (const line of lines(out)) {
      if (line === '' || line.startsWith('#')) continue;
      const argv = splitArgs(line);
      t.not(argv, null, `line parses: ${JSON.stringify(line)}`);
      const key = argv![0] === 'sentinel' ? `sentinel ${argv![1]}` : argv![0]!;
      t.false(byKey.has(key), `one line per key (${key}) for ${JSON.stringify(v)}`);
      byKey.set(key, argv!);
    }
    const name = `m${v}`;
    t.deepEqual(byKey.get('sentinel auth-pass'), ['sentinel', 'auth-pass', name, v]);
    t.deepEqual(byKey.get('sentinel auth-user'), ['sentinel', 'auth-user', name, v]);
    t.deepEqual(byKey.get('sentinel notification-script'), ['sentinel', 'notification-script', name, v]);
    t.deepEqual(byKey.get('sentinel client-reconfig-script'), ['sentinel', 'client-reconfig-script', name, v]);
    t.deepEqual(byKey.get('sentinel rename-command'), ['sentinel', 'rename-command', name, v, v]);
    t.deepEqual(byKey.get('sentinel known-sentinel'), ['sentinel', 'known-sentinel', name, '10.0.0.1', '26379', v]);
    t.deepEqual(byKey.get('sentinel monitor'), ['sentinel', 'monitor', name, '127.0.0.1', '6379', '2']);
    t.deepEqual(byKey.get('sentinel announce-ip'), ['sentinel', 'announce-ip', v]);
    t.deepEqual(byKey.get('sentinel sentinel-user'), ['sentinel', 'sentinel-user', v]);
    t.deepEqual(byKey.get('sentinel sentinel-pass'), ['sentinel', 'sentinel-pass', v]);
    if (v !== '') t.deepEqual(byKey.get('requirepass'), ['requirepass', v]);
  }
});

test('quote: every byte and random byte strings re-parse to themselves, raw or quoted', (t) => {
  // a small LCG: deterministic, bounded
  let seed = 0x2545f491;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const values: string[] = [];
  for (let b = 0; b < 256; b++) values.push(String.fromCharCode(b), `a${String.fromCharCode(b)}b`);
  for (let i = 0; i < 2000; i++) {
    let v = '';
    for (let n = next(12); n > 0; n--) v += String.fromCharCode(next(4) === 0 ? next(256) : 32 + next(95));
    values.push(v);
  }
  for (const v of values) {
    t.deepEqual(splitArgs(`x ${quoteRepr(v)}`), ['x', v], JSON.stringify(v));
    t.deepEqual(splitArgs(`x ${quoteIfNeeded(v)} y`), ['x', v, 'y'], JSON.stringify(v));
    t.regex(quoteRepr(v), /^"[\x20-\x7e]*"$/, 'quoteRepr output is printable ASCII');
  }
});

test('rewrite: ordinary values are written raw, as Redis 7 writes them; announce-ip always quoted', (t) => {
  const { server, state } = fixture();
  const m = master(state);
  m.authPass = 'MySUPER--secret-0123passw0rd';
  m.notificationScript = '/var/redis/notify.sh';
  state.announceIp = '10.1.1.1';
  const out = rewriteConfig('', server, state, OPTS);
  t.true(out.includes('sentinel auth-pass mymaster MySUPER--secret-0123passw0rd\n'));
  t.true(out.includes('sentinel notification-script mymaster /var/redis/notify.sh\n'));
  t.true(out.includes('sentinel announce-ip "10.1.1.1"\n'));
});

// ---------------------------------------------------------------------------------------------
// Byte-for-byte against redis-sentinel 7.0.15. The goldens in test/fixtures/rewrite/ were written
// by the real binary (test/helpers/make-rewrite-goldens.ts; test/compat/config-rewrite.test.ts
// re-checks them against a live one). normalizeRewrite lists what the comparison leaves out.
// ---------------------------------------------------------------------------------------------

const GOLDEN_CWD = '@CWD@';
const LOAD_IO = { isExecutable: () => true, readFile: () => ({ ok: false as const, error: 'No such file or directory' }), chdir: () => null };

/** Argus's file for a case: load the input, then one rewrite per flush redis-sentinel made. */
function argusCaseOutput(c: RewriteCase, input: string, cwd: string, startupMyid: string | null): string {
  const { server, state, myidLoaded } = loadConfig(input, '/nowhere/sentinel.conf', [], 0, LOAD_IO);
  const opts = { cwd: server.get('dir')?.[0] ?? cwd };
  let text = input;
  if (!myidLoaded) {
    if (startupMyid === null) throw new Error(`${c.name}: no myid to start with`);
    state.myid = startupMyid;
    text = rewriteConfig(text, server, state, opts);
  }
  if (c.appendWhileRunning !== undefined) text += c.appendWhileRunning;
  for (const step of c.steps) {
    step.argus?.(state, server);
    text = rewriteConfig(text, server, state, opts);
  }
  return text;
}

for (const c of REWRITE_CASES) {
  test(`rewrite: same bytes as redis-sentinel 7.0.15 for case ${c.name}`, (t) => {
    const golden = readFileSync(join(FIXTURES, 'rewrite', `${c.name}.redis-7.0.15.conf`), 'latin1');
    const myid = /^sentinel myid (\S+)$/m.exec(golden)?.[1] ?? null;
    const argus = argusCaseOutput(c, c.input, GOLDEN_CWD, myid);
    t.is(normalizeRewrite(argus, c), normalizeRewrite(golden, c));
    if (c.ignoreKnownReplicas) t.deepEqual(knownReplicas(argus), knownReplicas(golden));
  });
}

test('rewrite: the normalization hides only what it names (sanity check on a golden)', (t) => {
  const c = REWRITE_CASES.find((x) => x.name === 'config-md-example')!;
  const golden = readFileSync(join(FIXTURES, 'rewrite', `${c.name}.redis-7.0.15.conf`), 'latin1');
  const argus = argusCaseOutput(c, c.input, GOLDEN_CWD, /^sentinel myid (\S+)$/m.exec(golden)![1]!);
  // 7.0 keeps the old known-slave lines; Argus turned them into known-replica lines in place.
  t.true(golden.includes('sentinel known-slave mymaster 127.0.0.1 6380\n'));
  t.false(argus.includes('known-slave'));
  t.true(argus.includes('sentinel monitor mymaster 127.0.0.1 6379 2\n\nsentinel known-replica mymaster 127.0.0.1 6380\nsentinel known-replica mymaster 127.0.0.1 6381\n'));
  t.not(normalizeRewrite(argus, { ...c, ignoreKnownReplicas: false }), normalizeRewrite(golden, { ...c, ignoreKnownReplicas: false }));
});

// ---------------------------------------------------------------------------------------------
// Round trips through the loader
// ---------------------------------------------------------------------------------------------

test('rewrite: nasty values survive rewrite then load unchanged', (t) => {
  for (const v of NASTY) {
    if (v === '' || v.includes('\0')) continue; // "" means unset at load; NUL ends a C string
    const { server, state } = fixture();
    const m = master(state, 'mymaster');
    m.authPass = v;
    m.authUser = v;
    m.notificationScript = v;
    m.clientReconfigScript = v;
    m.renamedCommands.set(v.toLowerCase(), { command: v, renamed: `${v}2` });
    state.announceIp = v;
    state.sentinelUser = v;
    state.sentinelPass = v;
    server.set('requirepass', [v]);
    server.set('masterauth', [v]);
    const text = rewriteConfig('', server, state, OPTS);
    const loaded = loadConfig(text, '/nowhere/sentinel.conf', [], 0, LOAD_IO);
    const lm = loaded.state.masters.get('mymaster')!;
    t.like(lm, { authPass: v, authUser: v, notificationScript: v, clientReconfigScript: v }, JSON.stringify(v));
    t.deepEqual([...lm.renamedCommands.values()], [{ command: v, renamed: `${v}2` }]);
    t.like(loaded.state, { announceIp: v, sentinelUser: v, sentinelPass: v, myid: MYID });
    t.deepEqual(loaded.server.get('requirepass'), [v]);
    t.deepEqual(loaded.server.get('masterauth'), [v]);
    // the same file, but for the trailing blank line of a second rewrite and the default user,
    // now a configured one, which Redis describes with sanitize-payload
    const again = rewriteConfig(text, loaded.server, loaded.state, OPTS);
    t.is(again, `${text.replace(/^(user default on) /m, '$1 sanitize-payload ')}\n`);
  }
});

test('rewrite: the config.md examples and the shipped file round-trip through load and rewrite', (t) => {
  // What may change on a reload, as it does in Redis: the trailing blank line of a second
  // rewrite; the default user line, which Redis describes with sanitize-payload once it comes
  // from the file; and client-output-buffer-limit lines, which move between slots (the default
  // `replica` line takes the slot of the appended `pubsub` one; checked on redis-sentinel 7.0.15).
  const stable = (text: string): string =>
    text
      .split('\n')
      .map((l) => (l.startsWith('user default on ') && !l.includes(' sanitize-payload')
        ? l.replace(/^(user default on (?:nopass )?)/, '$1sanitize-payload ')
        : l))
      .filter((l) => !l.startsWith('client-output-buffer-limit '))
      .filter((l, i, all) => !(l === '' && all[i - 1] === ''))
      .join('\n')
      .replace(/\n+$/, '\n');
  for (const c of REWRITE_CASES) {
    const first = argusCaseOutput(c, c.input, GOLDEN_CWD, MYID);
    const loaded = loadConfig(first, '/nowhere/sentinel.conf', [], 0, LOAD_IO);
    const again = rewriteConfig(first, loaded.server, loaded.state, { cwd: loaded.server.get('dir')?.[0] ?? GOLDEN_CWD });
    t.is(stable(again), stable(first), c.name);
    const obuf = (text: string) => {
      const limits = new Map([['normal', '0 0 0'], ['replica', '256mb 64mb 60'], ['pubsub', '32mb 8mb 60']]);
      for (const [cls, ...l] of loadConfig(text, '/nowhere/sentinel.conf', [], 0, LOAD_IO).server.all('client-output-buffer-limit')) {
        limits.set(cls!, l.join(' '));
      }
      return [...limits];
    };
    t.deepEqual(obuf(again), obuf(first), `${c.name}: same output buffer limits`);
  }
});
