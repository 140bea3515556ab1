import test from 'ava';
import { scriptAccess } from '../../../../src/commands/sentinel/script-access.js';
import { err, ok } from '../../../../src/resp/reply.js';
import { addKnownReplica, addKnownSentinel, createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

function setup() {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  return { h, master: created.value };
}

const set = (h: ReturnType<typeof harness>, ...args: string[]) => h.run('sentinel', 'set', 'mymaster', ...args);

test('sentinel set: applies every pair, one +set event each with the option as typed, then saves', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await set(h, 'QUORUM', '3', 'down-after-milliseconds', '5000', 'failover-timeout', '9000', 'parallel-syncs', '4')), ok);
  t.is(master.quorum, 3);
  t.is(master.downAfterPeriod, 5000);
  t.is(master.failoverTimeout, 9000);
  t.is(master.parallelSyncs, 4);
  t.deepEqual(h.events.map((e) => `${e.level} ${e.type} ${e.text}`), [
    'warning +set master mymaster 127.0.0.1 16379 QUORUM 3',
    'warning +set master mymaster 127.0.0.1 16379 down-after-milliseconds 5000',
    'warning +set master mymaster 127.0.0.1 16379 failover-timeout 9000',
    'warning +set master mymaster 127.0.0.1 16379 parallel-syncs 4',
  ]);
  t.is(h.saves, 1);
});

test('sentinel set: a bad pair anywhere leaves everything unapplied and unsaved when earlier pairs were good', async (t) => {
  const { h, master } = setup();
  t.deepEqual(
    one(await set(h, 'quorum', '5', 'down-after-milliseconds', '0')),
    err("ERR Invalid argument '0' for SENTINEL SET 'down-after-milliseconds'"),
  );
  t.deepEqual(one(await set(h, 'quorum', '5', 'foo', '1')), err("ERR Unknown option or number of arguments for SENTINEL SET 'foo'"));
  t.deepEqual(one(await set(h, 'quorum', '5', 'auth-pass', 'x', 'quorum')), err("ERR Unknown option or number of arguments for SENTINEL SET 'quorum'"));
  t.is(master.quorum, 2);
  t.is(master.authPass, null);
  t.is(h.saves, 0);
  t.deepEqual(h.events, []);
  t.deepEqual(h.monitors.calls, []);
});

test('sentinel set: value rules and their errors', async (t) => {
  const { h } = setup();
  const cases: [string[], string][] = [
    [['quorum', '0'], "ERR Invalid argument '0' for SENTINEL SET 'quorum'"],
    [['quorum', '01'], "ERR Invalid argument '01' for SENTINEL SET 'quorum'"],
    [['Failover-Timeout', 'x'], "ERR Invalid argument 'x' for SENTINEL SET 'Failover-Timeout'"],
    [['parallel-syncs', '-1'], "ERR Invalid argument '-1' for SENTINEL SET 'parallel-syncs'"],
    [['down-after-milliseconds', '1.5'], "ERR Invalid argument '1.5' for SENTINEL SET 'down-after-milliseconds'"],
    [['master-reboot-down-after-period', '-1'], "ERR Invalid argument '-1' for SENTINEL SET 'master-reboot-down-after-period'"],
    [['rename-command', 'CONFIG', ''], "ERR Invalid argument '' for SENTINEL SET 'rename-command'"],
    [['rename-command', '', 'x'], "ERR Invalid argument '' for SENTINEL SET 'rename-command'"],
    [['rename-command', 'x'], "ERR Unknown option or number of arguments for SENTINEL SET 'rename-command'"],
    [['nope', 'x'], "ERR Unknown option or number of arguments for SENTINEL SET 'nope'"],
  ];
  for (const [args, text] of cases) t.deepEqual(one(await set(h, ...args)), err(text), args.join(' '));
  t.deepEqual(one(await h.run('sentinel', 'set', 'nope', 'quorum', '1')), err('ERR No such master with that name'));
});

test('sentinel set: control characters from the option on are refused before anything else', async (t) => {
  const { h, master } = setup();
  t.deepEqual(
    one(await set(h, 'quorum', '3', 'auth-pass', 'a\r\nnotification-script /tmp/x')),
    err('ERR Invalid argument at index 6 for SENTINEL SET: control characters are not allowed'),
  );
  t.deepEqual(
    one(await set(h, 'bad\x01option', 'x')),
    err('ERR Invalid argument at index 3 for SENTINEL SET: control characters are not allowed'),
  );
  t.is(master.quorum, 2);
  t.is(h.saves, 0);
});

test('sentinel set: the master name is looked up before control characters are checked', async (t) => {
  const { h } = setup();
  t.deepEqual(one(await h.run('sentinel', 'set', 'no\x01pe', 'quorum', '1')), err('ERR No such master with that name'));
});

test('sentinel set: down-after-milliseconds is copied to the replica and sentinel records', async (t) => {
  const { h, master } = setup();
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, 'b'.repeat(40), h.clock.monotonic());
  t.deepEqual(one(await set(h, 'down-after-milliseconds', '1234')), ok);
  t.is(master.replicas.get('127.0.0.1:16380')!.downAfterPeriod, 1234);
  t.is(master.sentinels.get('b'.repeat(40))!.downAfterPeriod, 1234);
});

test('sentinel set: auth-pass shows as ****** in the event, clears on "", and drops the links once', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await set(h, 'auth-pass', 's3cret', 'auth-user', 'bob')), ok);
  t.is(master.authPass, 's3cret');
  t.is(master.authUser, 'bob');
  t.deepEqual(h.events.map((e) => e.text), [
    'master mymaster 127.0.0.1 16379 auth-pass ******',
    'master mymaster 127.0.0.1 16379 auth-user bob',
  ]);
  t.deepEqual(h.monitors.calls, ['masterAuthChanged:mymaster']);
  t.deepEqual(one(await set(h, 'auth-pass', '', 'auth-user', '')), ok);
  t.is(master.authPass, null);
  t.is(master.authUser, null);
});

test('sentinel set: scripts are denied while deny-scripts-reconfig is on', async (t) => {
  const { h } = setup();
  const denied = err(
    'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration',
  );
  t.deepEqual(one(await set(h, 'notification-script', '/bin/true')), denied);
  t.deepEqual(one(await set(h, 'client-reconfig-script', '')), denied);
});

test('sentinel set: script paths must be executable; "" clears without a check', async (t) => {
  const { h, master } = setup();
  h.state.denyScriptsReconfig = false;
  const saved = scriptAccess.isExecutable;
  t.teardown(() => (scriptAccess.isExecutable = saved));
  const checked: string[] = [];
  scriptAccess.isExecutable = (p) => {
    checked.push(p);
    return p === '/ok.sh';
  };
  t.deepEqual(one(await set(h, 'notification-script', '/nope.sh')), err('ERR Notification script seems non existing or non executable'));
  t.deepEqual(
    one(await set(h, 'client-reconfig-script', '/nope.sh')),
    err('ERR Client reconfiguration script seems non existing or non executable'),
  );
  t.deepEqual(one(await set(h, 'notification-script', '/ok.sh', 'client-reconfig-script', '/ok.sh')), ok);
  t.is(master.notificationScript, '/ok.sh');
  t.is(master.clientReconfigScript, '/ok.sh');
  t.deepEqual(one(await set(h, 'notification-script', '')), ok);
  t.is(master.notificationScript, null);
  t.deepEqual(checked, ['/nope.sh', '/nope.sh', '/ok.sh', '/ok.sh']);
});

test('sentinel set: rename-command replaces earlier mappings case-insensitively; renaming to itself removes it', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await set(h, 'rename-command', 'CONFIG', 'xCONFIG')), ok);
  t.deepEqual([...master.renamedCommands.entries()], [['config', { command: 'CONFIG', renamed: 'xCONFIG' }]]);
  t.is(h.events.at(-1)?.text, 'master mymaster 127.0.0.1 16379 rename-command CONFIG xCONFIG');
  t.deepEqual(one(await set(h, 'rename-command', 'config', 'yconfig')), ok);
  t.deepEqual([...master.renamedCommands.values()], [{ command: 'config', renamed: 'yconfig' }]);
  t.deepEqual(one(await set(h, 'rename-command', 'Config', 'CONFIG')), ok);
  t.is(master.renamedCommands.size, 0);
});

test('sentinel set: both reboot-period spellings accept 0', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await set(h, 'master-reboot-down-after-period', '0')), ok);
  t.deepEqual(one(await set(h, 'primary-reboot-down-after-period', '7000')), ok);
  t.is(master.masterRebootDownAfterPeriod, 7000);
});

test('sentinel set: a failed save keeps the change and replies the save error', async (t) => {
  const { h, master } = setup();
  h.failSaves = true;
  t.deepEqual(one(await set(h, 'quorum', '4')), err('ERR Failed to save config file. Check server logs.'));
  t.is(master.quorum, 4);
});
