import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import { EventRecorder } from '../helpers/events.js';
import { freePort } from '../helpers/ports.js';
import { startRedisServer, startSentinel, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Config injection (redis/redis#14970): a value with a newline written raw into sentinel.conf
 * becomes a directive on the next start — a `notification-script` line is code execution even
 * with `deny-scripts-reconfig yes`. Every write command refuses control characters before
 * doing anything, so the file is not rewritten at all (same bytes, same inode: the rewrite
 * replaces the file), no event is published and no state changes.
 */
const EVIL = 'sentinel notification-script mymaster /tmp/argus-evil.sh';

let argus: SentinelProc;
let client: RawClient;
let events: EventRecorder;

test.before(async () => {
  const nobody = await freePort();
  argus = await startSentinel(`sentinel monitor mymaster 127.0.0.1 ${nobody} 2\nsentinel down-after-milliseconds mymaster 600000\n`);
  client = await RawClient.open(argus.port);
  events = await EventRecorder.open(argus.port);
  // the start-up rewrite (myid, epochs) is done before anything is compared; the second rewrite
  // adds a blank line (as redis-sentinel's does), from then on a rewrite of the same state is
  // the same bytes
  await waitFor(() => readFileSync(argus.configPath, 'latin1').includes('sentinel myid '), { what: 'the first rewrite' });
  await client.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '600000');
});

test.after.always(async () => {
  events?.close();
  client?.close();
  await argus?.cleanup();
});

const ATTEMPTS: readonly { args: string[]; index: number; cmd: string }[] = [
  { args: ['SENTINEL', 'SET', 'mymaster', 'auth-pass', `x\n${EVIL}`], index: 4, cmd: 'SENTINEL SET' },
  { args: ['SENTINEL', 'SET', 'mymaster', 'quorum', '1', 'auth-user', 'a\rb'], index: 6, cmd: 'SENTINEL SET' },
  { args: ['SENTINEL', 'SET', 'mymaster', 'rename-command', 'CONFIG', 'x\x00y'], index: 5, cmd: 'SENTINEL SET' },
  { args: ['SENTINEL', 'SET', 'mymaster', 'quo\x7frum', '1'], index: 3, cmd: 'SENTINEL SET' },
  { args: ['SENTINEL', 'MONITOR', `ev\n${EVIL}`, '127.0.0.1', '6379', '2'], index: 2, cmd: 'SENTINEL MONITOR' },
  { args: ['SENTINEL', 'MONITOR', 'evil', '127.0.0.1\t', '6379', '2'], index: 3, cmd: 'SENTINEL MONITOR' },
  { args: ['SENTINEL', 'MONITOR', 'evil', '127.0.0.1', '6379', '2\r\n'], index: 5, cmd: 'SENTINEL MONITOR' },
  { args: ['SENTINEL', 'CONFIG', 'SET', 'announce-ip', `1.2.3.4\n${EVIL}`], index: 4, cmd: 'SENTINEL CONFIG SET' },
  { args: ['SENTINEL', 'CONFIG', 'SET', 'sentinel-pass', 'p\x1bq'], index: 4, cmd: 'SENTINEL CONFIG SET' },
  { args: ['SENTINEL', 'CONFIG', 'SET', 'announce-port', '1234', 'sentinel-user', 'u\nv'], index: 6, cmd: 'SENTINEL CONFIG SET' },
  { args: ['SENTINEL', 'CONFIG', 'SET', 'announce-ip\n', 'x'], index: 3, cmd: 'SENTINEL CONFIG SET' },
];

/** Fingerprint of the config file: its bytes and its inode (an atomic rewrite makes a new one). */
const snapshot = (): { bytes: string; ino: number; mtimeMs: number } => {
  const st = statSync(argus.configPath);
  return { bytes: readFileSync(argus.configPath, 'latin1'), ino: st.ino, mtimeMs: st.mtimeMs };
};

for (const a of ATTEMPTS) {
  const shown = a.args.slice(2).join(' ').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  test.serial(`injection: ${a.cmd} with "${shown}" is refused and nothing is written`, async (t) => {
    const before = snapshot();
    const master = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
    const from = events.events.length;
    const r = await client.call(...a.args);
    t.is(r.raw, `-ERR Invalid argument at index ${a.index} for ${a.cmd}: control characters are not allowed\r\n`);
    // a harmless change afterwards: its event marks the end of anything the attempt published
    t.is((await client.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '600000')).value, 'OK');
    await events.wait('+set', /down-after-milliseconds 600000$/, { from });
    t.deepEqual(events.events.slice(from).map((e) => e.channel), ['+set'], 'no event from the refused command');
    const after = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
    t.is(after.quorum, master.quorum);
    const cfg = fields((await client.call('SENTINEL', 'CONFIG', 'GET', 'announce-ip', 'announce-port', 'sentinel-user', 'sentinel-pass')).value);
    t.deepEqual(cfg, { 'announce-ip': '', 'announce-port': '0', 'sentinel-user': '', 'sentinel-pass': '' });
    t.deepEqual(((await client.call('SENTINEL', 'MASTERS')).value as unknown[]).length, 1);
    // the harmless SET rewrote the file (same bytes): compare the bytes, and the inode for the attempt itself
    t.is(snapshot().bytes, before.bytes);
  });
}

test.serial('injection: a refused command does not touch the file at all (same inode and mtime)', async (t) => {
  const before = snapshot();
  for (const a of ATTEMPTS) await client.call(...a.args);
  t.deepEqual(snapshot(), before);
});

test.serial('injection: an inline request with an escaped newline is refused the same way', async (t) => {
  const before = snapshot();
  client.send(`SENTINEL SET mymaster auth-pass "x\\n${EVIL}"\r\n`);
  t.is((await client.read()).raw, '-ERR Invalid argument at index 4 for SENTINEL SET: control characters are not allowed\r\n');
  t.deepEqual(snapshot(), before);
});

test.serial('injection: a hello whose run id carries a newline is ignored (no peer, no event, no rewrite)', async (t) => {
  // redis-sentinel 7.0.15 records such a peer and writes its run id raw: the second line becomes
  // a directive. Argus drops the hello.
  const port = Number(((await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')).value as string[])[1]);
  const hello = (runid: string, peerPort: number): string => `127.0.0.1,${peerPort},${runid},0,mymaster,127.0.0.1,${port},0`;
  // Hellos reach the monitoring threads once they run: repeat a genuine one, as a peer does,
  // until it is taken.
  let from = events.events.length;
  await waitFor(async () => {
    await client.call('PUBLISH', '__sentinel__:hello', hello('d'.repeat(40), 26997));
    return events.events.slice(from).some((e) => e.channel === '+sentinel');
  }, { what: 'a first genuine peer', interval: 200 });
  await waitFor(() => snapshot().bytes.includes('d'.repeat(40)), { what: 'the first peer saved' });
  const before = snapshot();
  from = events.events.length;
  t.is((await client.call('PUBLISH', '__sentinel__:hello', hello(`${'e'.repeat(40)}\n${EVIL}`, 26999))).value, 1);
  // a genuine hello after it: once its peer is there, the forged one has been processed too
  t.is((await client.call('PUBLISH', '__sentinel__:hello', hello('f'.repeat(40), 26998))).value, 1);
  await events.wait('+sentinel', /^sentinel f{40} 127\.0\.0\.1 26998 @ mymaster /, { from });
  t.deepEqual(events.events.slice(from).map((e) => e.channel), ['+sentinel']);
  const peers = ((await client.call('SENTINEL', 'SENTINELS', 'mymaster')).value as unknown[]).map((p) => fields(p as never).runid);
  t.deepEqual(peers.sort(), ['d'.repeat(40), 'f'.repeat(40)]);
  await waitFor(() => snapshot().ino !== before.ino, { what: 'the rewrite for the genuine peer' });
  const text = readFileSync(argus.configPath, 'latin1');
  t.notRegex(text, /notification-script/);
  t.notRegex(text, /e{40}/);
  // (the refused SENTINEL SETs above are in the audit log, their arguments quoted on one line)
  t.false(argus.stdout().includes('e'.repeat(40)), 'nothing of the forged run id reached the log');
  t.false(argus.stdout().split('\n').some((line) => line.startsWith(EVIL)), 'no line of the log is the forged directive');
});

test('injection: a password with quotes, spaces, backslashes and high bytes is written quoted and still works after a restart', async (t) => {
  const pass = `p a"s's\\w\xe9#;\x7e`;
  const master = await startRedisServer();
  t.teardown(() => master.stop());
  // set over RESP, not argv: a process argument would reach redis-server UTF-8 encoded
  const admin = await RawClient.open(master.port);
  t.is((await admin.call('CONFIG', 'SET', 'requirepass', pass)).value, 'OK');
  admin.close();
  const config = `sentinel monitor m 127.0.0.1 ${master.port} 1\n`;
  const s = await startSentinel(config);
  t.teardown(() => s.cleanup());
  const c = await RawClient.open(s.port);
  t.teardown(() => c.close());
  t.is((await c.call('SENTINEL', 'SET', 'm', 'auth-pass', pass)).value, 'OK');
  const line = readFileSync(s.configPath, 'latin1').split('\n').find((l) => l.startsWith('sentinel auth-pass m '));
  t.is(line, 'sentinel auth-pass m "p a\\"s\'s\\\\w\\xe9#;~"');
  // restarted on the file it wrote, it authenticates: INFO answered means AUTH was accepted
  c.close();
  await s.stop();
  const again = await startSentinel(readFileSync(s.configPath, 'latin1'));
  t.teardown(() => again.cleanup());
  const c2 = await RawClient.open(again.port);
  t.teardown(() => c2.close());
  const m = await waitFor(async () => {
    const f = fields((await c2.call('SENTINEL', 'MASTER', 'm')).value);
    return f.flags === 'master' && String(f.runid).length === 40 ? f : null;
  }, { what: 'the master authenticated after the restart' });
  t.is(m['role-reported'], 'master');
});
