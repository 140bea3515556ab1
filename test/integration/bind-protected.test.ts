import test, { type ExecutionContext } from 'ava';
import { connect, createServer } from 'node:net';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `bind` with several addresses (IPv4 and IPv6) on a real Argus, and protected mode's refusal
 * compared with Debian's redis-sentinel byte for byte.
 */

/**
 * Connects (from `localAddress` if given), sends `send`, and returns all it gets until it has
 * `expect`, the server closes, or 5 s pass (a busy machine can be slow to answer).
 */
function exchange(
  port: number,
  host: string,
  send: string,
  { localAddress, expect = '+PONG\r\n' }: { localAddress?: string; expect?: string } = {},
): Promise<{ text: string; closed: boolean; error?: string }> {
  return new Promise((resolve) => {
    const s = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    let text = '';
    let done = false;
    const finish = (closed: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(error === undefined ? { text, closed } : { text, closed, error });
    };
    const timer = setTimeout(() => finish(false), 5_000);
    s.on('connect', () => s.write(send));
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (text === expect) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', (e: NodeJS.ErrnoException) => finish(true, e.code ?? e.message));
  });
}

/** redis-sentinel and Argus on `config`, each stopped when the test ends. */
async function startBoth(t: ExecutionContext, config: string): Promise<[SentinelProc, SentinelProc]> {
  const redis = await startSentinel(config, { impl: 'redis' });
  t.teardown(() => redis.cleanup());
  const argus = await startSentinel(config);
  t.teardown(() => argus.cleanup());
  return [redis, argus];
}

/** null if this machine can listen on ::1, else the error code (a container may have IPv6 off). */
const ipv6Loopback = (): Promise<string | null> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    srv.listen(0, '::1', () => srv.close(() => resolve(null)));
  });

test('bind: "bind 127.0.0.1 ::1" listens on both addresses, and nowhere else', async (t) => {
  const ipv6Error = await ipv6Loopback();
  const argus = await startSentinel('bind 127.0.0.1 ::1\n', { waitReady: false });
  t.teardown(() => argus.cleanup());
  if (ipv6Error === 'EAFNOSUPPORT') {
    // a kernel without IPv6: Redis skips the family for every address and serves the rest
    t.log('no IPv6 in this kernel: checking Redis\'s skip');
    await waitFor(async () => (await exchange(argus.port, '127.0.0.1', 'PING\r\n')).text === '+PONG\r\n', { what: 'PONG on 127.0.0.1' });
    t.regex(argus.stdout(), /Could not create server TCP listening socket ::1:\d+: bind: Address family not supported by protocol\n/);
    return;
  }
  if (ipv6Error !== null) {
    // no ::1 on the interfaces: the required address fails start-up with Redis's lines
    t.log(`::1 cannot be bound here (${ipv6Error}): checking the start-up error`);
    t.is(await argus.exited, 1);
    t.regex(argus.stdout(), new RegExp(`# Warning: Could not create server TCP listening socket ::1:${argus.port}: bind: Cannot assign requested address\\n`));
    t.regex(argus.stdout(), new RegExp(`# Failed listening on port ${argus.port} \\(TCP\\), aborting\\.\\n`));
    return;
  }
  t.log('::1 is available: checking both listeners');
  await waitFor(async () => (await exchange(argus.port, '127.0.0.1', 'PING\r\n')).text === '+PONG\r\n', { what: 'PONG on 127.0.0.1' });
  t.deepEqual(await exchange(argus.port, '::1', 'PING\r\n'), { text: '+PONG\r\n', closed: false });
  // 127.0.0.1 is bound, not the wildcard: another loopback address is refused
  const other = await exchange(argus.port, '127.0.0.2', 'PING\r\n');
  t.is(other.error, 'ECONNREFUSED');
  t.regex(argus.stdout(), new RegExp(`Running mode=sentinel, port=${argus.port}\\.`));
});

test('bind: an optional address that cannot be bound is skipped, a required one stops start-up with Redis\'s lines', async (t) => {
  // 192.0.2.1 (TEST-NET-1) is on no interface of this machine
  const optional = await startSentinel('bind 127.0.0.1 -192.0.2.1\n');
  t.teardown(() => optional.cleanup());
  t.deepEqual(await exchange(optional.port, '127.0.0.1', 'PING\r\n'), { text: '+PONG\r\n', closed: false });
  await waitFor(() => optional.stdout().includes(`Warning: Could not create server TCP listening socket 192.0.2.1:${optional.port}: bind: Cannot assign requested address`), {
    what: 'the warning for the optional address',
  });

  const required = await startSentinel('bind 127.0.0.1 192.0.2.1\n', { waitReady: false });
  t.teardown(() => required.cleanup());
  t.is(await required.exited, 1);
  const out = required.stdout();
  t.regex(out, new RegExp(`# Warning: Could not create server TCP listening socket 192\\.0\\.2\\.1:${required.port}: bind: Cannot assign requested address\\n`));
  t.regex(out, new RegExp(`# Failed listening on port ${required.port} \\(TCP\\), aborting\\.\\n`));
});

test('protected mode: a non-loopback client gets redis-sentinel\'s DENIED text byte for byte, loopback and password-holders do not', async (t) => {
  const config = 'protected-mode yes\n';
  const [redis, argus] = await startBoth(t, config);
  const [theirs, ours] = await Promise.all([redis, argus].map((p) => exchange(p.port, '127.0.0.1', 'PING\r\n', { localAddress: '127.0.0.2' })));
  t.true(theirs!.text.startsWith('-DENIED Redis is running in protected mode'), 'redis-sentinel refuses 127.0.0.2');
  t.true(theirs!.closed);
  t.deepEqual(ours, theirs);
  for (const p of [redis, argus]) t.deepEqual(await exchange(p.port, '127.0.0.1', 'PING\r\n'), { text: '+PONG\r\n', closed: false });

  const withPass = 'protected-mode yes\nrequirepass pm-secret\n';
  const [redis2, argus2] = await startBoth(t, withPass);
  const auth = '*2\r\n$4\r\nAUTH\r\n$9\r\npm-secret\r\n*1\r\n$4\r\nPING\r\n';
  const [theirs2, ours2] = await Promise.all([redis2, argus2].map((p) => exchange(p.port, '127.0.0.1', auth, { localAddress: '127.0.0.2', expect: '+OK\r\n+PONG\r\n' })));
  t.is(theirs2!.text, '+OK\r\n+PONG\r\n');
  t.deepEqual(ours2, theirs2);
});
