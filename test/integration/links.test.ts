/**
 * InstanceLink against real redis-server processes: handshake (AUTH, CLIENT SETNAME, SUBSCRIBE),
 * rename-command, pub/sub frames, a killed, restarted and stopped server, refused connections.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { InstanceLink, type InstanceLinkOptions } from '../../src/links/instance-link.js';
import type { ConnectionKind, LinkCredentials, LinkReply } from '../../src/links/types.js';
import { freePort } from '../helpers/ports.js';
import { REDIS_SERVER, spawnProc, startRedisServer, waitForPort, type Proc } from '../helpers/processes.js';
import { REDIS_CLI, redisCli } from '../helpers/redis-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const ID8 = 'abcdef12';

/** ioredis prints "[ioredis] Unhandled error event" when an 'error' has no listener: catch that. */
const stderrLines: string[] = [];
const realStderrWrite = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  stderrLines.push(String(chunk));
  return (realStderrWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stderr.write;

interface Recorded {
  link: InstanceLink;
  connected: ConnectionKind[];
  disconnected: { kind: ConnectionKind; reason: string }[];
  messages: [string, string][];
  creds: { current: LinkCredentials };
}

const procs: Proc[] = [];
const links: InstanceLink[] = [];
const servers: Server[] = [];

test.after.always(async () => {
  for (const l of links) l.destroy();
  for (const s of servers) s.close();
  await Promise.all(
    procs.map((p) => {
      p.child.kill('SIGCONT');
      return p.stop(2_000);
    }),
  );
});

async function redis(extra: string[] = []): Promise<Proc> {
  const p = await startRedisServer(extra);
  procs.push(p);
  return p;
}

function makeLink(port: number, opts: Partial<InstanceLinkOptions> = {}, creds: LinkCredentials = { user: null, pass: null }): Recorded {
  const rec: Omit<Recorded, 'link'> = { connected: [], disconnected: [], messages: [], creds: { current: creds } };
  const link = new InstanceLink({
    host: '127.0.0.1',
    port,
    pubsub: true,
    credentials: () => rec.creds.current,
    rename: (c) => c,
    clientName: (kind) => `sentinel-${ID8}-${kind === 'cc' ? 'cmd' : 'pubsub'}`,
    connectTimeoutMs: 2_000,
    onMessage: (channel, message) => rec.messages.push([channel, message]),
    onConnected: (kind) => rec.connected.push(kind),
    onDisconnected: (kind, reason) => rec.disconnected.push({ kind, reason }),
    ...opts,
  });
  links.push(link);
  return { ...rec, link };
}

async function connected(rec: Recorded): Promise<void> {
  rec.link.connect();
  await waitFor(() => !rec.link.disconnected, { what: 'link up' });
}

/**
 * PUBLISHes `payload` on the hello channel through the cc until a subscriber counts it (the
 * SUBSCRIBE is written before onConnected('pc'), and answered later), then returns the first
 * message the link's pc received.
 */
async function heard(rec: Recorded, payload: string): Promise<[string, string]> {
  await waitFor(async () => {
    const r = await rec.link.send('PUBLISH', ['__sentinel__:hello', payload]);
    return r.kind === 'ok' && r.value === 1;
  }, { what: 'subscriber' });
  return waitFor(() => rec.messages[0], { what: 'message' });
}

/** CLIENT LIST lines as field maps, asked with redis-cli (extra: auth flags). */
async function clientList(port: number, extra: string[] = [], client = 'CLIENT'): Promise<Record<string, string>[]> {
  const { out } = await redisCli(port, [client, 'LIST'], extra);
  return out
    .split('\n')
    .filter((l) => l.startsWith('id='))
    .map((l) => Object.fromEntries(l.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
}

const ours = (list: Record<string, string>[]) => list.filter((c) => c.name?.startsWith(`sentinel-${ID8}-`));
const value = (r: LinkReply) => (r.kind === 'ok' ? r.value : r.kind === 'error' ? `-${r.message}` : `closed: ${r.reason}`);

test.serial('InstanceLink: PING is answered PONG and pending commands count down when connected', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  t.is(rec.link.state('cc'), 'down');
  rec.link.connect();
  t.is(rec.link.state('cc'), 'connecting');
  t.like(await rec.link.send('PING', []), { kind: 'closed' }, 'no queueing while connecting');
  await waitFor(() => rec.connected.length === 2, { what: 'both connections' });
  t.deepEqual([...rec.connected].sort(), ['cc', 'pc']);
  t.true(rec.link.connectedSince('cc') > 0);
  t.is(rec.link.localAddress(), '127.0.0.1');
  const ping = rec.link.send('PING', []);
  t.true(rec.link.pendingCommands >= 1);
  t.deepEqual(await ping, { kind: 'ok', value: 'PONG' });
  await waitFor(() => rec.link.pendingCommands === 0, { what: 'handshake replies' });
  t.deepEqual(await rec.link.send('ECHO', ['caf\xe9\x00\xff']), { kind: 'ok', value: 'caf\xe9\x00\xff' }, 'bytes pass through as latin1');
  t.deepEqual(await rec.link.send('NOSUCHCMD', []), { kind: 'error', message: "ERR unknown command 'NOSUCHCMD', with args beginning with: " });
  t.deepEqual(rec.disconnected, []);
});

test.serial('InstanceLink: connect() keeps one connection per kind and names them when called repeatedly', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  for (let i = 0; i < 5; i++) rec.link.connect();
  await connected(rec);
  for (let i = 0; i < 5; i++) {
    rec.link.connect();
    t.like(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  }
  const list = ours(await clientList(p.port));
  t.is(list.length, 2);
  t.deepEqual(list.map((c) => c.name).sort(), [`sentinel-${ID8}-cmd`, `sentinel-${ID8}-pubsub`]);
  t.is(list.find((c) => c.name?.endsWith('-pubsub'))?.sub, '1', 'pc subscribed to the hello channel');
  t.deepEqual(rec.connected.sort(), ['cc', 'pc']);
});

test.serial('InstanceLink: the handshake is AUTH, CLIENT SETNAME (and SUBSCRIBE) and nothing of ioredis\'s own', async (t) => {
  const p = await redis(['--requirepass', 'pw']);
  const monitor = spawn(REDIS_CLI, ['-p', String(p.port), '-a', 'pw', '--no-auth-warning', 'MONITOR'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  monitor.stdout.setEncoding('latin1').on('data', (d: string) => (out += d));
  try {
    await waitFor(() => out.startsWith('OK'), { what: 'MONITOR started' });
    const rec = makeLink(p.port, {}, { user: null, pass: 'pw' });
    rec.link.connect();
    await waitFor(() => rec.connected.includes('cc'), { what: 'cc' });
    await rec.link.send('PING', []);
    await waitFor(() => out.includes('"SUBSCRIBE"') && out.includes('"PING"'), { what: 'monitored handshake' });
    const byConn = new Map<string, string[]>();
    for (const line of out.split('\n').slice(1)) {
      const m = /^\S+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (m) byConn.set(m[1]!, [...(byConn.get(m[1]!) ?? []), m[2]!]);
    }
    t.deepEqual([...byConn.values()].sort(), [
      ['"AUTH" "(redacted)"', '"CLIENT" "SETNAME" "sentinel-abcdef12-cmd"', '"PING"'],
      ['"AUTH" "(redacted)"', '"CLIENT" "SETNAME" "sentinel-abcdef12-pubsub"', '"SUBSCRIBE" "__sentinel__:hello"'],
    ]);
  } finally {
    monitor.kill();
  }
});

test.serial('InstanceLink: a message PUBLISHed on __sentinel__:hello reaches onMessage', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  await connected(rec);
  const before = rec.link.pubsubLastActivity;
  t.deepEqual(await heard(rec, '127.0.0.1,26379,x,0,m,\xe91,6379,0'), ['__sentinel__:hello', '127.0.0.1,26379,x,0,m,\xe91,6379,0']);
  t.true(rec.link.pubsubLastActivity >= before);
});

test.serial('InstanceLink: AUTH with requirepass makes PING valid, and the next connection reads new credentials', async (t) => {
  const p = await redis(['--requirepass', 's3cret']);
  const rec = makeLink(p.port, {}, { user: null, pass: 'wrong' });
  rec.link.connect();
  // the cc stays, refused; the pc's SUBSCRIBE is refused too, which drops it
  await waitFor(() => rec.link.isConnected('cc') && rec.disconnected.length === 1, { what: 'cc up, pc dropped' });
  const bad = await rec.link.send('PING', []);
  t.is(bad.kind, 'error');
  t.regex(bad.kind === 'error' ? bad.message : '', /^NOAUTH /);
  rec.creds.current = { user: null, pass: 's3cret' };
  rec.link.close();
  t.true(rec.link.disconnected);
  t.like(await rec.link.send('PING', []), { kind: 'closed' });
  await connected(rec);
  t.deepEqual(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.is(rec.disconnected.length, 1, 'close() is not reported back');
  t.is(ours(await clientList(p.port, ['-a', 's3cret', '--no-auth-warning'])).length, 2);
});

test.serial('InstanceLink: AUTH user pass for an ACL user; a wrong password leaves PING -NOAUTH', async (t) => {
  // The user the docs tell operators to create for Sentinel (spec security.md §2.1).
  const p = await redis([
    '--user', 'default', 'off',
    '--user', 'admin', 'on', '>adminpw', '~*', '&*', '+@all',
    '--user', 'sentinel', 'on', '>secret', '+ping', '+info', '+auth', '+client|setname', '+client|kill', '+subscribe',
    '+publish', '&__sentinel__:hello', '+slaveof', '+config|rewrite', '+multi', '+exec', '+script|kill',
  ]);
  const good = makeLink(p.port, {}, { user: 'sentinel', pass: 'secret' });
  await connected(good);
  t.deepEqual(await good.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  await waitFor(async () => {
    const r = await good.link.send('PUBLISH', ['__sentinel__:hello', 'hi']);
    return r.kind === 'ok' && r.value === 1;
  }, { what: 'pc authenticated and subscribed' });
  const list = ours(await clientList(p.port, ['--user', 'admin', '--pass', 'adminpw', '--no-auth-warning']));
  t.deepEqual(list.map((c) => `${c.name} ${c.user}`).sort(), [`sentinel-${ID8}-cmd sentinel`, `sentinel-${ID8}-pubsub sentinel`]);

  const wrong = makeLink(p.port, { pubsub: false }, { user: 'sentinel', pass: 'nope' });
  await connected(wrong);
  const r = await wrong.link.send('PING', []);
  t.is(r.kind, 'error');
  t.regex(r.kind === 'error' ? r.message : '', /^NOAUTH /);

  const userOnly = makeLink(p.port, { pubsub: false }, { user: 'sentinel', pass: null });
  await connected(userOnly);
  t.regex(String(value(await userOnly.link.send('PING', []))), /^-NOAUTH /, 'a user without a password sends no AUTH');
});

test.serial('InstanceLink: a refused SUBSCRIBE drops the pc as hiredis does, the cc stays, and the next credentials subscribe', async (t) => {
  const p = await redis(['--requirepass', 'pw']);
  const rec = makeLink(p.port);
  rec.link.connect();
  await waitFor(() => rec.disconnected.length > 0, { what: 'the pc dropped' });
  t.deepEqual(rec.disconnected, [{ kind: 'pc', reason: 'NOAUTH Authentication required.' }]);
  t.true(rec.link.isConnected('cc'));
  t.false(rec.link.isConnected('pc'));
  t.true(rec.link.disconnected);
  t.regex(String(value(await rec.link.send('PING', []))), /^-NOAUTH /, 'the cc answers, refused');

  // new credentials apply from the next connections (SENTINEL SET auth-pass drops both)
  rec.creds.current = { user: null, pass: 'pw' };
  rec.link.close();
  await connected(rec);
  t.deepEqual(await heard(rec, 'hi'), ['__sentinel__:hello', 'hi'], 'the new pc subscribed');
  t.is(rec.disconnected.length, 1);
});

test.serial('InstanceLink: commands go out renamed when the server uses rename-command', async (t) => {
  const p = await redis([
    '--rename-command', 'PING', 'sentinelping',
    '--rename-command', 'CONFIG', 'sentinelconfig',
    '--rename-command', 'CLIENT', 'sentinelclient',
    '--rename-command', 'SUBSCRIBE', 'sentinelsubscribe',
  ]);
  const map: Record<string, string> = { PING: 'sentinelping', CONFIG: 'sentinelconfig', CLIENT: 'sentinelclient', SUBSCRIBE: 'sentinelsubscribe' };
  const rec = makeLink(p.port, { rename: (c) => map[c] ?? c });
  await connected(rec);
  t.deepEqual(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.deepEqual(await rec.link.send('CONFIG', ['SET', 'maxmemory-policy', 'allkeys-lru']), { kind: 'ok', value: 'OK' });
  t.deepEqual(await rec.link.send('CONFIG', ['GET', 'maxmemory-policy']), { kind: 'ok', value: ['maxmemory-policy', 'allkeys-lru'] });
  const list = ours(await clientList(p.port, [], 'sentinelclient'));
  t.deepEqual(list.map((c) => c.name).sort(), [`sentinel-${ID8}-cmd`, `sentinel-${ID8}-pubsub`], 'CLIENT SETNAME renamed');
  await waitFor(async () => {
    const r = await rec.link.send('PUBLISH', ['__sentinel__:hello', 'renamed']);
    return r.kind === 'ok' && r.value === 1;
  }, { what: 'renamed SUBSCRIBE' });
  await waitFor(() => rec.messages.some(([, m]) => m === 'renamed'), { what: 'message via renamed SUBSCRIBE' });

  const plain = makeLink(p.port, { pubsub: false });
  await connected(plain);
  t.regex(String(value(await plain.link.send('PING', []))), /^-ERR unknown command 'PING'/);
  t.pass();
});

test.serial('InstanceLink: sendPipeline writes MULTI ... EXEC at once and returns every reply', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port, { pubsub: false });
  await connected(rec);
  const replies = await rec.link.sendPipeline([['MULTI'], ['SET', 'k', 'v'], ['INCR', 'k'], ['GET', 'k'], ['EXEC']]);
  t.deepEqual(replies.map(value), ['OK', 'QUEUED', 'QUEUED', 'QUEUED', ['OK', { error: 'ERR value is not an integer or out of range' }, 'v']]);
  t.is(rec.link.pendingCommands, 0);
});

test.serial('InstanceLink: sendPipeline puts the commands on the wire back to back, byte for byte', async (t) => {
  const chunks: string[] = [];
  const server = createServer((s) => s.setEncoding('latin1').on('data', (d: string) => chunks.push(d)));
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  const rec = makeLink(port, { pubsub: false });
  await connected(rec);
  await waitFor(() => chunks.join('').includes('SETNAME'), { what: 'handshake bytes' });
  const before = chunks.length;
  const replies = rec.link.sendPipeline([['MULTI'], ['SLAVEOF', '127.0.0.1', '6380'], ['CONFIG', 'REWRITE'], ['EXEC']]);
  t.is(rec.link.pendingCommands, 5, 'CLIENT SETNAME unanswered + 4');
  await waitFor(() => chunks.length > before, { what: 'pipeline bytes' });
  t.deepEqual(chunks.slice(before), [
    '*1\r\n$5\r\nMULTI\r\n*3\r\n$7\r\nSLAVEOF\r\n$9\r\n127.0.0.1\r\n$4\r\n6380\r\n*2\r\n$6\r\nCONFIG\r\n$7\r\nREWRITE\r\n*1\r\n$4\r\nEXEC\r\n',
  ]);
  rec.link.close('cc');
  t.deepEqual((await replies).map((r) => r.kind), ['closed', 'closed', 'closed', 'closed']);
});

test.serial('InstanceLink: close(cc) drops a pending PING at once and leaves the pc up when the server is stopped', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  await connected(rec);
  await waitFor(() => rec.link.pendingCommands === 0, { what: 'handshake replies' });
  p.child.kill('SIGSTOP');
  try {
    const ping = rec.link.send('PING', []);
    t.is(rec.link.pendingCommands, 1);
    rec.link.close('cc');
    t.is(rec.link.pendingCommands, 0);
    t.false(rec.link.isConnected('cc'));
    t.true(rec.link.isConnected('pc'));
    t.true(rec.link.disconnected);
    t.like(await ping, { kind: 'closed' });
    t.is(rec.link.pendingCommands, 0);
  } finally {
    p.child.kill('SIGCONT');
  }
  await connected(rec);
  t.deepEqual(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.deepEqual(rec.disconnected, []);
});

test.serial('InstanceLink: a stopped server leaves PING pending while another link works, and answers it on SIGCONT', async (t) => {
  const stopped = await redis();
  const other = await redis();
  const a = makeLink(stopped.port);
  const b = makeLink(other.port);
  await connected(a);
  await connected(b);
  await waitFor(() => a.link.pendingCommands === 0, { what: 'handshake replies' });
  stopped.child.kill('SIGSTOP');
  let settled = false;
  const ping = a.link.send('PING', []).then((r) => {
    settled = true;
    return r;
  });
  t.is(a.link.pendingCommands, 1);
  for (let i = 0; i < 20; i++) t.deepEqual(await b.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.false(settled);
  t.is(a.link.pendingCommands, 1);
  t.false(a.link.disconnected);
  stopped.child.kill('SIGCONT');
  t.deepEqual(await ping, { kind: 'ok', value: 'PONG' });
  t.is(a.link.pendingCommands, 0);
});

test.serial('InstanceLink: a message handler that closes the link mid-chunk ends it cleanly (the rest of the chunk is dropped)', async (t) => {
  const p = await redis();
  let link: InstanceLink | null = null;
  const rec = makeLink(p.port, {
    // as a hello that moves the master does: its links are dropped from inside the handler
    onMessage: (channel, message) => {
      rec.messages.push([channel, message]);
      link?.close('pc', 'closed by handler');
    },
  });
  link = rec.link;
  await connected(rec);
  await waitFor(async () => {
    const r = await rec.link.send('PUBSUB', ['NUMSUB', '__sentinel__:hello']);
    return r.kind === 'ok' && Array.isArray(r.value) && r.value[1] === 1;
  }, { what: 'subscriber' });
  // one transaction: both messages reach the subscriber in one write, so in one chunk
  const replies = await rec.link.sendPipeline([['MULTI'], ['PUBLISH', '__sentinel__:hello', 'one'], ['PUBLISH', '__sentinel__:hello', 'two'], ['EXEC']]);
  t.deepEqual(replies.map(value).at(-1), [1, 1]);
  await waitFor(() => rec.link.state('pc') === 'down', { what: 'pc closed' });
  t.deepEqual(rec.messages, [['__sentinel__:hello', 'one']], 'the message after the close is not delivered');
  t.like(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' }, 'the process and the cc carry on');
});

test.serial('InstanceLink: a killed server is reported with a reason, sends fail at once, and a restart is reconnected', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  await connected(rec);
  await waitFor(() => rec.link.pendingCommands === 0, { what: 'handshake replies' });
  p.child.kill('SIGSTOP');
  const pending = rec.link.send('PING', []);
  t.is(rec.link.pendingCommands, 1);
  p.child.kill('SIGKILL');
  await p.exited;
  await waitFor(() => rec.disconnected.length === 2, { what: 'both connections reported' });
  t.deepEqual(rec.disconnected.map((d) => d.kind).sort(), ['cc', 'pc']);
  for (const d of rec.disconnected) t.regex(d.reason, /^(Server closed the connection|Connection reset by peer)$/);
  t.like(await pending, { kind: 'closed' });
  t.is(rec.link.pendingCommands, 0);
  t.true(rec.link.disconnected);
  t.is(rec.link.connectedSince('cc'), 0);
  t.like(await rec.link.send('PING', []), { kind: 'closed' });

  rec.link.connect();
  await waitFor(() => rec.disconnected.length === 4, { what: 'refused attempts reported' });
  t.deepEqual(rec.disconnected.slice(2).map((d) => d.reason), ['Connection refused', 'Connection refused']);

  const again = spawnProc(REDIS_SERVER, ['--port', String(p.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], p.port);
  procs.push(again);
  await waitForPort(p.port);
  await connected(rec);
  t.deepEqual(await rec.link.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.is(ours(await clientList(p.port)).length, 2);
});

test.serial('InstanceLink: a closed port reports Connection refused fast', async (t) => {
  const port = await freePort();
  const rec = makeLink(port, { pubsub: false });
  const start = performance.now();
  rec.link.connect();
  await waitFor(() => rec.disconnected.length === 1, { what: 'refusal' });
  t.true(performance.now() - start < 1_000);
  t.deepEqual(rec.disconnected, [{ kind: 'cc', reason: 'Connection refused' }]);
  t.is(rec.link.state('cc'), 'down');
  t.deepEqual(rec.connected, []);
});

test.serial('InstanceLink: a handshake that never completes reports Connection timed out after connectTimeoutMs', async (t) => {
  // A listener that accepts and stays silent: the TLS handshake never finishes.
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  const rec = makeLink(port, { pubsub: false, connectTimeoutMs: 200, tls: { rejectUnauthorized: false } });
  rec.link.connect();
  await waitFor(() => rec.disconnected.length === 1, { what: 'timeout' });
  t.deepEqual(rec.disconnected, [{ kind: 'cc', reason: 'Connection timed out' }]);
  for (const s of sockets) s.destroy();
});

test.serial('InstanceLink: destroy() closes both connections for good', async (t) => {
  const p = await redis();
  const rec = makeLink(p.port);
  await connected(rec);
  rec.link.destroy();
  t.true(rec.link.destroyed);
  rec.link.connect();
  t.is(rec.link.state('cc'), 'down');
  t.like(await rec.link.send('PING', []), { kind: 'closed', reason: 'link destroyed' });
  await waitFor(async () => ours(await clientList(p.port)).length === 0, { what: 'server sees the connections go' });
  t.deepEqual(rec.disconnected, []);
});

test.serial('InstanceLink: nothing was printed to stderr by the links', (t) => {
  t.deepEqual(stderrLines.filter((l) => /ioredis|Error/.test(l)), []);
});
