import test, { type ExecutionContext } from 'ava';
import { allDirectives, directiveSpec } from '../../../src/config/directives.js';
import { loadConfig, type ConfigIo, type LoadedConfig } from '../../../src/config/load.js';
import { quoteRepr } from '../../../src/config/quote.js';
import { ConfigLineError, isArgusError } from '../../../src/errors.js';

const MASTER = 'sentinel monitor m 127.0.0.1 6379 2\n';
const RUNID = 'a'.repeat(40);

function fakeIo(files: Record<string, string> = {}, executables: readonly string[] = [], extra: Partial<ConfigIo> = {}): ConfigIo {
  return {
    isExecutable: (p) => executables.includes(p),
    readFile: (p) => (Object.hasOwn(files, p) ? { ok: true, text: files[p]! } : { ok: false, error: 'No such file or directory' }),
    glob: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
      return Object.keys(files).filter((f) => re.test(f)).sort();
    },
    ...extra,
  };
}

const load = (text: string, args: readonly string[] = [], io: ConfigIo = fakeIo()): LoadedConfig =>
  loadConfig(text, '/etc/redis/sentinel.conf', args, 1000, io);

function refused(t: ExecutionContext, text: string, line: number, lineText: string, reason: string, args: readonly string[] = [], io?: ConfigIo): void {
  const e = t.throws(() => load(text, args, io), { instanceOf: ConfigLineError });
  t.like(e, { line, text: lineText, reason, code: 'ARGUS_ERR_CONFIG_LINE' });
}

const master = (c: LoadedConfig, name = 'm') => {
  const m = c.state.masters.get(name);
  if (!m) throw new Error(`no master ${name}`);
  return m;
};

// ---------------------------------------------------------------- generic lines

test('load: skips comments and blank lines but counts them', (t) => {
  refused(t, '# a comment\n\n   \n\t# indented comment\nbogus\n', 5, 'bogus', 'Bad directive or wrong number of arguments');
});

test('load: trims spaces, tabs and CR around a line, and shows it trimmed', (t) => {
  refused(t, '  \tport 1 2 \r\n', 1, 'port 1 2', 'wrong number of arguments');
});

test('load: reads directive names case-insensitively', (t) => {
  const c = load('PORT 26380\nProtected-Mode YES\nSENTINEL MONITOR m 127.0.0.1 6379 1\n');
  t.deepEqual(c.server.get('port'), ['26380']);
  t.deepEqual(c.server.get('protected-mode'), ['yes']);
  t.true(c.state.masters.has('m'));
});

test('load: refuses an unknown directive', (t) => {
  refused(t, 'port 26379\nfoo bar\n', 2, 'foo bar', 'Bad directive or wrong number of arguments');
});

test('load: refuses an argus- directive that does not exist', (t) => {
  refused(t, 'argus-foo 1\n', 1, 'argus-foo 1', 'Bad directive or wrong number of arguments');
});

test('load: refuses a table directive with a wrong argument count', (t) => {
  refused(t, 'port\n', 1, 'port', 'wrong number of arguments');
  refused(t, 'loglevel notice verbose\n', 1, 'loglevel notice verbose', 'wrong number of arguments');
});

test('load: refuses unbalanced quotes', (t) => {
  refused(t, 'logfile "x\n', 1, 'logfile "x', 'Unbalanced quotes in configuration line');
  refused(t, 'logfile "x"y\n', 1, 'logfile "x"y', 'Unbalanced quotes in configuration line');
});

test('load: ignores everything after a NUL byte, as strlen() does', (t) => {
  const c = load('port 26380\n\0bogus\n');
  t.deepEqual(c.server.get('port'), ['26380']);
});

test('load: keeps the last value of a single-line directive', (t) => {
  t.deepEqual(load('port 1\nport 2\n').server.all('port'), [['2']]);
});

test('load: stores values in the form CONFIG REWRITE writes', (t) => {
  const c = load([
    'maxmemory 1GB', 'repl-backlog-size 1048576', 'loglevel VERBOSE', 'unixsocketperm 0700', 'daemonize No',
    'maxmemory-clients 5%', 'stream-node-max-bytes 4k', 'slave-priority 5', 'hz 100',
  ].join('\n'));
  t.deepEqual(c.server.get('maxmemory'), ['1gb']);
  t.deepEqual(c.server.get('repl-backlog-size'), ['1mb']);
  t.deepEqual(c.server.get('loglevel'), ['verbose']);
  t.deepEqual(c.server.get('unixsocketperm'), ['700']);
  t.deepEqual(c.server.get('daemonize'), ['no']);
  t.deepEqual(c.server.get('maxmemory-clients'), ['5%']);
  t.deepEqual(c.server.get('stream-node-max-bytes'), ['4000']);
  t.deepEqual(c.server.get('replica-priority'), ['5'], 'aliases are stored under the canonical name');
  t.deepEqual(c.server.get('hz'), ['100']);
});

test('load: accepts every table directive and alias with its default value', (t) => {
  for (const spec of allDirectives()) {
    if (spec.kind !== 'standard') continue;
    const lines = spec.defaultLines ?? [spec.defaultArgs ?? (spec.name === 'replicaof' ? ['no', 'one'] : [''])];
    for (const name of [spec.name, ...spec.aliases]) {
      const text = lines.map((args) => `${name} ${args.map(quoteRepr).join(' ')}`).join('\n');
      t.notThrows(() => load(text), text);
    }
  }
});

test('load: the table holds the 7.2 directives and the slave/replica aliases', (t) => {
  t.is(directiveSpec('slaveof')?.name, 'replicaof');
  t.is(directiveSpec('SLAVE-READ-ONLY')?.name, 'replica-read-only');
  t.is(directiveSpec('lua-time-limit')?.name, 'busy-reply-threshold');
  t.is(directiveSpec('locale-collate')?.since, '7.2');
  t.deepEqual(directiveSpec('client-output-buffer-limit')?.defaultLines?.[2], ['pubsub', '32mb', '8mb', '60']);
  t.like(directiveSpec('bind'), { multi: false, minArgs: 0, maxArgs: Infinity, defaultArgs: ['*', '-::*'] });
  t.like(directiveSpec('user'), { multi: true, kind: 'file' });
  t.deepEqual(directiveSpec('proto-max-bulk-len')?.defaultArgs, ['512mb']);
  t.deepEqual(directiveSpec('unixsocketperm')?.defaultArgs, ['0']);
  t.is(directiveSpec('pidfile')?.defaultArgs, undefined);
  t.is(directiveSpec('nope'), undefined);
});

test('load: accepts the deprecated directives with one argument only', (t) => {
  const c = load('list-max-ziplist-entries 5\nlua-replicate-commands yes\n');
  t.false(c.server.has('list-max-ziplist-entries'));
  refused(t, 'list-max-ziplist-value 1 2\n', 1, 'list-max-ziplist-value 1 2', 'Bad directive or wrong number of arguments');
});

test('load: refuses a non-yes/no boolean', (t) => {
  refused(t, 'protected-mode maybe\n', 1, 'protected-mode maybe', "argument must be 'yes' or 'no'");
});

test('load: refuses an unknown enum value, listing the 7.2 values', (t) => {
  refused(t, 'loglevel loud\n', 1, 'loglevel loud', 'argument(s) must be one of the following: debug, verbose, notice, warning, nothing');
  t.deepEqual(load('loglevel nothing\n').server.get('loglevel'), ['nothing']);
});

test('load: checks shutdown-on-sig flag lists', (t) => {
  t.deepEqual(load('shutdown-on-sigint "force now"\n').server.get('shutdown-on-sigint'), ['now', 'force']);
  refused(t, 'shutdown-on-sigterm save nosave\n', 1, 'shutdown-on-sigterm save nosave', "shutdown options SAVE and NOSAVE can't be used simultaneously");
  refused(t, 'shutdown-on-sigint\n', 1, 'shutdown-on-sigint', 'argument(s) must be one of the following: default, save, nosave, now, force');
});

test('load: refuses numbers the way config.c does', (t) => {
  const cases: [string, string][] = [
    ['port 70000', 'argument must be between 0 and 65535 inclusive'],
    ['port abc', "argument couldn't be parsed into an integer"],
    ['port +5', "argument couldn't be parsed into an integer"],
    ['port 007', "argument couldn't be parsed into an integer"],
    ['port -0', "argument couldn't be parsed into an integer"],
    ['maxclients -1', 'argument must be between 1 and 4294967295 inclusive'],
    ['hz -1', 'argument must be between 0 and 2147483647 inclusive'],
    ['maxmemory 1.5gb', 'argument must be a memory value'],
    ['maxmemory -1', 'argument must be a memory value'],
    ['proto-max-bulk-len 1k', 'argument must be between 1048576 and 9223372036854775807 inclusive'],
    ['maxmemory-clients 101%', 'percentage argument must be less or equal to 100'],
    ['maxmemory-clients x', 'argument must be a memory or percent value'],
    ['unixsocketperm 999', "argument couldn't be parsed as an octal number"],
    ['unixsocketperm 7777', 'argument must be between 0 and 777 inclusive'],
  ];
  for (const [line, reason] of cases) refused(t, `${line}\n`, 1, line, reason);
  t.deepEqual(load('maxmemory kb\n').server.get('maxmemory'), ['0'], 'memtoull reads a bare unit as 0');
});

test('load: runs the string checks of config.c', (t) => {
  refused(t, 'dbfilename a/b\n', 1, 'dbfilename a/b', "dbfilename can't be a path, just a filename");
  refused(t, 'appendfilename ""\n', 1, 'appendfilename ""', "appendfilename can't be empty");
  refused(t, 'cluster-announce-hostname "a b"\n', 1, 'cluster-announce-hostname "a b"', 'Hostnames may only contain alphanumeric characters, hyphens or dots');
  refused(t, 'proc-title-template "{title}"\n', 1, 'proc-title-template "{title}"', 'template format is invalid or contains unknown variables');
  t.notThrows(() => load('proc-title-template "{{ {server-mode}"\n'));
});

test('load: clamps hz to 1..500', (t) => {
  t.deepEqual(load('hz 0\n').server.get('hz'), ['1']);
  t.deepEqual(load('hz 9999\n').server.get('hz'), ['500']);
});

test('load: replaces the default save points with the first save line', (t) => {
  t.deepEqual(load('save 900 1\nsave "300 10"\n').server.all('save'), [['900', '1'], ['300', '10']]);
  t.deepEqual(load('save 900 1\nsave ""\n').server.all('save'), [[]]);
  refused(t, 'save 10\n', 1, 'save 10', 'Invalid save parameters');
  refused(t, 'save 0 1\n', 1, 'save 0 1', 'Invalid save parameters');
});

test('load: merges client-output-buffer-limit lines per class', (t) => {
  const c = load('client-output-buffer-limit pubsub 64mb 16mb 90\nclient-output-buffer-limit "SLAVE 1gb 0 0" \nclient-output-buffer-limit pubsub 1k 0 0\n');
  t.deepEqual(c.server.all('client-output-buffer-limit'), [['replica', '1gb', '0', '0'], ['pubsub', '1000', '0', '0']]);
  refused(t, 'client-output-buffer-limit pubsub 1 2\n', 1, 'client-output-buffer-limit pubsub 1 2', 'Wrong number of arguments in buffer limit configuration.');
  refused(t, 'client-output-buffer-limit master 1 2 3\n', 1, 'client-output-buffer-limit master 1 2 3', 'Invalid client class specified in buffer limit configuration.');
  refused(t, 'client-output-buffer-limit pubsub 1x 2 3\n', 1, 'client-output-buffer-limit pubsub 1x 2 3', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
});

test('load: checks the other special configs', (t) => {
  t.deepEqual(load('bind ""\n').server.get('bind'), [''], 'kept so that the rewrite writes bind ""');
  t.deepEqual(load('bind "127.0.0.1 -::1"\n').server.get('bind'), ['127.0.0.1', '-::1']);
  refused(t, `bind ${'1 '.repeat(17).trim()}\n`, 1, `bind ${'1 '.repeat(17).trim()}`, 'Too many bind addresses specified.');
  t.deepEqual(load('slaveof 10.0.0.1 6379\n').server.get('replicaof'), ['10.0.0.1', '6379']);
  t.false(load('replicaof 10.0.0.1 6379\nreplicaof no one\n').server.has('replicaof'));
  refused(t, 'replicaof a\n', 1, 'replicaof a', 'wrong number of arguments');
  refused(t, 'replicaof a 5x\n', 1, 'replicaof a 5x', 'Invalid master port');
  refused(t, 'oom-score-adj-values 1 2\n', 1, 'oom-score-adj-values 1 2', 'wrong number of arguments');
  refused(t, 'oom-score-adj-values 1 2 9000\n', 1, 'oom-score-adj-values 1 2 9000', 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
  t.deepEqual(load('notify-keyspace-events KEA\n').server.get('notify-keyspace-events'), ['AKE']);
  refused(t, 'notify-keyspace-events Q\n', 1, 'notify-keyspace-events Q', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  t.deepEqual(load('latency-tracking-info-percentiles 50 99.90 1e2\n').server.get('latency-tracking-info-percentiles'), ['50', '99.9', '100']);
  refused(t, 'latency-tracking-info-percentiles 500\n', 1, 'latency-tracking-info-percentiles 500', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
});

test('load: applies dir while loading and fails with the chdir error', (t) => {
  const dirs: string[] = [];
  const io = fakeIo({}, [], { chdir: (p) => (dirs.push(p), p === '/nope' ? 'No such file or directory' : null) });
  t.deepEqual(load('dir /tmp\n', [], io).server.get('dir'), ['/tmp']);
  refused(t, 'dir /nope\n', 1, 'dir /nope', 'No such file or directory', [], io);
  t.deepEqual(dirs, ['/tmp', '/nope']);
});

test('load: probes the logfile after the last line and names no line', (t) => {
  const io = fakeIo({}, [], { checkLogFile: () => 'Permission denied' });
  refused(t, 'logfile /var/log/x.log\n', 0, '', "Can't open the log file: Permission denied", [], io);
  t.notThrows(() => load('logfile ""\n', [], io));
});

test('load: refuses replicaof in cluster mode after the last line', (t) => {
  refused(t, 'cluster-enabled yes\nreplicaof 1.2.3.4 5\n', 0, '', 'replicaof directive not allowed in cluster mode');
});

test('load: renames commands of the sentinel-mode table', (t) => {
  const c = load('rename-command ping PONG\nrename-command pong x\nrename-command info ""\n');
  t.deepEqual(c.server.all('rename-command'), [['ping', 'PONG'], ['pong', 'x'], ['info', '']]);
  refused(t, 'rename-command get foo\n', 1, 'rename-command get foo', 'No such command in rename-command');
  refused(t, 'rename-command info ""\nrename-command INFO x\n', 2, 'rename-command INFO x', 'No such command in rename-command');
  refused(t, 'rename-command ping info\n', 1, 'rename-command ping info', 'Target command name already exists');
  refused(t, 'rename-command ping\n', 1, 'rename-command ping', 'Bad directive or wrong number of arguments');
});

test('load: checks user lines as ACL SETUSER would, ignoring unknown commands', (t) => {
  const c = load('user default on nopass ~* &* +@all\nuser bob on >pw +get +@nosuch "(~x +get" "&y)" resetpass\n');
  t.deepEqual(c.server.all('user').map((a) => a[0]), ['default', 'bob']);
  // the quoted word is argv[k] for the k-th rule, as Redis prints it
  refused(t, 'user bob bogus\n', 1, 'user bob bogus', "Error in user declaration 'user': Syntax error");
  refused(t, 'user bob on bogus\n', 1, 'user bob on bogus', "Error in user declaration 'bob': Syntax error");
  refused(t, 'user bob on allkeys ~x\n', 1, 'user bob on allkeys ~x',
    "Error in user declaration 'on': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
  refused(t, 'user bob on &* &x\n', 1, 'user bob on &* &x',
    "Error in user declaration 'on': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
  refused(t, 'user bob on #abc\n', 1, 'user bob on #abc',
    "Error in user declaration 'bob': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
  refused(t, 'user bob on <pw\n', 1, 'user bob on <pw', "Error in user declaration 'bob': The password you are trying to remove from the user does not exist");
  refused(t, 'user bob on +acl|cat|x\n', 1, 'user bob on +acl|cat|x', "Error in user declaration 'bob': Allowing first-arg of a subcommand is not supported");
  refused(t, 'user bob on +ping|\n', 1, 'user bob on +ping|', "Error in user declaration 'bob': Syntax error");
  refused(t, 'user bob on (~x bogus\n', 1, 'user bob on (~x bogus', "Error in user declaration 'bob': Unknown command or category name in ACL");
  refused(t, 'user bob\nuser bob on\n', 2, 'user bob on', "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files");
  t.notThrows(() => load('user bob on >pw <pw\nuser BOB on\n'));
});

test('load: starts users with the channels of acl-pubsub-default', (t) => {
  refused(t, 'acl-pubsub-default allchannels\nuser bob on &x\n', 2, 'user bob on &x',
    "Error in user declaration 'bob': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
  t.notThrows(() => load('acl-pubsub-default allchannels\nuser bob on resetchannels &x\n'));
});

test('load: accepts modules and module options without keeping them', (t) => {
  const c = load('loadmodule /x.so a b\nfoo.bar 1 2\n');
  t.deepEqual([...c.server.names()], []);
  refused(t, 'foo.bar\n', 1, 'foo.bar', 'Module config specified without value');
  refused(t, 'loadmodule\n', 1, 'loadmodule', 'Bad directive or wrong number of arguments');
});

// ---------------------------------------------------------------- include

test('load: reads an include at the include point', (t) => {
  const io = fakeIo({ 'inc.conf': 'port 2\nmaxclients 5\n' });
  const c = load('port 1\ninclude inc.conf\nmaxclients 7\n', [], io);
  t.deepEqual(c.server.get('port'), ['2']);
  t.deepEqual(c.server.get('maxclients'), ['7']);
  t.deepEqual(c.server.all('include'), [['inc.conf']]);
});

test('load: numbers the lines of an included file from 1', (t) => {
  const io = fakeIo({ 'inc.conf': '\n\nbogus here\n', 'sent.conf': MASTER + 'sentinel down-after-milliseconds m 0\n' });
  refused(t, 'port 1\ninclude inc.conf\n', 3, 'bogus here', 'Bad directive or wrong number of arguments', [], io);
  refused(t, '\n\n\ninclude sent.conf\n', 2, 'sentinel down-after-milliseconds m 0', 'negative or zero time parameter.', [], io);
});

test('load: fails with the open error of a missing include', (t) => {
  const e = t.throws(() => load('include /nope.conf\n'));
  t.true(isArgusError(e, 'ARGUS_ERR_CONFIG_FILE'));
  t.is((e as Error).message, "Fatal error, can't open config file '/nope.conf': No such file or directory");
});

test('load: expands include wildcards and skips a pattern matching nothing', (t) => {
  const io = fakeIo({ 'd/b.conf': 'port 2\n', 'd/a.conf': 'port 1\nmaxclients 3\n' });
  const c = load('include d/*.conf\ninclude none/*.conf\n', [], io);
  t.deepEqual(c.server.get('port'), ['2']);
  t.deepEqual(c.server.get('maxclients'), ['3']);
});

test('load: stops an include loop', (t) => {
  const io = fakeIo({ 'self.conf': 'include self.conf\n' });
  const e = t.throws(() => load('include self.conf\n', [], io));
  t.true(isArgusError(e, 'ARGUS_ERR_CONFIG_FILE'));
});

// ---------------------------------------------------------------- command line

test('load: appends command-line options after the file, quoted', (t) => {
  refused(t, 'port 0\n', 3, 'port "abc"', "argument couldn't be parsed into an integer", ['--port', 'abc']);
  refused(t, 'port 0', 3, 'port "1 2"', "argument couldn't be parsed into an integer", ['--loglevel', 'verbose', '--port', '1 2']);
  refused(t, 'port 0\n\n', 5, 'port "a\\"b"', "argument couldn't be parsed into an integer", ['--sentinel', '--port', 'a"b']);
});

test('load: applies command-line options last', (t) => {
  const c = load('port 1\n' + MASTER, ['--port', '26380', '--sentinel', 'announce-ip', '1.2.3.4', '--save']);
  t.deepEqual(c.server.get('port'), ['26380']);
  t.is(c.state.announceIp, '1.2.3.4');
  t.deepEqual(c.server.all('save'), [[]]);
});

test('load: takes the next --word as the value of a valueless option', (t) => {
  refused(t, 'port 0\n', 3, 'protected-mode "--port"', "argument must be 'yes' or 'no'", ['--protected-mode', '--port']);
  refused(t, 'port 0\n', 3, 'port 5 6', 'wrong number of arguments', ['--port 5 6']);
});

// ---------------------------------------------------------------- sentinel lines

test('load: applies every sentinel directive', (t) => {
  const text = [
    'sentinel myid 0123456789012345678901234567890123456789',
    'sentinel monitor m 10.0.0.1 6379 2',
    'sentinel down-after-milliseconds m 5000',
    'sentinel failover-timeout m 60000',
    'sentinel parallel-syncs m 3',
    'sentinel notification-script m /bin/notify',
    'sentinel client-reconfig-script m /bin/reconf',
    'sentinel auth-pass m secret',
    'sentinel auth-user m bob',
    'sentinel master-reboot-down-after-period m 1000',
    'sentinel config-epoch m 7',
    'sentinel leader-epoch m 6',
    'sentinel known-replica m 10.0.0.2 6379',
    `sentinel known-sentinel m 10.0.0.3 26379 ${RUNID}`,
    'sentinel rename-command m CONFIG cfg',
    'sentinel current-epoch 5',
    'sentinel announce-ip 1.2.3.4',
    'sentinel announce-port 26000',
    'sentinel deny-scripts-reconfig no',
    'sentinel resolve-hostnames yes',
    'sentinel announce-hostnames YES',
    'sentinel sentinel-user su',
    'sentinel sentinel-pass sp',
  ].join('\n');
  const c = load(text, [], fakeIo({}, ['/bin/notify', '/bin/reconf']));
  t.true(c.myidLoaded);
  t.like(c.state, {
    myid: '0123456789012345678901234567890123456789', currentEpoch: 7, announceIp: '1.2.3.4', announcePort: 26000,
    denyScriptsReconfig: false, resolveHostnames: true, announceHostnames: true, sentinelUser: 'su', sentinelPass: 'sp',
  });
  const m = master(c);
  t.like(m, {
    addr: { host: '10.0.0.1', port: 6379 }, quorum: 2, downAfterPeriod: 5000, failoverTimeout: 60000, parallelSyncs: 3,
    notificationScript: '/bin/notify', clientReconfigScript: '/bin/reconf', authPass: 'secret', authUser: 'bob',
    masterRebootDownAfterPeriod: 1000, configEpoch: 7, leaderEpoch: 6, leader: null,
  });
  t.deepEqual([...m.replicas.keys()], ['10.0.0.2:6379']);
  t.deepEqual([...m.sentinels.keys()], [RUNID]);
  t.deepEqual(m.sentinels.get(RUNID)?.addr, { host: '10.0.0.3', port: 26379 });
  t.deepEqual(m.renamedCommands.get('config'), { command: 'CONFIG', renamed: 'cfg' });
});

test('load: reports myidLoaded false without a myid line', (t) => {
  const c = load(MASTER);
  t.false(c.myidLoaded);
  t.is(c.state.myid, '');
});

test('load: applies pre-monitor options before monitor lines before the rest', (t) => {
  // resolve-hostnames after the monitor line still lets the hostname through
  const c = load('sentinel down-after-milliseconds db 1000\nsentinel monitor db redis.example 6379 1\nsentinel resolve-hostnames yes\n');
  t.is(master(c, 'db').downAfterPeriod, 1000);
  t.is(master(c, 'db').addr.host, 'redis.example');
});

test('load: reports the first failing line of the earliest pass', (t) => {
  refused(t, 'sentinel foo\nsentinel monitor m 1.2.3.4 1 0\nsentinel myid abc\n', 3, 'sentinel myid abc', 'Malformed Sentinel id in myid option.');
  refused(t, 'sentinel foo\nsentinel monitor m 1.2.3.4 1 0\n', 2, 'sentinel monitor m 1.2.3.4 1 0', 'Quorum must be 1 or greater.');
  refused(t, 'sentinel foo\n' + MASTER, 1, 'sentinel foo', 'Unrecognized sentinel configuration statement.');
});

test('load: reports a generic error before any sentinel error', (t) => {
  refused(t, 'sentinel myid abc\nbogus\n', 2, 'bogus', 'Bad directive or wrong number of arguments');
});

test('load: refuses a sentinel sub-directive with the wrong argument count', (t) => {
  refused(t, 'sentinel monitor m 127.0.0.1 6379\n', 1, 'sentinel monitor m 127.0.0.1 6379', 'Unrecognized sentinel configuration statement.');
  refused(t, MASTER + 'sentinel failover-timeout m\n', 2, 'sentinel failover-timeout m', 'Unrecognized sentinel configuration statement.');
  refused(t, `SENTINEL myid ${'0'.repeat(40)} x\n`, 1, `SENTINEL myid ${'0'.repeat(40)} x`, 'Unrecognized sentinel configuration statement.');
  refused(t, 'sentinel argus-foo m 1\n', 1, 'sentinel argus-foo m 1', 'Unrecognized sentinel configuration statement.');
});

test('load: ignores a bare sentinel line', (t) => {
  t.notThrows(() => load('sentinel\n'));
});

test('load: refuses bad monitor lines with the record-creation reasons', (t) => {
  refused(t, 'sentinel monitor m 127.0.0.1 6379 0\n', 1, 'sentinel monitor m 127.0.0.1 6379 0', 'Quorum must be 1 or greater.');
  refused(t, 'sentinel monitor m 127.0.0.1 6379 x\n', 1, 'sentinel monitor m 127.0.0.1 6379 x', 'Quorum must be 1 or greater.');
  refused(t, MASTER + MASTER, 2, MASTER.trim(), 'Duplicate master name.');
  refused(t, 'sentinel monitor m 127.0.0.1 70000 2\n', 1, 'sentinel monitor m 127.0.0.1 70000 2', 'Invalid port number.');
  refused(t, 'sentinel monitor m localhost 6379 2\n', 1, 'sentinel monitor m localhost 6379 2', "Can't resolve instance hostname.");
});

test('load: stores numeric hosts as inet_ntop writes them', (t) => {
  const c = load('sentinel monitor m 127.1 6379 1\nsentinel known-replica m 010.0.0.1 5\nsentinel monitor v6 0:0::1 6379 1\n');
  t.is(master(c).addr.host, '127.0.0.1');
  t.deepEqual([...master(c).replicas.keys()], ['8.0.0.1:5']);
  t.is(master(c, 'v6').addr.host, '::1');
});

test('load: reads numbers with atoi, truncating to 32 bits', (t) => {
  const c = load(MASTER + 'sentinel down-after-milliseconds m 99999999999\nsentinel parallel-syncs m -5\nsentinel announce-port abc\n');
  t.is(master(c).downAfterPeriod, 1215752191);
  t.is(master(c).parallelSyncs, -5);
  t.is(c.state.announcePort, 0);
});

test('load: refuses zero or negative periods', (t) => {
  refused(t, MASTER + 'sentinel down-after-milliseconds m 0\n', 2, 'sentinel down-after-milliseconds m 0', 'negative or zero time parameter.');
  refused(t, MASTER + 'sentinel failover-timeout m -1\n', 2, 'sentinel failover-timeout m -1', 'negative or zero time parameter.');
  refused(t, MASTER + 'sentinel master-reboot-down-after-period m -1\n', 2, 'sentinel master-reboot-down-after-period m -1', 'negative time parameter.');
  t.is(master(load(MASTER + 'sentinel master-reboot-down-after-period m 0\n')).masterRebootDownAfterPeriod, 0);
});

test('load: reads primary-reboot-down-after-period as the master- spelling', (t) => {
  t.is(master(load(MASTER + 'sentinel primary-reboot-down-after-period m 500\n')).masterRebootDownAfterPeriod, 500);
});

test('load: gives known replicas and peers their master down-after period', (t) => {
  const c = load(MASTER + 'sentinel known-replica m 10.0.0.2 6379\nsentinel down-after-milliseconds m 1234\n' +
    `sentinel known-sentinel m 10.0.0.3 26379 ${RUNID}\n`);
  t.is(master(c).replicas.get('10.0.0.2:6379')?.downAfterPeriod, 1234);
  t.is(master(c).sentinels.get(RUNID)?.downAfterPeriod, 1234);
});

test('load: refuses per-master lines for an unknown master', (t) => {
  refused(t, 'sentinel auth-pass nosuch x\n', 1, 'sentinel auth-pass nosuch x', 'No such master with specified name.');
});

test('load: checks scripts with access(X_OK)', (t) => {
  refused(t, MASTER + 'sentinel notification-script m /x\n', 2, 'sentinel notification-script m /x', 'Notification script seems non existing or non executable.');
  refused(t, MASTER + 'sentinel client-reconfig-script m /x\n', 2, 'sentinel client-reconfig-script m /x', 'Client reconfiguration script seems non existing or non executable.');
});

test('load: only raises the current epoch', (t) => {
  const c = load(MASTER + 'sentinel current-epoch 9\nsentinel current-epoch 3\nsentinel config-epoch m 12\n');
  t.is(c.state.currentEpoch, 12);
  t.is(master(c).configEpoch, 12);
  t.is(load('sentinel current-epoch -1\n').state.currentEpoch, 2 ** 64, 'strtoull wraps "-1" (kept as a number)');
});

test('load: refuses a myid that is not 40 bytes long', (t) => {
  refused(t, 'sentinel myid abc\n', 1, 'sentinel myid abc', 'Malformed Sentinel id in myid option.');
  refused(t, `sentinel myid "${'\\x00'.repeat(40)}"\n`, 1, `sentinel myid "${'\\x00'.repeat(40)}"`, 'Malformed Sentinel id in myid option.');
});

test('load: reads known-slave as known-replica and refuses duplicates', (t) => {
  t.deepEqual([...master(load(MASTER + 'sentinel Known-Slave m 1.2.3.4 5\n')).replicas.keys()], ['1.2.3.4:5']);
  refused(t, MASTER + 'sentinel known-slave m 1.2.3.4 5\nsentinel known-replica m 1.2.3.4 5\n', 3, 'sentinel known-replica m 1.2.3.4 5', 'Duplicate hostname and port for replica.');
});

test('load: ignores the old known-sentinel form without a run id', (t) => {
  const c = load(MASTER + 'sentinel known-sentinel m 1.2.3.4 5\nsentinel known-sentinel nosuch 1.2.3.4 5\n');
  t.is(master(c).sentinels.size, 0);
  refused(t, MASTER + `sentinel known-sentinel m 1.2.3.4 5 ${RUNID}\nsentinel known-sentinel m 1.2.3.5 5 ${RUNID}\n`, 3,
    `sentinel known-sentinel m 1.2.3.5 5 ${RUNID}`, 'Duplicate runid for sentinel.');
});

test('load: refuses a command renamed twice, whatever its case', (t) => {
  refused(t, MASTER + 'sentinel rename-command m CONFIG x\nsentinel rename-command m config y\n', 3,
    'sentinel rename-command m config y', 'Same command renamed multiple times with rename-command.');
});

test('load: treats empty announce-ip, sentinel-user and sentinel-pass as unset', (t) => {
  const c = load('sentinel announce-ip ""\nsentinel sentinel-user ""\nsentinel sentinel-pass ""\n');
  t.like(c.state, { announceIp: null, sentinelUser: null, sentinelPass: null });
});

test('load: refuses a yes/no sentinel option with another word', (t) => {
  refused(t, 'sentinel deny-scripts-reconfig maybe\n', 1, 'sentinel deny-scripts-reconfig maybe', 'Please specify yes or no for the deny-scripts-reconfig options.');
  refused(t, 'sentinel resolve-hostnames maybe\n', 1, 'sentinel resolve-hostnames maybe', 'Please specify yes or no for the resolve-hostnames option.');
  refused(t, 'sentinel announce-hostnames maybe\n', 1, 'sentinel announce-hostnames maybe', 'Please specify yes or no for the announce-hostnames option.');
});
