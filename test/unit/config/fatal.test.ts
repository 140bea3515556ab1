import test from 'ava';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, closeSync, constants, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatFatalConfigError } from '../../../src/config/fatal.js';
import { strerror } from '../../../src/config/flush.js';
import { loadConfig, type ConfigIo } from '../../../src/config/load.js';
import { ConfigLineError } from '../../../src/errors.js';
import { REDIS_COMPAT_VERSION } from '../../../src/version.js';
import { REDIS_SENTINEL } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/tmp.js';

test('formatFatalConfigError: prints the Redis block for a line', (t) => {
  const err = new ConfigLineError(3, "sentinel monitor m 127.0.0.1 6379 0", 'Quorum must be 1 or greater.');
  t.is(
    formatFatalConfigError(err, '7.2.4'),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 3\n" +
      ">>> 'sentinel monitor m 127.0.0.1 6379 0'\nQuorum must be 1 or greater.\n",
  );
});

test('formatFatalConfigError: leaves out the line part for an error after the last line', (t) => {
  const err = new ConfigLineError(0, '', "Can't open the log file: Permission denied");
  t.is(formatFatalConfigError(err, REDIS_COMPAT_VERSION),
    `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\nCan't open the log file: Permission denied\n`);
});

test('formatFatalConfigError: keeps latin1 bytes of the line as they are', (t) => {
  const err = new ConfigLineError(1, 'caf\xe9 x', 'Bad directive or wrong number of arguments');
  t.true(formatFatalConfigError(err, '7.2.4').includes(">>> 'caf\xe9 x'\n"));
});

// ---------------------------------------------------------------------------------------------
// The same configs through Debian's redis-sentinel 7.0.15: our block must equal its stderr, up
// to the version in the banner; a config it accepts (no stderr) must load here too. Every config
// starts with `port 0`, so an accepted one exits at once ("not listen anywhere") instead of
// serving. Only configs on which 7.0 and 7.2 agree are listed.
// ---------------------------------------------------------------------------------------------

const REAL_VERSION = '7.0.15';
// The suite always has the real binary (`npm test` installs it); without it these tests fail
// rather than skip.
const realTest = test;

/** The file-system calls of the loader, done for real relative to `dir` (the process cwd there). */
function realIo(dir: string): ConfigIo {
  const at = (p: string): string => resolve(dir, p);
  const tryIo = (fn: () => void): string | null => {
    try {
      fn();
      return null;
    } catch (e) {
      return strerror(e);
    }
  };
  return {
    isExecutable: (p) => tryIo(() => accessSync(at(p), constants.X_OK)) === null,
    readFile: (p) => {
      try {
        return { ok: true, text: readFileSync(at(p), 'latin1') };
      } catch (e) {
        return { ok: false, error: strerror(e) };
      }
    },
    chdir: (p) => tryIo(() => {
      if (!statSync(at(p)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }),
    checkLogFile: (p) => tryIo(() => closeSync(openSync(at(p), 'a'))),
  };
}

interface RealCase {
  readonly when: string;
  readonly conf: string;
  readonly args?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
}

const M = 'sentinel monitor m 127.0.0.1 6379 2\n';
const RUNID = 'b'.repeat(40);

const REFUSED: readonly RealCase[] = [
  { when: 'a directive is unknown', conf: 'port 0\nfoo bar\n' },
  { when: 'a directive has too many arguments', conf: 'port 0\nport 1 2\n' },
  { when: 'a port is out of range', conf: 'port 0\nport 70000\n' },
  { when: 'a boolean is neither yes nor no', conf: 'port 0\nprotected-mode maybe\n' },
  { when: 'a memory value has a fraction', conf: 'port 0\nmaxmemory 1.5gb\n' },
  { when: 'an octal value has a 9', conf: 'port 0\nunixsocketperm 999\n' },
  { when: 'a save line is odd', conf: 'port 0\nsave 10\n' },
  { when: 'an output buffer class is master', conf: 'port 0\nclient-output-buffer-limit master 1 2 3\n' },
  { when: 'a quote is unbalanced', conf: 'port 0\nlogfile "x\n' },
  { when: 'a closing quote is followed by a letter', conf: 'port 0\nlogfile "x"y\n' },
  { when: 'a deprecated directive has two arguments', conf: 'port 0\nlist-max-ziplist-entries 5 6\n' },
  { when: 'a top-level rename-command names a command sentinels lack', conf: 'port 0\nrename-command get foo\n' },
  { when: 'a user rule is unknown', conf: 'port 0\nuser bob on bogus\n' },
  { when: 'a key pattern follows allkeys', conf: 'port 0\nuser bob on allkeys ~x\n' },
  { when: 'a channel pattern follows acl-pubsub-default allchannels', conf: 'port 0\nacl-pubsub-default allchannels\nuser bob on &x\n' },
  { when: 'a selector is not closed', conf: 'port 0\nuser bob on (~x bogus\n' },
  { when: 'the logfile cannot be opened', conf: 'port 0\nlogfile /nonexistent/dir/x.log\n' },
  { when: 'dir does not exist', conf: 'port 0\ndir /nonexistent/dir\n' },
  { when: 'a quorum is zero', conf: 'port 0\nsentinel monitor m 127.0.0.1 6379 0\n' },
  { when: 'a master is monitored twice', conf: `port 0\n${M}${M}` },
  { when: 'a master host is a name without resolve-hostnames', conf: 'port 0\nsentinel monitor m localhost 6379 2\n' },
  { when: 'a monitor line lacks the quorum', conf: 'port 0\nsentinel monitor m 127.0.0.1 6379\n' },
  { when: 'a pre-monitor error follows an unknown sentinel line', conf: 'port 0\nsentinel foo\nsentinel myid abc\n' },
  { when: 'a generic error follows a sentinel error', conf: 'port 0\nsentinel myid abc\nbogus\n' },
  { when: 'down-after-milliseconds is zero', conf: `port 0\n${M}sentinel down-after-milliseconds m 0\n` },
  { when: 'the reboot period is negative', conf: `port 0\n${M}sentinel master-reboot-down-after-period m -1\n` },
  { when: 'a notification script does not exist', conf: `port 0\n${M}sentinel notification-script m /nonexistent/script\n` },
  { when: 'a reconfig script is not executable', conf: `port 0\n${M}sentinel client-reconfig-script m /etc/passwd\n` },
  { when: 'a replica is known twice', conf: `port 0\n${M}sentinel known-slave m 1.2.3.4 5\nsentinel known-replica m 1.2.3.4 5\n` },
  { when: 'a sentinel run id is known twice', conf: `port 0\n${M}sentinel known-sentinel m 1.2.3.4 5 ${RUNID}\nsentinel known-sentinel m 1.2.3.5 5 ${RUNID}\n` },
  { when: 'a command is renamed twice for a master', conf: `port 0\n${M}sentinel rename-command m CONFIG x\nsentinel rename-command m config y\n` },
  { when: 'a per-master line names no master', conf: 'port 0\nsentinel auth-pass nosuch x\n' },
  { when: 'resolve-hostnames is neither yes nor no', conf: 'port 0\nsentinel resolve-hostnames maybe\n' },
  { when: 'an included file has a bad line', conf: 'port 0\ninclude inc.conf\n', files: { 'inc.conf': '\n\nbogus here\n' } },
  { when: 'an included file has a bad sentinel line', conf: 'port 0\n\ninclude inc.conf\n', files: { 'inc.conf': 'sentinel monitor m 127.0.0.1 6379 0\n' } },
  { when: 'a command-line option is bad', conf: 'port 0\n', args: ['--port', 'abc'] },
  { when: 'a command-line value needs quoting', conf: 'port 0\n\n', args: ['--sentinel', '--port', 'a"b'] },
  { when: 'a command-line option takes the next --word', conf: 'port 0', args: ['--protected-mode', '--port'] },
];

const ACCEPTED: readonly RealCase[] = [
  { when: 'per-master lines precede their monitor line', conf: `port 0\nsentinel down-after-milliseconds m 1000\n${M}` },
  { when: 'resolve-hostnames follows a hostname monitor', conf: 'port 0\nsentinel monitor m localhost 6379 2\nsentinel resolve-hostnames yes\n' },
  { when: 'values use C parsing quirks', conf: 'port 0\nmaxmemory kb\nsave 10 ""\nsave ""\nbind ""\nunixsocketperm ""\nreplicaof a " 5"\n' },
  { when: 'multi-argument values come as one string', conf: 'port 0\nsave "900 1"\nclient-output-buffer-limit "pubsub 1 2 3"\noom-score-adj-values "1 2 3"\n' },
  { when: 'a numeric host is in short form', conf: 'port 0\nsentinel monitor m 127.1 6379 1\nsentinel parallel-syncs m -5\n' },
  { when: 'an old known-sentinel line names no master', conf: 'port 0\nsentinel known-sentinel nosuch 1.2.3.4 5\n' },
  { when: 'a selector spans arguments and commands are unknown', conf: 'port 0\nuser bob on >pw +get "(~x +get" "&y)" <pw\n' },
  { when: 'modules and module options are given', conf: 'port 0\nloadmodule /nonexistent.so\nfoo.bar 1 2\n' },
  { when: 'commands are renamed in a chain', conf: 'port 0\nrename-command ping PONG\nrename-command pong x\nrename-command role ROLE\n' },
  { when: 'an include pattern matches nothing', conf: 'port 0\ninclude /nonexistent/*.conf\n' },
];

function runReal(c: RealCase): { dir: string; stderr: string; cleanup: () => void } {
  const tmp = tempDir('argus-fatal-');
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(tmp.dir, name), text, 'latin1');
  const path = join(tmp.dir, 'sentinel.conf');
  writeFileSync(path, c.conf, 'latin1');
  chmodSync(path, 0o644);
  const r = spawnSync(REDIS_SENTINEL, [path, ...(c.args ?? [])], {
    cwd: tmp.dir, timeout: 5_000, killSignal: 'SIGKILL', encoding: 'latin1',
  });
  return { dir: tmp.dir, stderr: r.stderr, cleanup: tmp.cleanup };
}

for (const c of REFUSED) {
  realTest(`fatal: prints redis-sentinel's block when ${c.when}`, (t) => {
    const real = runReal(c);
    t.teardown(real.cleanup);
    t.not(real.stderr, '', 'redis-sentinel refused the config');
    const err = t.throws(() => loadConfig(c.conf, join(real.dir, 'sentinel.conf'), c.args ?? [], 0, realIo(real.dir)), {
      instanceOf: ConfigLineError,
    });
    if (err) t.is(formatFatalConfigError(err, REAL_VERSION), real.stderr);
  });
}

for (const c of ACCEPTED) {
  realTest(`fatal: accepts what redis-sentinel accepts when ${c.when}`, (t) => {
    const real = runReal(c);
    t.teardown(real.cleanup);
    t.is(real.stderr, '', 'redis-sentinel accepted the config');
    t.notThrows(() => loadConfig(c.conf, join(real.dir, 'sentinel.conf'), c.args ?? [], 0, realIo(real.dir)));
  });
}
