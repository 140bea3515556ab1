import test from 'ava';
import { isArgusError } from '../../../src/errors.js';
import { HostResolver, type Lookup, type Schedule } from '../../../src/links/host-resolver.js';
import { FakeDnsServer } from '../../helpers/fake-dns.js';

/** Timers that fire only when the test says so. */
class ManualTimers {
  #timers: { at: number; fn: () => void }[] = [];
  now = 0;
  readonly schedule: Schedule = (ms, fn) => {
    const t = { at: this.now + ms, fn };
    this.#timers.push(t);
    return () => (this.#timers = this.#timers.filter((x) => x !== t));
  };
  get armed(): number {
    return this.#timers.length;
  }
  advance(ms: number): void {
    this.now += ms;
    const due = this.#timers.filter((t) => t.at <= this.now);
    this.#timers = this.#timers.filter((t) => t.at > this.now);
    for (const t of due) t.fn();
  }
}

/** A lookup whose answers the test hands out one by one, counting calls per name. */
class FakeDns {
  readonly calls: string[] = [];
  #pending: { host: string; resolve: (ip: string) => void; reject: (e: Error) => void }[] = [];
  readonly lookup: Lookup = (host) =>
    new Promise((resolve, reject) => {
      this.calls.push(host);
      this.#pending.push({ host, resolve, reject });
    });
  answer(host: string, ip: string): void {
    for (const p of this.#take(host)) p.resolve(ip);
  }
  fail(host: string, code: string): void {
    for (const p of this.#take(host)) p.reject(Object.assign(new Error(`query ${code} ${host}`), { code }));
  }
  #take(host: string) {
    const hit = this.#pending.filter((p) => p.host === host);
    this.#pending = this.#pending.filter((p) => p.host !== host);
    return hit;
  }
}

/** Lets promise callbacks run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function setup(timeoutMs = 2_000) {
  const timers = new ManualTimers();
  const dns = new FakeDns();
  const logs: string[] = [];
  const resolver = new HostResolver({
    timeoutMs,
    lookup: dns.lookup,
    schedule: timers.schedule,
    log: (level, message) => logs.push(`${level} ${message}`),
  });
  return { timers, dns, logs, resolver };
}

/** Tracks a promise's outcome without awaiting it. */
function watch<T>(p: Promise<T>) {
  const s: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then((v) => Object.assign(s, { value: v, done: true }), (e: unknown) => Object.assign(s, { error: e, done: true }));
  return s;
}

test('host-resolver: IP literals pass through without a lookup', async (t) => {
  const { dns, resolver } = setup();
  t.is(await resolver.resolve('10.0.0.7'), '10.0.0.7');
  t.is(await resolver.resolve('::1'), '::1');
  t.is(await resolver.resolve('fe80::1%eth0'), 'fe80::1%eth0');
  t.is(resolver.cached('10.0.0.7'), '10.0.0.7');
  t.deepEqual(dns.calls, []);
});

test('host-resolver: an answer within the timeout is returned and cached for lookupIp', async (t) => {
  const { timers, dns, logs, resolver } = setup();
  t.is(resolver.cached('redis-1'), undefined);
  const r = watch(resolver.resolve('redis-1'));
  timers.advance(1_500);
  dns.answer('redis-1', '10.0.0.1');
  await settle();
  t.deepEqual(r, { value: '10.0.0.1', done: true });
  t.is(resolver.cached('redis-1'), '10.0.0.1');
  t.is(resolver.cached('REDIS-1'), '10.0.0.1', 'names compare case-insensitively');
  t.is(timers.armed, 0, 'the timeout is disarmed');
  t.deepEqual(logs, ['verbose Hostname redis-1 resolved to 10.0.0.1']);
});

test('host-resolver: a lookup without an answer fails at the timeout with ARGUS_ERR_DNS_TIMEOUT', async (t) => {
  const { timers, logs, resolver } = setup(2_000);
  const r = watch(resolver.resolve('slow.example'));
  timers.advance(1_999);
  await settle();
  t.false(r.done);
  timers.advance(1);
  await settle();
  t.true(r.done);
  t.true(isArgusError(r.error, 'ARGUS_ERR_DNS_TIMEOUT'));
  t.like((r.error as { context: object }).context, { host: 'slow.example', timeoutMs: 2_000 });
  t.deepEqual(logs, [
    "warning Can't resolve hostname slow.example: DNS lookup timed out after 2000 ms; its links stay down until it resolves",
  ]);
});

test('host-resolver: a failed or timed-out re-resolve falls back to the last good address', async (t) => {
  const { timers, dns, logs, resolver } = setup();
  const first = resolver.resolve('redis-1');
  dns.answer('redis-1', '10.0.0.1');
  t.is(await first, '10.0.0.1');

  const timedOut = watch(resolver.resolve('redis-1'));
  timers.advance(2_000);
  await settle();
  t.deepEqual(timedOut, { value: '10.0.0.1', done: true });

  dns.fail('redis-1', 'ENOTFOUND');
  const failed = watch(resolver.resolve('redis-1'));
  dns.fail('redis-1', 'ENOTFOUND');
  await settle();
  t.deepEqual(failed, { value: '10.0.0.1', done: true });
  t.is(resolver.cached('redis-1'), '10.0.0.1');
  t.deepEqual(logs.slice(1), [
    "warning Can't resolve hostname redis-1: DNS lookup timed out after 2000 ms; connecting to its last known address 10.0.0.1",
    "warning Can't resolve hostname redis-1: Name or service not known (ENOTFOUND); connecting to its last known address 10.0.0.1",
  ]);
});

test('host-resolver: a name the resolver does not know rejects with ARGUS_ERR_DNS_LOOKUP', async (t) => {
  const { dns, resolver } = setup();
  const r = watch(resolver.resolve('nope.example'));
  dns.fail('nope.example', 'ENOTFOUND');
  await settle();
  t.true(isArgusError(r.error, 'ARGUS_ERR_DNS_LOOKUP'));
  t.like((r.error as { context: object }).context, { host: 'nope.example', code: 'ENOTFOUND' });
});

test('host-resolver: one lookup in flight per name, however many callers and retries', async (t) => {
  const { timers, dns, resolver } = setup();
  const a = watch(resolver.resolve('redis-1'));
  const b = watch(resolver.resolve('Redis-1'));
  t.deepEqual(dns.calls, ['redis-1']);
  // the callers time out; the lookup is still in flight, so retries join it
  timers.advance(2_000);
  await settle();
  t.true(isArgusError(a.error, 'ARGUS_ERR_DNS_TIMEOUT'));
  t.true(isArgusError(b.error, 'ARGUS_ERR_DNS_TIMEOUT'));
  const retry = watch(resolver.resolve('redis-1'));
  t.deepEqual(dns.calls, ['redis-1'], 'no second lookup while the first is unanswered');
  dns.answer('redis-1', '10.0.0.1');
  await settle();
  t.deepEqual(retry, { value: '10.0.0.1', done: true });
  // once it has settled, the next connect resolves afresh
  void resolver.resolve('redis-1').catch(() => {});
  t.deepEqual(dns.calls, ['redis-1', 'redis-1']);
  // another name is looked up independently
  void resolver.resolve('redis-2').catch(() => {});
  t.deepEqual(dns.calls, ['redis-1', 'redis-1', 'redis-2']);
});

test('host-resolver: an answer that comes after the timeout still refreshes the cache', async (t) => {
  const { timers, dns, resolver } = setup();
  const r = watch(resolver.resolve('late.example'));
  timers.advance(2_000);
  await settle();
  t.true(isArgusError(r.error, 'ARGUS_ERR_DNS_TIMEOUT'));
  t.is(resolver.cached('late.example'), undefined);
  dns.answer('late.example', '10.0.0.9');
  await settle();
  t.is(resolver.cached('late.example'), '10.0.0.9');
});

test('host-resolver: logs on change only, not once per retry', async (t) => {
  const { timers, dns, logs, resolver } = setup();
  for (let i = 0; i < 5; i++) {
    const r = watch(resolver.resolve('flaky.example'));
    timers.advance(2_000);
    dns.fail('flaky.example', 'ETIMEOUT');
    await settle();
    t.true(r.done);
  }
  t.is(logs.length, 1, logs.join('\n'));
  const ok = resolver.resolve('flaky.example');
  dns.answer('flaky.example', '10.0.0.2');
  await ok;
  const again = resolver.resolve('flaky.example');
  dns.answer('flaky.example', '10.0.0.2');
  await again;
  const moved = resolver.resolve('flaky.example');
  dns.answer('flaky.example', '10.0.0.3');
  await moved;
  t.deepEqual(logs.slice(1), [
    'notice Hostname flaky.example resolves again, to 10.0.0.2',
    'notice Hostname flaky.example now resolves to 10.0.0.3 (was 10.0.0.2)',
  ]);
});

test('host-resolver: onChange tells when a name resolves first, or to another IP, never for the same answer', async (t) => {
  const dns = new FakeDns();
  const changes: string[] = [];
  const resolver = new HostResolver({ lookup: dns.lookup, onChange: (host, ip) => changes.push(`${host} ${ip}`) });
  for (const ip of ['10.0.0.2', '10.0.0.2', '10.0.0.3']) {
    const p = resolver.resolve('Redis-1.example');
    dns.answer('Redis-1.example', ip);
    await p;
  }
  await resolver.resolve('10.0.0.9');
  t.deepEqual(changes, ['redis-1.example 10.0.0.2', 'redis-1.example 10.0.0.3']);
});

test('host-resolver: a lookup function that throws synchronously is a failed lookup', async (t) => {
  const resolver = new HostResolver({
    lookup: () => {
      throw Object.assign(new Error('bad'), { code: 'EINVAL' });
    },
  });
  const e = await t.throwsAsync(resolver.resolve('x.example'));
  t.true(isArgusError(e, 'ARGUS_ERR_DNS_LOOKUP'));
});

test('host-resolver: the cache keeps at most maxEntries names, dropping the oldest', async (t) => {
  const dns = new FakeDns();
  const resolver = new HostResolver({ lookup: dns.lookup, maxEntries: 2 });
  for (const [h, ip] of [['a', '10.0.0.1'], ['b', '10.0.0.2'], ['c', '10.0.0.3']] as const) {
    const p = resolver.resolve(h);
    dns.answer(h, ip);
    await p;
  }
  t.is(resolver.cached('a'), undefined);
  t.is(resolver.cached('b'), '10.0.0.2');
  t.is(resolver.cached('c'), '10.0.0.3');
});

test('host-resolver: argus-dns-servers queries those servers (c-ares), A records, NXDOMAIN and hangs', async (t) => {
  const server = await FakeDnsServer.start({ 'redis.argus.test': '127.0.0.9' }, { delayMs: 100 });
  t.teardown(() => server.close());
  server.hang.add('hang.argus.test');
  const logs: string[] = [];
  const resolver = HostResolver.fromSettings({ timeoutMs: 1_000, servers: [server.address] }, { log: (l, m) => logs.push(`${l} ${m}`) });
  t.is(await resolver.resolve('redis.argus.test'), '127.0.0.9');
  t.deepEqual(server.queriesFor('redis.argus.test').map((q) => q.type), ['A']);

  const missing = await t.throwsAsync(resolver.resolve('missing.argus.test'));
  t.true(isArgusError(missing, 'ARGUS_ERR_DNS_LOOKUP'), String(missing));
  t.like((missing as unknown as { context: object }).context, { code: 'ENOTFOUND' });

  const t0 = Date.now();
  const hung = await t.throwsAsync(resolver.resolve('hang.argus.test'));
  t.true(isArgusError(hung, 'ARGUS_ERR_DNS_TIMEOUT'), String(hung));
  t.true(Date.now() - t0 >= 950);
  // c-ares gives up later (Node checks its timeouts once a second): that failure is the same
  // timed-out state, so a retry that joins the query logs nothing new
  await t.throwsAsync(resolver.resolve('hang.argus.test'));
  t.is(logs.filter((l) => l.includes('hang.argus.test')).length, 1, logs.join('\n'));
});

test('host-resolver: configure() keeps the cache when the settings change', async (t) => {
  const dns = new FakeDns();
  const resolver = new HostResolver({ lookup: dns.lookup });
  const p = resolver.resolve('redis-1');
  dns.answer('redis-1', '10.0.0.1');
  await p;
  resolver.configure({ timeoutMs: 500, servers: ['127.0.0.1:1'] });
  t.is(resolver.timeoutMs, 500);
  t.is(resolver.cached('redis-1'), '10.0.0.1');
});
