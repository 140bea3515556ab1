import test from 'ava';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { SENTINEL_MODE_COMMANDS } from '../../src/config/sentinel-commands.js';
import { freePort } from '../helpers/ports.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient, type Value } from '../helpers/raw-client.js';
import { recordScore } from '../helpers/scorecard.js';
import { cuts, encode, feed, inlineWord, mutate, mutation, NASTY, split } from '../helpers/resp-fuzz.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Server fuzzing (issue 16, "Input fuzzing"): random and mutated requests, pipelined and in
 * random chunks, some left partial and closed, sent to a running Argus over real sockets.
 * Which commands and which protocol error Argus must see is worked out with the same
 * CommandReader (its properties are fuzzed in test/unit/fuzz/); here each command gets one
 * reply, errors are Redis's, a protocol error is the last reply before the close, the process
 * stays up (a fresh PING gets PONG after every case) and its RSS comes back near its baseline.
 * redis-sentinel gets the same cases in the same run, for the scorecard: it must stay up too
 * (its replies are Redis's by definition, so only Argus's are checked against the model).
 */

let argus: SentinelProc;
let redis: SentinelProc;

test.before(async () => {
  const nobody = await freePort();
  const config = `sentinel monitor mymaster 127.0.0.1 ${nobody} 2\nsentinel down-after-milliseconds mymaster 600000\n`;
  [argus, redis] = await Promise.all([startSentinel(config), startSentinel(config, { impl: 'redis' })]);
});

test.after.always(async () => {
  await Promise.all([argus?.cleanup(), redis?.cleanup()]);
});

const MB = 1024 * 1024;
/** VmRSS of a process in bytes. */
const rss = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024;

/** Commands the fuzzer may send: reads only, nothing that changes state, the protocol or the reply count. */
const SAFE: Readonly<Record<string, readonly string[] | null>> = {
  ping: null, echo: null, info: null, role: null, command: ['count', 'info', 'docs'],
  client: ['getname', 'id', 'setname', 'info'],
  sentinel: ['masters', 'master', 'replicas', 'slaves', 'sentinels', 'get-master-addr-by-name', 'myid', 'info-cache', 'pending-scripts'],
};

/** Unknown commands (one `-ERR unknown command` each) are safe; a known one only when listed in SAFE. */
function isSafe(argv: readonly string[]): boolean {
  const name = argv[0]!.toLowerCase();
  if (!Object.hasOwn(SENTINEL_MODE_COMMANDS, name) && name !== 'echo') return true;
  if (!Object.hasOwn(SAFE, name)) return false;
  const subs = SAFE[name]!;
  return subs === null || (argv.length > 1 && subs.includes(argv[1]!.toLowerCase()));
}

const text = fc.oneof(inlineWord, fc.constantFrom('mymaster', 'nosuch', ''), fc.uint8Array({ maxLength: 24 }).map((u) => Buffer.from(u).toString('latin1')));
const safeArgv: fc.Arbitrary<string[]> = fc.oneof(
  fc.constantFrom('PING', 'INFO', 'ROLE', 'COMMAND COUNT', 'SENTINEL MASTERS', 'SENTINEL MYID', 'CLIENT ID').map((s) => s.split(' ')),
  fc.tuple(fc.constantFrom('PING', 'ECHO'), text).map((a) => [...a]),
  fc.tuple(fc.constantFrom('MASTER', 'REPLICAS', 'SENTINELS', 'GET-MASTER-ADDR-BY-NAME'), text).map(([sub, name]) => ['SENTINEL', sub, name]),
  fc.tuple(inlineWord, fc.array(text, { maxLength: 3 })).map(([w, rest]) => [`x-${w}`, ...rest]),
);
/** Words that survive an inline request go inline half of the time; the rest go multibulk. */
const frame = fc.tuple(safeArgv, fc.boolean()).map(([argv, inline]) =>
  inline && argv.every((a) => /^[A-Za-z0-9_.:!@#$%^&()\-+=]+$/.test(a))
    ? Buffer.from(`${argv.join(' ')}\r\n`, 'latin1')
    : encode(argv.map((a) => Buffer.from(a, 'latin1'))));

const fuzzCase = fc.record({
  frames: fc.array(fc.oneof({ weight: 6, arbitrary: frame }, { weight: 1, arbitrary: fc.constantFrom(...NASTY) }), { minLength: 1, maxLength: 10 }),
  mutations: fc.array(mutation, { maxLength: 3 }),
  cuts,
  /** close right after sending, without reading a reply */
  abandon: fc.boolean(),
});

type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

const isError = (v: Value): v is { error: string } => typeof v === 'object' && v !== null && 'error' in v;

/** Sends the case to redis-sentinel, reads until it closes or answers as often as Argus must, and checks it still answers PING. */
async function runCaseOnRedis(input: Buffer, c: FuzzCase, replies: number): Promise<void> {
  const client = await RawClient.open(redis.port);
  try {
    for (const chunk of split(input, c.cuts)) client.send(chunk);
    if (!c.abandon) for (let i = 0; i < replies; i++) await client.read();
  } catch {
    // a protocol error closes the connection, as it does on Argus
  } finally {
    client.close();
  }
  await ping(redis, 'redis-sentinel');
}

async function ping(p: SentinelProc, who: string): Promise<void> {
  assert.equal(p.child.exitCode, null, `${who} is running`);
  const probe = await RawClient.open(p.port);
  try {
    assert.equal((await probe.call('PING')).raw, '+PONG\r\n');
  } finally {
    probe.close();
  }
}

async function runCase(c: FuzzCase): Promise<void> {
  const input = c.mutations.reduce(mutate, Buffer.concat(c.frames));
  const expected = feed([input]);
  fc.pre(expected.commands.every(isSafe));
  await runCaseOnRedis(input, c, expected.commands.length + (expected.error === null ? 0 : 1));
  const client = await RawClient.open(argus.port);
  try {
    for (const chunk of split(input, c.cuts)) {
      client.send(chunk);
      await new Promise(setImmediate);
    }
    if (c.abandon) return;
    for (const argv of expected.commands) {
      const { raw, value } = await client.read();
      if (isError(value)) {
        assert.match(raw, /^-(ERR|NOAUTH|WRONGPASS|NOPERM) /, `reply to ${JSON.stringify(argv)}`);
        assert.doesNotMatch(raw, /internal error/, `reply to ${JSON.stringify(argv)}`);
      }
    }
    if (expected.error !== null) {
      // addReplyError turns a CR or LF inside the text (`got '\r'`) into a space
      assert.equal((await client.read()).raw, `-ERR ${expected.error.replace(/[\r\n]/g, ' ')}\r\n`);
      await client.waitClosed();
    }
  } finally {
    client.close();
  }
  await ping(argus, 'Argus');
}

test.serial('fuzz server: random and mutated requests get Redis replies, and Argus stays up and answers PING', async (t) => {
  let run = 0;
  await fc.assert(fc.asyncProperty(fuzzCase, async (c) => {
    run++;
    await runCase(c);
  }), fuzzParams(300, 8_000));
  t.log(`${run} cases`);
  t.true(run > 0);
  recordScore({
    id: 'input/resp-fuzz',
    group: 'Input',
    fault: 'random and mutated RESP requests (huge lengths, bad bytes, inline and multibulk), pipelined, cut into random chunks, some abandoned half sent',
    holds: 'one reply per command with Redis\'s error texts, a protocol error is the last reply before the close, the process answers PING after every case',
    argus: `${run} cases, every reply as Redis gives it, up after each`,
    sentinel: `the same ${run} cases: up after each`,
    verdict: 'same',
    figures: { cases: run },
  });
});

/** 8 clients each announce 512 MB (proto-max-bulk-len), some under a 2^31-1 count, send 2 MB of it, and close. */
async function hugeLengthRound(port: number, probe: RawClient): Promise<void> {
  const heavy = await Promise.all(Array.from({ length: 8 }, () => RawClient.open(port)));
  for (const [i, c] of heavy.entries()) {
    c.send(i % 2 === 0 ? '*1\r\n$536870912\r\n' : '*2147483647\r\n$536870912\r\n');
    c.send(Buffer.alloc(2 * MB, 0x61));
  }
  // CLIENT LIST shows each partial request held in its query buffer
  await waitFor(async () => (await probe.call('CLIENT', 'LIST')).raw.split('\n').filter((l) => /(qbuf|argv-mem)=\d{6,} /.test(l)).length >= 8,
    { what: 'the 8 partial requests buffered', timeout: 5_000 });
  for (const c of heavy) c.close();
  await waitFor(async () => !/(qbuf|argv-mem)=\d{6,} /.test((await probe.call('CLIENT', 'LIST')).raw), { what: 'the 8 clients gone', timeout: 5_000 });
}

/** a collection after large query buffers close runs within a second (src/runtime/reclaim.ts) */
const SETTLE_MIN_MS = 1_200;

/** RSS (bytes) once it has moved less than 1 MB over a second, at least SETTLE_MIN_MS after the last client went. */
async function settledRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, SETTLE_MIN_MS));
  let last = -Infinity;
  await waitFor(() => {
    const now = rss(pid);
    const still = Math.abs(now - last) < MB;
    last = now;
    return still;
  }, { what: 'RSS to settle', interval: 1_000, timeout: 10_000 });
  return last;
}

/**
 * RSS of a sentinel (MB): settled after three warm-up rounds (heap and allocator pools at their
 * working size), the highest right after each of 10 more rounds, and settled again after them.
 */
async function hugeLengthRss(p: SentinelProc): Promise<{ base: number; peak: number; after: number }> {
  const pid = p.child.pid!;
  const probe = await RawClient.open(p.port);
  try {
    for (let round = 0; round < 3; round++) await hugeLengthRound(p.port, probe);
    const base = await settledRss(pid);
    let peak = base;
    for (let round = 0; round < 10; round++) {
      await hugeLengthRound(p.port, probe);
      peak = Math.max(peak, rss(pid));
    }
    const after = await settledRss(pid);
    assert.equal((await probe.call('PING')).raw, '+PONG\r\n');
    return { base: base / MB, peak: peak / MB, after: after / MB };
  } finally {
    probe.close();
  }
}

test.serial('fuzz server: RSS stays bounded over rounds of clients that announce huge lengths, send part and close', async (t) => {
  // A closed client's query buffer is freed at the next GC, which an idle process may put off
  // for minutes: RSS then saws up and down by ~40 MB (measured over 20 rounds, 320 MB sent:
  // 120-159 MB). Argus collects after such a close (src/runtime/reclaim.ts), and holds a large
  // bulk in blocks the allocator maps apart and unmaps when freed (src/resp/command-reader.ts),
  // so once settled RSS is at its baseline; keeping the 160 MB sent, or any of it per client,
  // would climb past the bound.
  const a = await hugeLengthRss(argus);
  const r = await hugeLengthRss(redis);
  const show = (x: typeof a) => `RSS base ${Math.round(x.base)} MB, peak ${Math.round(x.peak)} MB, settled ${Math.round(x.after)} MB`;
  t.log(`Argus ${show(a)}; redis-sentinel ${show(r)}`);
  t.true(a.peak <= a.base + 64, `peak ${Math.round(a.peak)} MB within 64 MB of ${Math.round(a.base)} MB`);
  // settled 74 MB after bases of 77-87 MB in three runs; with the socket's chunks kept instead,
  // 0-36 MB stayed, as many as the C heap could not hand back
  t.true(a.after <= a.base + 64, `settled ${Math.round(a.after)} MB within 64 MB of ${Math.round(a.base)} MB`);
  recordScore({
    id: 'input/huge-lengths',
    group: 'Input',
    fault: '8 clients at a time announce 512 MB bulks, send 2 MB of each and close; 13 rounds (208 MB)',
    holds: 'only what arrives is held, not the announced length; memory back near its baseline once settled after the clients go (within 64 MB), PING answered',
    argus: `${show(a)}: ${Math.round(a.after - a.base)} MB kept`,
    sentinel: `${show(r)}: ${Math.round(r.after - r.base)} MB kept`,
    // what counts is what stays after the clients went, not the baseline (a V8 heap against C)
    verdict: a.after - a.base <= Math.max(4, r.after - r.base) ? 'same' : 'worse',
    figures: {
      argusBaseMB: Math.round(a.base), argusPeakMB: Math.round(a.peak), argusAfterMB: Math.round(a.after),
      sentinelBaseMB: Math.round(r.base), sentinelPeakMB: Math.round(r.peak), sentinelAfterMB: Math.round(r.after),
    },
  });
});
