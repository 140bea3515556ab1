/**
 * RespServer over real sockets with a tiny fake dispatcher (no sentinel behind it): ordering,
 * back-pressure, protocol errors, accept policy, idle timeout, pub/sub limits, redis-cli.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import type { ClientSession, CommandResult } from '../../src/commands/types.js';
import { isArgusError } from '../../src/errors.js';
import { bulk, err, int, map, ok, push, simple, array } from '../../src/resp/reply.js';
import { writeReply } from '../../src/resp/reply-writer.js';
import { systemClock, type Clock } from '../../src/runtime/clock.js';
import type { LineLevel } from '../../src/runtime/logger.js';
import { ClientConnection } from '../../src/server/client-connection.js';
import { RespServer, DENIED_ERROR, type RespServerSettings } from '../../src/server/server.js';
import { freePort } from '../helpers/ports.js';
import { startRedisServer, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

/** A raw client that records every byte received. */
class RawClient {
  readonly socket: Socket;
  /** what arrived, chunk by chunk: joined when read, so 20 MB of replies is not copied per chunk */
  #chunks: Buffer[] = [];
  #received = 0;
  closed = false;
  readonly ready: Promise<void>;

  constructor(port: number, opts: { localAddress?: string } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', ...opts });
    this.socket.on('data', (d: Buffer) => {
      this.#chunks.push(d);
      this.#received += d.length;
    });
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => {});
    this.ready = new Promise((r) => this.socket.once('connect', () => r()));
    clients.add(this);
  }

  send(s: string | Buffer): void {
    this.socket.write(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  }

  get data(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  text(): string {
    return this.data.toString('latin1');
  }

  /** Waits until `n` bytes arrived and returns them all. */
  async bytes(n: number, what = `${n} bytes`): Promise<string> {
    await waitFor(() => this.#received >= n, { what });
    return this.text();
  }

  async waitClosed(): Promise<void> {
    await waitFor(() => this.closed, { what: 'connection closed' });
  }

  close(): void {
    this.socket.destroy();
  }
}

const clients = new Set<RawClient>();
const servers: RespServer[] = [];
let redis: Proc | undefined;

/** The fake dispatcher's gate for SLOW: resolved by the test. */
let releaseSlow: (() => void) | null = null;
const calls: string[] = [];
const logs: [LineLevel, string][] = [];

function makeServer(
  port: number, overrides: Partial<RespServerSettings> = {}, cronIntervalMs?: number, clock: Clock = systemClock,
): RespServer {
  const settings: RespServerSettings = {
    port,
    bind: ['127.0.0.1'],
    maxclients: 10_000,
    timeout: 0,
    protectedMode: false,
    defaultUserHasPassword: () => false,
    tcpKeepalive: 300,
    pubsubLimits: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
    ...overrides,
  };
  const server: RespServer = new RespServer({
    settings,
    clock,
    log: (level, msg) => logs.push([level, msg]),
    cronIntervalMs,
    dispatch: (session, argv) => fakeDispatch(server, session, argv),
  });
  servers.push(server);
  return server;
}

function fakeDispatch(server: RespServer, session: ClientSession, argv: readonly string[]): CommandResult | Promise<CommandResult> {
  const name = argv[0]!.toLowerCase();
  calls.push(name);
  session.lastCommand = name;
  switch (name) {
    case 'ping':
      return argv.length > 1 ? bulk(argv[1]!) : simple('PONG');
    case 'echo':
      return bulk(argv[1] ?? '');
    case 'slow':
      return new Promise<void>((r) => (releaseSlow = r)).then(() => bulk('slow'));
    case 'hello':
      session.resp = argv[1] === '3' ? 3 : 2;
      return map([['server', bulk('redis')], ['proto', int(session.resp)]]);
    case 'subscribe':
      return argv.slice(1).map((ch) => push([bulk('subscribe'), bulk(ch), int(server.pubsub.subscribe(session, ch))]));
    case 'psubscribe':
      return argv.slice(1).map((p) => push([bulk('psubscribe'), bulk(p), int(server.pubsub.psubscribe(session, p))]));
    case 'publish':
      return int(server.publish(argv[1]!, argv[2]!));
    case 'quit':
      session.closeAfterReply = true;
      return ok;
    case 'clientinfo':
      return bulk((session as ClientConnection).info());
    case 'boom':
      throw new Error('handler bug');
    case 'command':
      return array([]);
    default:
      return err(`ERR unknown command '${argv[0]}'`);
  }
}

let main: RespServer;
let port: number;

test.before(async () => {
  port = await freePort();
  main = makeServer(port);
  await main.start();
});

test.after.always(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.stop()));
  await redis?.stop();
});

test.serial('resp-server: answers PING over a real socket', async (t) => {
  const c = new RawClient(port);
  c.send('*1\r\n$4\r\nPING\r\n');
  t.is(await c.bytes(7), '+PONG\r\n');
  t.true(main.stats.totalConnectionsReceived >= 1);
  t.true(main.stats.totalNetInputBytes >= 14);
  t.true(main.stats.totalNetOutputBytes >= 7);
  c.close();
});

test.serial('resp-server: 10k pipelined commands are answered in order', async (t) => {
  const c = new RawClient(port);
  let req = '';
  let expected = '';
  for (let i = 0; i < 10_000; i++) {
    const v = String(i);
    req += i % 2 === 0 ? `*2\r\n$4\r\nECHO\r\n$${v.length}\r\n${v}\r\n` : `ECHO ${v}\r\n`;
    expected += `$${v.length}\r\n${v}\r\n`;
  }
  c.send(req);
  t.is(await c.bytes(expected.length, 'all 10k replies'), expected);
  c.close();
});

test.serial('resp-server: a slow async handler keeps later replies behind it', async (t) => {
  const c = new RawClient(port);
  calls.length = 0;
  c.send('ECHO before\r\nSLOW\r\nECHO after\r\n');
  await waitFor(() => releaseSlow !== null, { what: 'SLOW dispatched' });
  await c.bytes(12);
  t.is(c.text(), '$6\r\nbefore\r\n');
  t.deepEqual(calls, ['echo', 'slow'], 'nothing after SLOW is dispatched while it runs');
  releaseSlow!();
  releaseSlow = null;
  t.is(await c.bytes(12 + 10 + 11), '$6\r\nbefore\r\n$4\r\nslow\r\n$5\r\nafter\r\n');
  c.close();
});

test.serial('resp-server: a protocol error is answered, then the connection is closed', async (t) => {
  const c = new RawClient(port);
  c.send('PING\r\n*x\r\nPING\r\n');
  await c.waitClosed();
  t.is(c.text(), '+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n');
  t.true(logs.some(([l, m]) => l === 'verbose' && m.startsWith('Protocol error (invalid mbulk count) from client: id=')));
});

test.serial('resp-server: protocol replies match redis-server 7.0.15 byte for byte', async (t) => {
  redis ??= await startRedisServer();
  const vectors = [
    '*1\r\n$4\r\nPING\r\n',
    'PING\nPING\r\n\r\n   \r\nping "a b"\r\n',
    '*0\r\n*-1\r\n*1\r\n$4\r\nPINGxx\r\n',
    '*1\r\n$4\r\nPING\r\n*1\r\nx\r\n',
    '*1\r\n\n\r\n',
    '*1\r\n$-1\r\n',
    '*3000000000\r\n',
    'ping "a\r\n',
    `PING\r\n${'P'.repeat(70_000)}`,
    `*${'1'.repeat(65_537)}`,
  ];
  for (const v of vectors) {
    const ours = new RawClient(port);
    const theirs = new RawClient(redis.port);
    ours.send(v);
    theirs.send(v);
    const what = JSON.stringify(v.slice(0, 40));
    // a vector either ends in a protocol error (reply, then close) or leaves the connection open
    await waitFor(() => theirs.data.length > 0 && theirs.text() === ours.text(), { what: `same replies to ${what}` });
    if (theirs.text().includes('-ERR Protocol error')) {
      await waitFor(() => theirs.closed && ours.closed, { what: `both closed after ${what}` });
    } else {
      t.false(theirs.closed || ours.closed, `still open after ${what}`);
    }
    t.is(ours.text(), theirs.text(), what);
    ours.close();
    theirs.close();
  }
});

test.serial('resp-server: QUIT replies then closes', async (t) => {
  const c = new RawClient(port);
  c.send('QUIT\r\nPING\r\n');
  await c.waitClosed();
  t.is(c.text(), '+OK\r\n');
});

test.serial('resp-server: replies are flushed before closing when the client half-closes', async (t) => {
  const c = new RawClient(port);
  await c.ready;
  c.socket.end('PING\r\nSLOW\r\n');
  await waitFor(() => releaseSlow !== null, { what: 'SLOW dispatched' });
  releaseSlow!();
  releaseSlow = null;
  await c.waitClosed();
  t.is(c.text(), '+PONG\r\n$4\r\nslow\r\n');
});

test.serial('resp-server: a throwing handler gets an error reply and the connection lives on', async (t) => {
  const c = new RawClient(port);
  c.send('BOOM\r\nPING\r\n');
  t.is(await c.bytes(28), '-ERR internal error\r\n+PONG\r\n');
  t.true(logs.some(([l, m]) => l === 'warning' && m.includes('handler bug')));
  c.close();
});

test.serial('resp-server: subscribers get message and pmessage frames in RESP2 and RESP3', async (t) => {
  const r2 = new RawClient(port);
  const r3 = new RawClient(port);
  r2.send('SUBSCRIBE +sdown\r\nPSUBSCRIBE +*\r\n');
  const sub2 = '*3\r\n$9\r\nsubscribe\r\n$6\r\n+sdown\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\n+*\r\n:2\r\n';
  await r2.bytes(sub2.length);
  r3.send('HELLO 3\r\nSUBSCRIBE +sdown\r\n');
  const hello3 = '%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n';
  const sub3 = '>3\r\n$9\r\nsubscribe\r\n$6\r\n+sdown\r\n:1\r\n';
  await r3.bytes(hello3.length + sub3.length);
  t.is(main.publish('+sdown', 'master m 10.0.0.1 6379'), 3);
  const msg2 = '*3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$22\r\nmaster m 10.0.0.1 6379\r\n' +
    '*4\r\n$8\r\npmessage\r\n$2\r\n+*\r\n$6\r\n+sdown\r\n$22\r\nmaster m 10.0.0.1 6379\r\n';
  const msg3 = '>3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$22\r\nmaster m 10.0.0.1 6379\r\n';
  t.is(await r2.bytes(sub2.length + msg2.length), sub2 + msg2);
  t.is(await r3.bytes(hello3.length + sub3.length + msg3.length), hello3 + sub3 + msg3);
  t.is(main.pubsub.channelCount(), 1);
  t.is(main.pubsub.patternCount(), 1);
  r2.close();
  r3.close();
  await waitFor(() => main.pubsub.channelCount() === 0 && main.pubsub.patternCount() === 0, { what: 'subscriptions dropped' });
});

test.serial('resp-server: CLIENT LIST line has Redis 7.2 fields in order', async (t) => {
  const c = new RawClient(port);
  c.send('CLIENTINFO\r\n');
  await waitFor(() => c.text().endsWith('\r\n') && c.data.length > 20, { what: 'client info' });
  const line = c.text().split('\r\n')[1]!;
  t.regex(line, /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=\d+ omem=\d+ tot-mem=\d+ events=r cmd=clientinfo user=default redir=-1 resp=2 lib-name= lib-ver=$/);
  c.close();
});

test.serial('resp-server: redis-cli can talk to it', async (t) => {
  const ping = await run('redis-cli', ['-p', String(port), 'PING']);
  t.is(ping.stdout, 'PONG\n');
  const echo = await run('redis-cli', ['-p', String(port), 'ECHO', 'hello world']);
  t.is(echo.stdout, 'hello world\n');
  const piped = await new Promise<string>((resolve, reject) => {
    const child = execFile('redis-cli', ['-p', String(port)], (e, stdout) => (e ? reject(e) : resolve(stdout)));
    child.stdin!.end('PING\nECHO "a b"\n');
  });
  t.is(piped, 'PONG\na b\n');
  const resp3 = await run('redis-cli', ['-3', '-p', String(port), 'PING']);
  t.is(resp3.stdout, 'PONG\n');
});

test.serial('resp-server: maxclients refuses the next client with Redis error', async (t) => {
  const p = await freePort();
  const s = makeServer(p, { maxclients: 2 });
  await s.start();
  const a = new RawClient(p);
  const b = new RawClient(p);
  a.send('PING\r\n');
  b.send('PING\r\n');
  await a.bytes(7);
  await b.bytes(7);
  const c = new RawClient(p);
  await c.waitClosed();
  t.is(c.text(), '-ERR max number of clients reached\r\n');
  t.is(s.stats.rejectedConnections, 1);
  t.is(s.stats.totalConnectionsReceived, 2);
  a.close();
  await waitFor(() => s.clients.count() === 1, { what: 'a gone' });
  const d = new RawClient(p);
  d.send('PING\r\n');
  t.is(await d.bytes(7), '+PONG\r\n');
});

test.serial('resp-server: protected mode denies non-loopback peers when no password is set', async (t) => {
  const p = await freePort();
  let hasPassword = false;
  const s = makeServer(p, { protectedMode: true, defaultUserHasPassword: () => hasPassword });
  await s.start();
  const local = new RawClient(p);
  local.send('PING\r\n');
  t.is(await local.bytes(7), '+PONG\r\n');
  // Redis treats only 127.0.0.1 and ::1 as local; 127.0.0.2 is refused like a remote peer
  const remote = new RawClient(p, { localAddress: '127.0.0.2' });
  await remote.waitClosed();
  t.is(remote.text(), DENIED_ERROR);
  t.is(s.stats.rejectedConnections, 1);
  hasPassword = true;
  const withPass = new RawClient(p, { localAddress: '127.0.0.2' });
  withPass.send('PING\r\n');
  t.is(await withPass.bytes(7), '+PONG\r\n');
});

test.serial('resp-server: idle clients are closed after timeout, subscribers are not', async (t) => {
  const p = await freePort();
  const s = makeServer(p, { timeout: 1 }, 100);
  await s.start();
  const idle = new RawClient(p);
  const sub = new RawClient(p);
  idle.send('PING\r\n');
  sub.send('SUBSCRIBE ch\r\n');
  await idle.bytes(7);
  await sub.bytes(10);
  await idle.waitClosed();
  t.false(sub.closed);
  t.true(logs.some(([, m]) => m === 'Closing idle client'));
});

test.serial('resp-server: a subscriber that does not read is dropped at the hard limit', async (t) => {
  const p = await freePort();
  const s = makeServer(p, { pubsubLimits: { hard: 1024 * 1024, soft: 0, softSeconds: 0 } });
  await s.start();
  const sub = new RawClient(p);
  sub.send('SUBSCRIBE flood\r\n');
  await sub.bytes(10);
  sub.socket.pause();
  const healthy = new RawClient(p);
  healthy.send('SUBSCRIBE flood\r\n');
  await healthy.bytes(10);
  const payload = 'x'.repeat(64 * 1024);
  let published = 0;
  // bounded: loopback socket buffers hold a few MB at most
  while (s.clients.count() === 2 && published < 4_000) {
    s.publish('flood', payload);
    published++;
    await new Promise((r) => setImmediate(r));
  }
  t.is(s.clients.count(), 1, `dropped after ${published} messages`);
  t.true(logs.some(([l, m]) => l === 'warning' && m.endsWith('scheduled to be closed ASAP for overcoming of output buffer limits.')));
  const probe = new RawClient(p);
  probe.send('PING\r\n');
  t.is(await probe.bytes(7), '+PONG\r\n');
  const confirm = writeReply(push([bulk('subscribe'), bulk('flood'), int(1)]), 2).length;
  const frame = writeReply(push([bulk('message'), bulk('flood'), bulk(payload)]), 2).length;
  await waitFor(() => healthy.data.length === confirm + published * frame, { what: 'the reader got every message' });
  t.pass();
});

test.serial('resp-server: a subscriber over the soft limit longer than soft-seconds is dropped', async (t) => {
  let now = 1_000_000;
  const clock: Clock = { monotonic: () => now, wall: () => now };
  const p = await freePort();
  const s = makeServer(p, { pubsubLimits: { hard: 0, soft: 256 * 1024, softSeconds: 2 } }, undefined, clock);
  await s.start();
  const sub = new RawClient(p);
  sub.send('SUBSCRIBE slow\r\n');
  await sub.bytes(9);
  sub.socket.pause();
  const conn = [...s.clients.all()][0] as ClientConnection;
  const payload = 'y'.repeat(64 * 1024);
  for (let i = 0; i < 4_000 && conn.outputBytes() < 256 * 1024; i++) {
    s.publish('slow', payload);
    await new Promise((r) => setImmediate(r));
  }
  t.true(conn.outputBytes() >= 256 * 1024, 'over the soft limit');
  s.publish('slow', payload); // starts the soft-limit clock
  now += 2_000;
  s.publish('slow', payload); // exactly soft-seconds: still tolerated
  t.false(conn.closed);
  now += 1;
  s.publish('slow', payload);
  t.true(conn.closed);
  await waitFor(() => s.clients.count() === 0, { what: 'subscriber dropped' });
});

test.serial('resp-server: a client that does not read its replies is paused, not buffered', async (t) => {
  const p = await freePort();
  const s = makeServer(p);
  await s.start();
  const c = new RawClient(p);
  await c.ready;
  c.socket.pause();
  const value = 'v'.repeat(1024);
  const n = 20_000;
  const req = `*2\r\n$4\r\nECHO\r\n$1024\r\n${value}\r\n`.repeat(n);
  c.send(req);
  const conn = await waitFor(() => [...s.clients.all()][0] as ClientConnection | undefined, { what: 'connection' });
  await waitFor(() => conn.eventString() === 'w', { what: 'reading paused' });
  t.true(conn.outputBytes() < 1024 * 1024, `unsent output stays bounded (${conn.outputBytes()} bytes)`);
  c.socket.resume();
  const reply = `$1024\r\n${value}\r\n`;
  await c.bytes(reply.length * n, 'every reply');
  t.is(c.text(), reply.repeat(n));
});

test.serial('resp-server: the default bind listens on the IPv4 and (if present) IPv6 wildcards', async (t) => {
  const p = await freePort();
  const s = makeServer(p, { bind: ['*', '-::*'] });
  await s.start();
  const addrs = s.addresses().map((a) => a.address);
  t.is(addrs[0], '0.0.0.0');
  t.true(addrs.length === 1 || addrs[1] === '::');
  const c = new RawClient(p);
  c.send('PING\r\n');
  t.is(await c.bytes(7), '+PONG\r\n');
});

test.serial('resp-server: a second server on a taken address fails with ARGUS_ERR_LISTEN', async (t) => {
  const s = makeServer(port);
  const e = await t.throwsAsync(s.start());
  t.true(isArgusError(e, 'ARGUS_ERR_LISTEN'));
  t.is(e!.message, `Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use`);
  t.true(logs.some(([l, m]) => l === 'warning' &&
    m === `Warning: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use`));
});

test.serial('resp-server: an optional address that is not available is skipped', async (t) => {
  const p = await freePort();
  const s = makeServer(p, { bind: ['-10.255.255.1', '127.0.0.1'] });
  await s.start();
  t.deepEqual(s.addresses(), [{ address: '127.0.0.1', port: p }]);
  const strict = makeServer(await freePort(), { bind: ['10.255.255.1'] });
  const e = await t.throwsAsync(strict.start());
  t.regex(e!.message, /^Could not create server TCP listening socket 10\.255\.255\.1:\d+: bind: Cannot assign requested address$/);
});
