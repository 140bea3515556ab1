import test from 'ava';
import { formatFatalConfigError } from '../../../src/config/fatal.js';
import { loadConfig, type ConfigIo, type LoadedConfig } from '../../../src/config/load.js';
import { rewriteStateConfig } from '../../../src/config/rewrite.js';
import {
  REMOVED_OUTSIDE_STATE, STATE_FILE_IS_MAIN, STATE_FILE_NESTED, stateFilePath,
} from '../../../src/config/state-file.js';
import { ConfigLineError, isArgusError } from '../../../src/errors.js';
import { addKnownReplica } from '../../../src/sentinel/state.js';

const MAIN = '/etc/argus/sentinel.conf';
const STATE = '/etc/argus/state.conf';
const MYID = 'b'.repeat(40);
const PEER = 'c'.repeat(40);

/** A file system of `files`; `links` maps a path to its realpath. */
function io(files: Record<string, string>, links: Record<string, string> = {}): ConfigIo {
  return {
    isExecutable: () => false,
    readFile: (p) =>
      p.endsWith('/unreadable.conf')
        ? { ok: false, error: 'Permission denied' }
        : Object.hasOwn(files, p)
          ? { ok: true, text: files[p]! }
          : { ok: false, error: 'No such file or directory', missing: true },
    realpath: (p) => links[p] ?? (Object.hasOwn(files, p) ? p : null),
  };
}

const load = (main: string, files: Record<string, string> = {}, links: Record<string, string> = {}): LoadedConfig =>
  loadConfig(main, MAIN, [], 1000, io(files, links));

const WITH_STATE = 'sentinel state-config-file state.conf\n';

test('state-file: a relative path is relative to the main config file directory', (t) => {
  t.is(stateFilePath(MAIN, 'state.conf'), STATE);
  t.is(stateFilePath(MAIN, '../run/state.conf'), '/etc/run/state.conf');
  t.is(stateFilePath(MAIN, '/var/lib/argus/state.conf'), '/var/lib/argus/state.conf');
});

test('state-file: unset, nothing changes (no state file)', (t) => {
  t.is(load('sentinel monitor m 127.0.0.1 6379 2\n').stateFile, null);
  t.is(load('sentinel state-config-file ""\n').stateFile, null, 'an empty path leaves it unset');
});

test('state-file: a missing state file is fine; the main file alone is loaded', (t) => {
  const c = load(`${WITH_STATE}sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m 127.0.0.1 6380\n`);
  t.is(c.stateFile?.path, STATE);
  t.is(c.state.masters.get('m')?.replicas.size, 1);
  t.false(c.myidLoaded);
});

test('state-file: read after the main file, its myid and epochs win', (t) => {
  const c = load(`sentinel myid ${'a'.repeat(40)}\n${WITH_STATE}sentinel current-epoch 3\n`, {
    [STATE]: `sentinel myid ${MYID}\nsentinel current-epoch 7\n`,
  });
  t.is(c.state.myid, MYID);
  t.is(c.state.currentEpoch, 7);
  t.true(c.myidLoaded);
});

test('state-file: a master in both files is the state file definition; each replica is known once', (t) => {
  // a migrated combined config: the main file still holds what Sentinel wrote into it
  const main =
    `${WITH_STATE}sentinel monitor m 127.0.0.1 6379 2\nsentinel down-after-milliseconds m 5000\n` +
    'sentinel config-epoch m 1\nsentinel known-replica m 127.0.0.1 6380\n' +
    `sentinel known-sentinel m 127.0.0.1 26380 ${PEER}\nsentinel monitor other 127.0.0.1 7000 1\n`;
  const state =
    'sentinel monitor m 127.0.0.1 6380 3\nsentinel config-epoch m 4\nsentinel leader-epoch m 4\n' +
    `sentinel known-replica m 127.0.0.1 6379\nsentinel known-sentinel m 127.0.0.1 26380 ${PEER}\n`;
  const c = load(main, { [STATE]: state });
  const m = c.state.masters.get('m')!;
  t.like(m, { quorum: 3, configEpoch: 4, leaderEpoch: 4, downAfterPeriod: 30_000 });
  t.deepEqual([m.addr.host, m.addr.port], ['127.0.0.1', 6380]);
  t.deepEqual([...m.replicas.values()].map((r) => r.addr.port), [6379]);
  t.is(m.sentinels.size, 1);
  t.is(c.state.currentEpoch, 4);
  t.true(c.state.masters.has('other'), 'a master of the main file alone is still monitored');
});

test('state-file: per-master lines of the main file may follow the state file master lines in the queue', (t) => {
  // the state file saved a SET; the main file's own value of that option is not applied after it
  const c = load(`${WITH_STATE}sentinel monitor m 127.0.0.1 6379 2\nsentinel parallel-syncs m 4\n`, {
    [STATE]: 'sentinel monitor m 127.0.0.1 6379 2\nsentinel parallel-syncs m 2\n',
  });
  t.is(c.state.masters.get('m')?.parallelSyncs, 2);
});

test('state-file: the main file globals are kept apart as the rewrite baseline', (t) => {
  const c = load(`loglevel verbose\nsentinel announce-ip 10.0.0.1\n${WITH_STATE}`, {
    [STATE]: 'loglevel warning\nsentinel announce-ip 10.0.0.2\nsentinel announce-port 5000\n',
  });
  t.is(c.state.announceIp, '10.0.0.2');
  t.is(c.state.announcePort, 5000);
  t.is(c.server.get('loglevel')?.[0], 'warning');
  t.like(c.stateFile?.mainBase, { loglevel: 'verbose', announceIp: '10.0.0.1', announcePort: 0 });
});

test('state-file: the main file itself is FATAL at the directive line, also through a symlink', (t) => {
  for (const [given, links] of [['sentinel.conf', {}], [MAIN, {}], ['link.conf', { '/etc/argus/link.conf': MAIN }]] as const) {
    const main = `port 26379\nsentinel state-config-file ${given}\n`;
    const e = t.throws(() => load(main, { [MAIN]: main }, links), { instanceOf: ConfigLineError });
    t.like(e, { line: 2, text: `sentinel state-config-file ${given}`, reason: STATE_FILE_IS_MAIN, file: null });
  }
});

test('state-file: a bad line of the state file is FATAL naming the state file and its line', (t) => {
  const e = t.throws(() => load(WITH_STATE, { [STATE]: `sentinel myid ${MYID}\nsentinel monitor m 127.0.0.1 6379 0\n` }), {
    instanceOf: ConfigLineError,
  });
  t.like(e, { line: 2, reason: 'Quorum must be 1 or greater.', file: STATE });
  t.is(
    formatFatalConfigError(e!, '7.2.4'),
    `\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the state configuration file '${STATE}', at line 2\n` +
      ">>> 'sentinel monitor m 127.0.0.1 6379 0'\nQuorum must be 1 or greater.\n",
  );
  const nested = t.throws(() => load(WITH_STATE, { [STATE]: 'sentinel state-config-file other.conf\n' }), { instanceOf: ConfigLineError });
  t.like(nested, { line: 1, reason: STATE_FILE_NESTED, file: STATE });
});

test('state-file: an unreadable state file stops start-up naming the file', (t) => {
  const e = t.throws(() => load('sentinel state-config-file unreadable.conf\n'));
  t.true(isArgusError(e, 'ARGUS_ERR_CONFIG_FILE'));
  t.is(e?.message, "Fatal error, can't open state config file '/etc/argus/unreadable.conf': Permission denied");
});

test('state-file: a wrong argument count is an unrecognized statement', (t) => {
  const e = t.throws(() => load('sentinel state-config-file a b\n'), { instanceOf: ConfigLineError });
  t.like(e, { line: 1, reason: 'Unrecognized sentinel configuration statement.' });
});

// ------------------------------------------------------------------------------------- rewrite

test('rewriteStateConfig: runtime state only; no server options; CONFIG SET values only where they differ from the main file', (t) => {
  const main = `port 26400\nloglevel notice\nsentinel announce-ip 10.0.0.1\nsentinel deny-scripts-reconfig no\n${WITH_STATE}sentinel monitor m 127.0.0.1 6379 2\n`;
  const c = load(main);
  c.state.myid = MYID;
  c.state.currentEpoch = 5;
  const m = c.state.masters.get('m')!;
  m.configEpoch = 5;
  m.parallelSyncs = 3;
  addKnownReplica(c.state, m, '127.0.0.1', 6380, 0);
  const base = c.stateFile!.mainBase;
  t.is(
    rewriteStateConfig('', c.server, c.state, base),
    `# Generated by CONFIG REWRITE\nsentinel myid ${MYID}\nsentinel monitor m 127.0.0.1 6379 2\nsentinel parallel-syncs m 3\n` +
      'sentinel config-epoch m 5\nsentinel leader-epoch m 0\nsentinel known-replica m 127.0.0.1 6380\nsentinel current-epoch 5\n',
  );
  // CONFIG SET announce-ip "" and loglevel warning: both differ from the main file now
  c.state.announceIp = null;
  c.server.set('loglevel', ['warning']);
  c.state.announcePort = 7000;
  const text = rewriteStateConfig('', c.server, c.state, base);
  t.regex(text, /^loglevel warning$/m);
  t.regex(text, /^sentinel announce-ip ""$/m);
  t.regex(text, /^sentinel announce-port 7000$/m);
  // and back to the main file's values: their lines leave the state file
  c.state.announceIp = '10.0.0.1';
  c.server.set('loglevel', ['notice']);
  const back = rewriteStateConfig(text, c.server, c.state, base);
  t.notRegex(back, /loglevel|announce-ip/);
  t.regex(back, /^sentinel announce-port 7000$/m);
});

test('rewriteStateConfig: a removed master of the main file is written as argus-removed and stays removed after a restart', (t) => {
  const main = `${WITH_STATE}sentinel monitor m 127.0.0.1 6379 2\nsentinel monitor gone 127.0.0.1 7000 1\nsentinel known-replica gone 127.0.0.1 7001\n`;
  const c = load(main);
  c.state.myid = MYID;
  const first = rewriteStateConfig('', c.server, c.state, c.stateFile!.mainBase);
  t.regex(first, /^sentinel monitor gone /m);
  t.notRegex(first, /argus-removed/);
  c.state.masters.delete('gone'); // SENTINEL REMOVE gone
  const second = rewriteStateConfig(first, c.server, c.state, c.stateFile!.mainBase);
  t.notRegex(second, /^sentinel (monitor|known-replica) gone/m);
  t.regex(second, /^sentinel argus-removed gone$/m);
  const again = load(main, { [STATE]: second });
  t.is(again.state.myid, MYID);
  t.deepEqual([...again.state.masters.keys()], ['m']);
  // SENTINEL MONITOR gone again: the monitor line replaces the removal
  const back = load(main);
  const third = rewriteStateConfig(second, back.server, back.state, again.stateFile!.mainBase);
  t.notRegex(third, /argus-removed/);
  t.regex(third, /^sentinel monitor gone 127\.0\.0\.1 7000 1$/m);
});

test('state-file: argus-removed is refused in the main file', (t) => {
  const e = t.throws(() => load('sentinel monitor m 127.0.0.1 6379 2\nsentinel argus-removed m\n'), { instanceOf: ConfigLineError });
  t.like(e, { line: 2, reason: REMOVED_OUTSIDE_STATE, file: null });
});
