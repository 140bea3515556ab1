import test from 'ava';
import { startCluster } from '../helpers/cluster.js';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { redisCli } from '../helpers/redis-cli.js';
import { waitFor } from '../helpers/wait-for.js';

/** Sentinel's documented minimal ACL for its user on the data nodes (Redis's sentinel.conf + the channel). */
const SENTINEL_ACL = ['+client', '+subscribe', '+publish', '+ping', '+info', '+multi', '+slaveof', '+config', '+exec', '&__sentinel__:hello'];
const ADMIN = ['-a', 'admin-pw', '--no-auth-warning'];
/** distinctive, so a grep of the log cannot match anything else */
const SENTINEL_PW = 'Sentinel-Pw-7f3e9c';
const NOPERM_INFO = "NOPERM this user has no permissions to run the 'info' command";

type Teardown = { teardown(fn: () => Promise<void> | void): void };

/**
 * A master and a replica with `requirepass` (the default user is the admin) and an ACL user
 * `sentinel` with `rules`, watched by one Argus as that user.
 */
async function aclGroup(t: Teardown, rules: readonly string[], extraConfig = '') {
  const user = ['--user', 'sentinel', 'on', `>${SENTINEL_PW}`, ...rules];
  const master = await startRedisServer(['--requirepass', 'admin-pw', ...user]);
  const replica = await startRedisServer([
    '--requirepass', 'admin-pw', '--masterauth', 'admin-pw', ...user,
    '--replicaof', '127.0.0.1', String(master.port),
  ]);
  const argus = await startSentinel(
    `sentinel monitor m 127.0.0.1 ${master.port} 1\n` +
      'sentinel down-after-milliseconds m 5000\n' +
      'sentinel auth-user m sentinel\n' +
      `sentinel auth-pass m ${SENTINEL_PW}\n` +
      extraConfig,
  );
  const c = await RawClient.open(argus.port);
  const events = await EventRecorder.open(argus.port);
  t.teardown(async () => {
    c.close();
    events.close();
    await argus.cleanup();
    await Promise.all([replica.stop(), master.stop()]);
  });
  return { master, replica, argus, c, events };
}

const masterMap = async (c: RawClient) => fields((await c.call('SENTINEL', 'MASTER', 'm')).value);
const replicaMaps = async (c: RawClient) => ((await c.call('SENTINEL', 'REPLICAS', 'm')).value as Value[]).map(fields);
const infoSentinel = async (c: RawClient) => String((await c.call('INFO', 'sentinel')).value);
const setUser = (p: Proc, ...rules: string[]) => redisCli(p.port, ['ACL', 'SETUSER', 'sentinel', ...rules], ADMIN);

test.serial('monitoring-acl: an ACL user with exactly Sentinel\'s minimal rules monitors master and replica with no link error', async (t) => {
  const { argus, c, events } = await aclGroup(t, SENTINEL_ACL);
  const replicas = await waitFor(async () => {
    const m = await masterMap(c);
    if (m.flags !== 'master' || m['num-slaves'] !== '1') return null;
    const r = await replicaMaps(c);
    return r.length === 1 && r[0]!.flags === 'slave' && r[0]!['role-reported'] === 'slave' ? r : null;
  }, { what: 'master and replica up as the ACL user' });
  t.regex(await infoSentinel(c), /status=ok,.*slaves=1/);
  t.notRegex(await infoSentinel(c), /argus_link_errors/);
  t.false('argus-link-error' in (await masterMap(c)));
  t.false('argus-link-error' in replicas[0]!);
  t.notRegex(argus.stdout(), /Access denied/);

  // +set shows the password as ******, on the channel and in the log; the links log in again
  const from = events.events.length;
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', SENTINEL_PW)).value, 'OK');
  const set = await events.wait('+set', /auth-pass/, { from });
  t.regex(set.text, /^master m 127\.0\.0\.1 \d+ auth-pass \*{6}$/);
  await waitFor(() => /\+set master m .* auth-pass \*{6}/.test(argus.stdout()), { what: '+set in the log' });
  t.false(argus.stdout().includes(SENTINEL_PW));
  await waitFor(async () => (await masterMap(c)).flags === 'master', { what: 'links back after the re-AUTH' });
  t.false('argus-link-error' in (await masterMap(c)));
});

test.serial('monitoring-acl: with argus-log-format json no line holds the password, at any level, and +set shows ******', async (t) => {
  const { argus, c, events } = await aclGroup(t, SENTINEL_ACL, 'loglevel debug\nargus-log-format json\n');
  await waitFor(async () => (await masterMap(c))['num-slaves'] === '1', { what: 'the replica found as the ACL user' });
  const from = events.events.length;
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', SENTINEL_PW)).value, 'OK');
  await events.wait('+set', /auth-pass/, { from });
  await waitFor(() => argus.stdout().includes('"event":"+set"') && argus.stdout().includes('Audit:'), { what: '+set and audit lines' });
  const lines = argus.stdout().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const set = lines.find((l) => l.event === '+set')!;
  t.like(set, { level: 'warning', master: 'm' });
  t.regex(String(set.text), /^master m 127\.0\.0\.1 \d+ auth-pass \*{6}$/);
  t.false(argus.stdout().includes(SENTINEL_PW));
});

test.serial('monitoring-acl: a user without +info is logged once, shown in SENTINEL MASTER and INFO, and clears when the ACL is fixed', async (t) => {
  const rules = SENTINEL_ACL.filter((r) => r !== '+info');
  const { master, replica, argus, c } = await aclGroup(t, rules);

  const m = await waitFor(async () => {
    const f = await masterMap(c);
    return f['argus-link-error'] ? f : null;
  }, { what: 'argus-link-error on the master' });
  t.is(m['argus-link-error'], NOPERM_INFO);
  // PING is allowed: the master is up, only INFO (and so replica discovery) is refused
  t.is(m.flags, 'master');
  t.is(m['num-slaves'], '0');
  t.regex(await infoSentinel(c), /sentinel_simulate_failure_flags:0\r\nargus_link_errors:1\r\nmaster0:/);
  const denied = new RegExp(
    `# Access denied by master m 127\\.0\\.0\\.1 ${master.port}: INFO answered ${NOPERM_INFO}\\. ` +
      "Sentinel's user there \\(sentinel auth-user m\\) needs \\+client .*\\+info .*&__sentinel__:hello",
  );
  await waitFor(() => denied.test(argus.stdout()), { what: 'the warning line' });
  // INFO is retried every second and refused each time (the server's ACL LOG counts them): one line
  await waitFor(async () => Number(/^count\n(\d+)$/m.exec((await redisCli(master.port, ['ACL', 'LOG', '1'], ADMIN)).out)?.[1]) >= 3, {
    what: 'three refused INFOs',
  });
  t.is(argus.stdout().match(/Access denied/g)?.length, 1);

  // the operator grants +info on both servers: the field goes, the replica is found, one line says so
  t.is((await setUser(replica, '+info')).out, 'OK\n');
  t.is((await setUser(master, '+info')).out, 'OK\n');
  await waitFor(async () => !('argus-link-error' in (await masterMap(c))), { timeout: 5_000, what: 'field cleared' });
  t.regex(argus.stdout(), new RegExp(`Access restored on master m 127\\.0\\.0\\.1 ${master.port}: INFO accepted again`));
  await waitFor(async () => (await masterMap(c))['num-slaves'] === '1', { what: 'replica discovered once INFO is allowed' });
  await waitFor(async () => (await replicaMaps(c))[0]?.['role-reported'] === 'slave', { what: 'the replica\'s INFO read' });
  t.notRegex(await infoSentinel(c), /argus_link_errors/);
  t.false('argus-link-error' in (await replicaMaps(c))[0]!);
  t.is(argus.stdout().match(/Access denied/g)?.length, 1);
});

test.serial('monitoring-acl: Argus peers with requirepass and a sentinel-user ACL find each other and fail over', async (t) => {
  const peerRules = '+auth +client|setname +ping +publish +sentinel|is-master-down-by-addr &__sentinel__:hello';
  const c = await startCluster({
    argus: 2,
    replicas: 1,
    quorum: 2,
    extra:
      'requirepass admin-pw\n' +
      `user peer on >${SENTINEL_PW} ${peerRules}\n` +
      'sentinel sentinel-user peer\n' +
      `sentinel sentinel-pass ${SENTINEL_PW}\n`,
    auth: ['admin-pw'],
  });
  t.teardown(() => c.stop());
  await c.settled(10_000);
  for (const s of c.sentinels) {
    const peers = await waitFor(async () => {
      const list = ((await s.client.call('SENTINEL', 'SENTINELS', c.name)).value as Value[]).map(fields);
      return list.length === 1 && list[0]!.flags === 'sentinel' ? list : null;
    }, { what: 'the peer known and reachable' });
    t.false('argus-link-error' in peers[0]!);
    t.notRegex(s.proc.stdout(), /Access denied/);
  }

  // ODOWN needs the peer's is-master-down-by-addr answer, the election its vote
  const old = c.master.port;
  await c.master.stop();
  await Promise.all(c.sentinels.map((s) => s.events.wait('+switch-master', new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${old} `))));
  t.deepEqual(await c.addrs(), c.sentinels.map(() => `127.0.0.1:${c.replicas[0]!.port}`));

  // a wrong sentinel-pass on one of them: its peer record shows WRONGPASS, and the password is in no log
  const [s0] = c.sentinels;
  t.is((await s0!.client.call('SENTINEL', 'CONFIG', 'SET', 'sentinel-pass', 'Wrong-Pw-51a2')).value, 'OK');
  const peer = await waitFor(async () => {
    const list = ((await s0!.client.call('SENTINEL', 'SENTINELS', c.name)).value as Value[]).map(fields);
    return list[0]?.['argus-link-error'] ? list[0] : null;
  }, { what: 'WRONGPASS on the peer record' });
  t.regex(String(peer['argus-link-error']), /^WRONGPASS /);
  await waitFor(() => /Access denied by sentinel [0-9a-f]{40} .*: AUTH answered WRONGPASS.*sentinel-pass/.test(s0!.proc.stdout()));
  for (const s of c.sentinels) {
    t.false(s.proc.stdout().includes(SENTINEL_PW));
    t.false(s.proc.stdout().includes('Wrong-Pw-51a2'));
  }
});

test.serial('monitoring-acl: three Argus holding revoked credentials show the master disconnected, and reconnect with the new ones from SENTINEL SET', async (t) => {
  // down-after well past the test: the master must show `disconnected` as a link state, not
  // go SDOWN and be failed over
  const c = await startCluster({ argus: 3, replicas: 1, downAfter: 120_000 });
  t.teardown(() => c.stop());
  await c.settled();
  const maps = () => Promise.all(c.sentinels.map(async (s) => fields((await s.client.call('SENTINEL', 'MASTER', c.name)).value)));
  t.deepEqual((await maps()).map((m) => m.flags), ['master', 'master', 'master']);

  // The user Sentinel will need exists on both nodes; on the master the default user, which
  // every sentinel logged in as, is switched off and its connections killed.
  t.is((await redisCli(c.replicas[0]!.port, ['ACL', 'SETUSER', 'u', 'on', '>pw', 'allchannels', '+@all'])).out, 'OK\n');
  const admin = await RawClient.open(c.master.port);
  t.teardown(() => admin.close());
  t.is((await admin.call('ACL', 'SETUSER', 'u', 'on', '>pw', 'allchannels', '+@all')).value, 'OK');
  t.is((await admin.call('ACL', 'SETUSER', 'default', 'off')).value, 'OK');
  t.true(Number((await admin.call('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'no')).value) >= 6, 'two links per sentinel killed');
  await admin.waitClosed();
  const asU = await RawClient.open(c.master.port);
  t.teardown(() => asU.close());
  t.is((await asU.call('AUTH', 'u', 'pw')).value, 'OK');

  // redis-sentinel: the reconnected pub/sub connection's SUBSCRIBE is refused, hiredis drops
  // it, and the link is disconnected (but for a moment after each reconnect, once a second)
  // (the kill alone shows `disconnected` for a moment: wait for the refusals on new connections)
  const isDisconnected = (m: Record<string, Value>) => String(m.flags).split(',').includes('disconnected');
  const broken = await waitFor(async () => {
    const all = await maps();
    return all.every((m) => isDisconnected(m) && m['argus-link-error']) ? all : null;
  }, { timeout: 5_000, what: 'disconnected and refused on every sentinel' });
  for (const m of broken) t.regex(String(m['argus-link-error']), /^NOAUTH /);
  // and it stays so through the reconnect attempts that follow (once a second per sentinel)
  const connections = async () => Number(/total_connections_received:(\d+)/.exec(String((await asU.call('INFO', 'stats')).value))?.[1]);
  const before = await connections();
  await waitFor(async () => (await connections()) >= before + 9, { what: 'reconnect attempts' });
  await waitFor(async () => (await maps()).every(isDisconnected), { timeout: 3_000, what: 'still disconnected' });

  for (const s of c.sentinels) {
    t.is((await s.client.call('SENTINEL', 'SET', c.name, 'auth-user', 'u')).value, 'OK');
    t.is((await s.client.call('SENTINEL', 'SET', c.name, 'auth-pass', 'pw')).value, 'OK');
  }
  const since = Date.now();
  await waitFor(async () => (await maps()).every((m) => m.flags === 'master' && !('argus-link-error' in m)), {
    what: 'every sentinel connected again as u',
  });
  // and everything known before is seen again through the new links: the replica's INFO
  // and every peer's hellos arrive after the switch
  await waitFor(async () => {
    for (const s of c.sentinels) {
      const replicas = ((await s.client.call('SENTINEL', 'REPLICAS', c.name)).value as Value[]).map(fields);
      const peers = ((await s.client.call('SENTINEL', 'SENTINELS', c.name)).value as Value[]).map(fields);
      if (replicas.length !== 1 || replicas[0]!.flags !== 'slave' || Number(replicas[0]!['info-refresh']) > Date.now() - since) return false;
      if (peers.length !== 2 || peers.some((p) => p.flags !== 'sentinel' || Number(p['last-hello-message']) > Date.now() - since)) return false;
    }
    return true;
  }, { what: 'replica and peers refreshed after the credentials changed' });
  const users = (await asU.call('CLIENT', 'LIST')).value as string;
  t.is(users.match(/ name=sentinel-[0-9a-f]{8}-(cmd|pubsub) .* user=u /g)?.length, 6, 'cc and pc of each sentinel, as u');
});
