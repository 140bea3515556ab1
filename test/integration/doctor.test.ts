import test from 'ava';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The permission doctor against real redis-server 7.0 nodes, each with its own `sentinel-user`:
 * the master's lacks CONFIG REWRITE, one replica's is complete, the other's lacks only ACL
 * (so the doctor cannot ask there, while monitoring works). A second master, without auth-user,
 * is checked as `default`, on a node that renamed CONFIG.
 */
let master: Proc;
let complete: Proc;
let noAcl: Proc;
let plain: Proc;
let sentinel: SentinelProc;
let client: RawClient;

const user = (...rules: string[]) => ['--user', 'sentinel-user', 'on', '>pw', 'allchannels', '+@all', ...rules];

test.before(async () => {
  master = await startRedisServer(user('-config|rewrite'));
  [complete, noAcl, plain] = await Promise.all([
    startRedisServer(['--replicaof', '127.0.0.1', String(master.port), ...user()]),
    startRedisServer(['--replicaof', '127.0.0.1', String(master.port), ...user('-acl')]),
    startRedisServer(['--rename-command', 'CONFIG', 'MYCONFIG']),
  ]);
  sentinel = await startSentinel(
    `sentinel monitor m 127.0.0.1 ${master.port} 1\n` +
      'sentinel auth-user m sentinel-user\nsentinel auth-pass m pw\n' +
      `sentinel monitor other 127.0.0.1 ${plain.port} 1\nsentinel rename-command other CONFIG MYCONFIG\n`,
  );
  client = await RawClient.open(sentinel.port);
});

test.after.always(async () => {
  client?.close();
  await sentinel?.cleanup();
  await Promise.all([master, complete, noAcl, plain].filter(Boolean).map((p) => p.stop()));
});

const rows = (v: Value): Record<string, Value>[] => (v as Value[]).map((r) => fields(r));
const doctor = async (name: string) => rows((await client.call('SENTINEL', 'DOCTOR', name)).value);

test.serial('doctor: names the one command the master refuses, ok on a complete replica, unchecked where ACL DRYRUN is refused', async (t) => {
  let found: Record<string, Value>[] = [];
  await waitFor(
    async () => {
      found = await doctor('m');
      return found.length === 3 && found.every((r) => r['status'] !== 'unchecked' || /DRYRUN was refused/.test(String(r['reason'])));
    },
    { timeout: 20_000, what: 'both replicas known and every command connection up' },
  );
  const byName = new Map(found.map((r) => [r['name'], r]));
  const m = byName.get(`127.0.0.1:${master.port}`)!;
  t.like(m, { master: 'm', role: 'master', user: 'sentinel-user', status: 'missing' });
  t.deepEqual(fields(m['missing']!), { 'CONFIG REWRITE': "NOPERM this user has no permissions to run the 'config|rewrite' command" });
  const ok = byName.get(`127.0.0.1:${complete.port}`)!;
  t.like(ok, { master: 'm', role: 'slave', user: 'sentinel-user', status: 'ok' });
  t.deepEqual(ok['missing'], []);
  const unchecked = byName.get(`127.0.0.1:${noAcl.port}`)!;
  t.like(unchecked, { role: 'slave', status: 'unchecked' });
  t.regex(String(unchecked['reason']), /^ACL DRYRUN was refused: NOPERM this user has no permissions to run the 'acl\|dryrun' command/);
  t.false('missing' in unchecked);
  // the doctor's own questions are not commands Sentinel needs: no argus-link-error from them
  const replicas = rows((await client.call('SENTINEL', 'REPLICAS', 'm')).value);
  t.true(replicas.every((r) => !('argus-link-error' in r)));
  t.false('argus-link-error' in fields((await client.call('SENTINEL', 'MASTER', 'm')).value));
});

test.serial('doctor: * covers every master; the default user (no auth-user) is checked where none is set; an unknown master is refused', async (t) => {
  // `other` may still be connecting (no command connection yet: `unchecked`); ask until it is up
  let all: Record<string, Value>[] = [];
  await waitFor(async () => {
    all = await doctor('*');
    return all.find((r) => r['master'] === 'other')?.['status'] !== 'unchecked';
  }, { timeout: 20_000, what: "the node of 'other' checked" });
  t.deepEqual([...new Set(all.map((r) => r['master']))], ['m', 'other']);
  const other = all.filter((r) => r['master'] === 'other');
  t.like(other[0], { name: `127.0.0.1:${plain.port}`, role: 'master', user: 'default', status: 'ok' });
  t.deepEqual((await client.call('SENTINEL', 'DOCTOR', 'nope')).value, { error: 'ERR No such master with that name' });
});

test.serial('doctor: a command is checked under its rename-command name; a rename Sentinel does not know shows as not found', async (t) => {
  t.is((await client.call('SENTINEL', 'SET', 'other', 'rename-command', 'CONFIG', 'CONFIG')).value, 'OK');
  let found: Record<string, Value>[] = [];
  await waitFor(
    async () => {
      found = await doctor('other');
      return found[0]?.['status'] === 'missing';
    },
    { timeout: 20_000, what: 'the node checked again' },
  );
  t.deepEqual(fields(found[0]!['missing']!), { 'CONFIG REWRITE': "ERR Command 'CONFIG' not found" });
});
