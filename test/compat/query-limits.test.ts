import test from 'ava';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Request limits against Debian's redis-sentinel 7.0.15 on the same config: the protocol-error
 * replies byte for byte, and the query buffer limit closing a client that never finishes its
 * request. Small limits (`client-query-buffer-limit 1mb`, `proto-max-bulk-len 2mb`) keep the
 * traffic small; the rules are the same at the defaults.
 */
const LIMITS = 'client-query-buffer-limit 1mb\nproto-max-bulk-len 2mb\n';
const PASS = 'q-limits-pass';

interface Pair {
  readonly redis: SentinelProc;
  readonly argus: SentinelProc;
}
let open: Pair;
let locked: Pair;

const started: SentinelProc[] = [];

test.before(async () => {
  const configs = [LIMITS, LIMITS, `${LIMITS}requirepass ${PASS}\n`, `${LIMITS}requirepass ${PASS}\n`];
  const results = await Promise.allSettled(configs.map((c, i) => startSentinel(c, { impl: i % 2 === 0 ? 'redis' : 'argus' })));
  // whatever did start is stopped in after.always, even when another one failed
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const [r0, a0, r1, a1] = started as [SentinelProc, SentinelProc, SentinelProc, SentinelProc];
  open = { redis: r0, argus: a0 };
  locked = { redis: r1, argus: a1 };
});

test.after.always(async () => {
  await Promise.all(started.map((p) => p.cleanup()));
});

/**
 * Sends `bytes` on a fresh connection; what came back once the server closed it, or after
 * `quietMs` of the server waiting for more.
 */
async function answer(port: number, bytes: string, auth: boolean, quietMs: number): Promise<{ text: string; closed: boolean }> {
  const c = await RawClient.open(port);
  try {
    if (auth) await c.call('AUTH', PASS);
    let text = '';
    c.socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    c.send(bytes);
    // A protocol error is a reply and a close; an incomplete request is silence. A PING after
    // it would be swallowed by the request, so silence is checked by waiting for the close.
    await c.waitClosed(quietMs).catch(() => undefined);
    return { text, closed: c.closed };
  } finally {
    c.close();
  }
}

const VECTORS: readonly { what: string; bytes: string; pair: () => Pair; auth?: boolean; reply: string | null }[] = [
  { what: 'a bulk longer than proto-max-bulk-len', bytes: `*1\r\n$${2 * 1024 * 1024 + 1}\r\n`, pair: () => open,
    reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { what: 'a bulk of exactly proto-max-bulk-len (waits for it)', bytes: `*1\r\n$${2 * 1024 * 1024}\r\n`, pair: () => open, reply: null },
  { what: 'a negative bulk length', bytes: '*1\r\n$-5\r\n', pair: () => open, reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { what: 'a bulk length that is not a number', bytes: '*1\r\n$12a\r\n', pair: () => open, reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { what: 'a bulk count line past 64 KB', bytes: `*1\r\n$${'1'.repeat(65_537)}`, pair: () => open,
    reply: '-ERR Protocol error: too big bulk count string\r\n' },
  { what: 'a multibulk count that is not a number', bytes: '*1x\r\n', pair: () => open, reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { what: 'an argument without its $', bytes: '*2\r\n$4\r\nPING\r\n:1\r\n', pair: () => open,
    reply: "-ERR Protocol error: expected '$', got ':'\r\n" },
  { what: 'an inline request past 64 KB', bytes: 'P'.repeat(70_000), pair: () => open, reply: '-ERR Protocol error: too big inline request\r\n' },
  { what: 'an unauthenticated multibulk of 11 arguments', bytes: '*11\r\n', pair: () => locked,
    reply: '-ERR Protocol error: unauthenticated multibulk length\r\n' },
  { what: 'an unauthenticated multibulk of 10 arguments (waits for them)', bytes: '*10\r\n', pair: () => locked, reply: null },
  { what: 'an unauthenticated bulk over 16 KB', bytes: '*1\r\n$16385\r\n', pair: () => locked,
    reply: '-ERR Protocol error: unauthenticated bulk length\r\n' },
  { what: 'an unauthenticated bulk of 16 KB (waits for it)', bytes: '*1\r\n$16384\r\n', pair: () => locked, reply: null },
  { what: 'an authenticated multibulk of 11 arguments (waits for them)', bytes: '*11\r\n', pair: () => locked, auth: true, reply: null },
];

for (const v of VECTORS) {
  test.serial(`query limits: ${v.what} gets the same answer as from redis-sentinel`, async (t) => {
    const p = v.pair();
    // an error closes the connection: wait for that as long as a busy machine may need
    const quietMs = v.reply === null ? 1_000 : 10_000;
    const [redis, argus] = await Promise.all([answer(p.redis.port, v.bytes, v.auth ?? false, quietMs), answer(p.argus.port, v.bytes, v.auth ?? false, quietMs)]);
    t.deepEqual(redis, v.reply === null ? { text: '', closed: false } : { text: v.reply, closed: true }, 'redis-sentinel as expected');
    t.deepEqual(argus, redis);
  });
}

/** The log line Redis writes when it drops such a client, with the client's qbuf size. */
const QBUF_LINE = /Closing client that reached max query buffer length: id=\d+ addr=127\.0\.0\.1:\d+ .* qbuf=(\d+) .* \(qbuf initial bytes: "(.*)"\)\n/;

/**
 * Streams a request that never ends until the server closes the connection (or `cap` bytes
 * have been accepted): how many bytes the socket took.
 */
async function streamUntilClosed(port: number, head: string, chunk: Buffer, cap: number): Promise<number> {
  const c = await RawClient.open(port);
  let sent = 0;
  try {
    c.send(head);
    while (!c.closed && sent < cap) {
      if (!c.socket.write(chunk)) {
        await new Promise<void>((r) => {
          const done = (): void => {
            c.socket.off('drain', done);
            c.socket.off('close', done);
            r();
          };
          c.socket.on('drain', done).on('close', done);
        });
      }
      sent += chunk.length;
    }
    await c.waitClosed(5_000);
    return sent;
  } finally {
    c.close();
  }
}

test.serial('query limits: a bulk that never ends is cut off at client-query-buffer-limit, as redis-sentinel does', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  // 2 MB declared, 1 MB allowed: the argument can never be completed within the limit
  const head = `*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`;
  for (const [impl, proc] of [['redis-sentinel', open.redis], ['Argus', open.argus]] as const) {
    const before = proc.stdout().length;
    const sent = await streamUntilClosed(proc.port, head, chunk, 64 * 1024 * 1024);
    const m = await waitFor(() => QBUF_LINE.exec(proc.stdout().slice(before)), { what: `${impl}'s query buffer log line` });
    const qbuf = Number(m[1]);
    // redis-sentinel reads up to the rest of a big argument at once (at most the declared 2 MB
    // and its CRLF), Argus 64 KB at a time
    const slack = impl === 'Argus' ? 64 * 1024 + 64 : 1024 * 1024 + 2;
    // Argus counts the parsed arguments of the request too (argv-mem: `ECHO`, 4 bytes), so its
    // query buffer may be exactly at the limit when it closes
    const argvMem = impl === 'Argus' ? Number(/ argv-mem=(\d+) /.exec(m[0])![1]) : 0;
    t.true(qbuf + argvMem > 1024 * 1024 && qbuf <= 1024 * 1024 + slack, `${impl}: closed just past the limit (qbuf=${qbuf}, argv-mem=${argvMem})`);
    t.log(`${impl}: qbuf=${qbuf} at the close, ${sent} bytes accepted by the client's socket`);
    t.true(m[2]!.startsWith('xxxxxxxx'), `${impl}: the sample is the payload (${m[2]!.slice(0, 20)}…)`);
    t.true(sent < 32 * 1024 * 1024, `${impl}: closed long before the 64 MB the client would send (${sent} bytes accepted)`);
  }
});

test.serial('query limits: a request that never ends with many small arguments is cut off at the limit too (Argus)', async (t) => {
  // Redis 7.0 counts only the unparsed bytes, so parsed arguments of an unfinished request grow
  // without bound there; Argus counts them toward client-query-buffer-limit.
  const arg = `$1000\r\n${'a'.repeat(1000)}\r\n`;
  const before = open.argus.stdout().length;
  const sent = await streamUntilClosed(open.argus.port, '*1000000\r\n', Buffer.from(arg.repeat(64)), 64 * 1024 * 1024);
  await waitFor(() => QBUF_LINE.test(open.argus.stdout().slice(before)), { what: 'the query buffer log line' });
  t.true(sent < 32 * 1024 * 1024, `closed long before the 64 MB the client would send (${sent} bytes accepted)`);
  const probe = await RawClient.open(open.argus.port);
  t.teardown(() => probe.close());
  t.is((await probe.call('PING')).value, 'PONG');
});
