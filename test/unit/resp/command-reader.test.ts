import test from 'ava';
import { CommandReader, parseLongLong, type ReaderLimits } from '../../../src/resp/command-reader.js';

/** What a reader yields for some input: each command's argv, then the error (if any). */
type Outcome = string[] | { error: string };

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function drain(r: CommandReader, out: Outcome[]): boolean {
  for (;;) {
    const x = r.next();
    if (x.kind === 'need-more') return false;
    if (x.kind === 'error') {
      out.push({ error: x.message });
      return true;
    }
    out.push(x.argv);
  }
}

/** The input pushed `size` bytes at a time: what came out, and the bytes still buffered. */
function inPieces(input: Buffer, size: number): { out: Outcome[]; left: number } {
  const r = new CommandReader();
  const out: Outcome[] = [];
  for (let i = 0; i < input.length; i += size) {
    r.push(input.subarray(i, i + size));
    drain(r, out);
  }
  return { out, left: r.bufferedBytes() };
}

function feed(chunks: Buffer[], limits?: ReaderLimits): Outcome[] {
  const r = new CommandReader(limits);
  const out: Outcome[] = [];
  for (const c of chunks) {
    r.push(c);
    if (drain(r, out)) break;
  }
  return out;
}

const whole = (input: string, limits?: ReaderLimits) => feed([bytes(input)], limits);
const byteByByte = (input: string, limits?: ReaderLimits) =>
  feed([...bytes(input)].map((b) => Buffer.from([b])), limits);
const splitAt = (input: string, at: number, limits?: ReaderLimits) => {
  const b = bytes(input);
  return feed([b.subarray(0, at), b.subarray(at)], limits);
};

/** Whole, byte by byte, and split in two at every offset: all must give `expected`. */
function checkAllWays(t: import('ava').ExecutionContext, input: string, expected: Outcome[], limits?: ReaderLimits) {
  t.deepEqual(whole(input, limits), expected, 'whole');
  t.deepEqual(byteByByte(input, limits), expected, 'byte by byte');
  for (let i = 1; i < input.length; i++) t.deepEqual(splitAt(input, i, limits), expected, `split at ${i}`);
}

const VECTORS: [title: string, input: string, expected: Outcome[]][] = [
  ['one multibulk command', '*1\r\n$4\r\nPING\r\n', [['PING']]],
  ['a payload holding CRLF', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$7\r\na\r\nb\r\nc\r\n', [['SET', 'k', 'a\r\nb\r\nc']]],
  ['an empty bulk', '*1\r\n$0\r\n\r\n', [['']]],
  ['binary bytes kept as latin1', '*1\r\n$4\r\n\x00\x01\xff\r\r\n', [['\x00\x01\xff\r']]],
  ['pipelined commands in order', '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n', [['PING'], ['ECHO', 'hi'], ['PING']]],
  // networking.c skips the two bytes after a payload without checking them
  ['unchecked bytes after a payload', '*1\r\n$4\r\nPINGxx\r\n$4', [['PING']]],
  // ... and the byte after the header's \r
  ['unchecked byte after a header CR', '*1\rX$4\r\nPING\r\n', [['PING']]],
  ['zero and negative counts are no command', '*0\r\n*-5\r\nPING\r\n', [['PING']]],
  ['the smallest long long count is no command', '*-9223372036854775808\r\nPING\r\n', [['PING']]],
  ['inline lines with LF or CRLF, blank lines skipped', 'PING\nPING\r\n\r\n\n   \r\nping "a b"\r\n', [['PING'], ['PING'], ['ping', 'a b']]],
  ['inline whitespace', '  ping  \t hi  \r\n', [['ping', 'hi']]],
  ['inline quoting and escapes', 'set "a\\x41\\n" \'it\\\'s\'\r\n', [['set', 'aA\n', "it's"]]],
  ['a huge count only waits', '*2147483647\r\n', []],
  // strchr stops at NUL: the terminator behind it is never seen
  ['a NUL in a header hides its CR', '*1\r\n\x00\r\n', []],
  ['a NUL in an inline line hides its LF', 'PING a\x00b c\r\n', []],
  ['a partial command only waits', '*2\r\n$4\r\nECHO\r\n$5\r\nhel', []],
];

for (const [title, input, expected] of VECTORS) {
  test(`command-reader: ${title}`, (t) => checkAllWays(t, input, expected));
}

const invalidMbulk = { error: 'Protocol error: invalid multibulk length' };
const invalidBulk = { error: 'Protocol error: invalid bulk length' };

const ERRORS: [title: string, input: string, expected: Outcome[]][] = [
  ['a count with no digits', '*\r\n', [invalidMbulk]],
  ['a count with a leading zero', '*01\r\n', [invalidMbulk]],
  ['a count of -0', '*-0\r\n', [invalidMbulk]],
  ['a count with a plus sign', '*+1\r\n', [invalidMbulk]],
  ['a count with a trailing space', '*1 \r\n', [invalidMbulk]],
  ['a count above INT_MAX', '*3000000000\r\n', [invalidMbulk]],
  ['a count of 21 digits', '*100000000000000000000\r\n', [invalidMbulk]],
  ['a count below LLONG_MIN', '*-9223372036854775809\r\n', [invalidMbulk]],
  ['commands before a bad count still run', 'PING\r\nPING\r\n*x\r\nPING\r\n', [['PING'], ['PING'], invalidMbulk]],
  ['an argument without $', '*1\r\nx\r\n', [{ error: "Protocol error: expected '$', got 'x'" }]],
  ['an integer where a bulk belongs', '*2\r\n$4\r\nPING\r\n:1\r\n', [{ error: "Protocol error: expected '$', got ':'" }]],
  // the writer turns the LF into a space, as Redis's error path does
  ['an empty argument line', '*1\r\n\n\r\n', [{ error: "Protocol error: expected '$', got '\n'" }]],
  ['a negative bulk length', '*1\r\n$-1\r\n', [invalidBulk]],
  ['a bulk length with no digits', '*1\r\n$\r\n', [invalidBulk]],
  ['a bulk length with a leading zero', '*1\r\n$04\r\nPING\r\n', [invalidBulk]],
  ['a bulk length above proto-max-bulk-len', '*1\r\n$536870913\r\n', [invalidBulk]],
  ['an unterminated double quote', 'ping "a\r\n', [{ error: 'Protocol error: unbalanced quotes in request' }]],
  ['a closing quote followed by a letter', "ping 'a'b\r\n", [{ error: 'Protocol error: unbalanced quotes in request' }]],
];

for (const [title, input, expected] of ERRORS) {
  test(`command-reader: protocol error for ${title}`, (t) => checkAllWays(t, input, expected));
}

test('command-reader: unauthenticated clients may send at most 10 arguments of 16 KB', (t) => {
  const limits = { authRequired: () => true };
  checkAllWays(t, '*11\r\n', [{ error: 'Protocol error: unauthenticated multibulk length' }], limits);
  checkAllWays(t, '*1\r\n$16385\r\n', [{ error: 'Protocol error: unauthenticated bulk length' }], limits);
  t.deepEqual(whole('*10\r\n', limits), []);
  t.deepEqual(whole(`*1\r\n$16384\r\n${'a'.repeat(16384)}\r\n`, limits), [['a'.repeat(16384)]]);
  // once authenticated the caps are gone
  t.deepEqual(whole(`*1\r\n$16385\r\n${'a'.repeat(16385)}\r\n`, { authRequired: () => false }), [['a'.repeat(16385)]]);
});

test('command-reader: too big inline request past 64 KB without a newline', (t) => {
  const err = { error: 'Protocol error: too big inline request' };
  t.deepEqual(whole('P'.repeat(65536)), []);
  t.deepEqual(whole('P'.repeat(65537)), [err]);
  t.deepEqual(byteByByte('P'.repeat(65537)), [err]);
  t.deepEqual(whole(`PING\r\n${'P'.repeat(65537)}`), [['PING'], err]);
  // the check runs on what is buffered: a long line that arrives whole with its newline passes,
  // as it does on Redis when it fits the reads that bring it in
  t.deepEqual(whole(`${'P'.repeat(70000)}\r\n`), [['P'.repeat(70000)]]);
});

test('command-reader: too big count strings past 64 KB without a CR', (t) => {
  t.deepEqual(whole(`*${'1'.repeat(65536)}`), [{ error: 'Protocol error: too big mbulk count string' }]);
  t.deepEqual(whole(`*1\r\n$${'1'.repeat(65536)}`), [{ error: 'Protocol error: too big bulk count string' }]);
  t.deepEqual(whole(`*1\r\n${'x'.repeat(65537)}`), [{ error: 'Protocol error: too big bulk count string' }]);
  t.deepEqual(whole('*1\r\n' + '\x00'.repeat(65537)), [{ error: 'Protocol error: too big bulk count string' }]);
});

test('command-reader: limits are configurable', (t) => {
  t.deepEqual(whole('PING PING\r\n', { inlineMaxSize: 4 }), [['PING', 'PING']]);
  t.deepEqual(whole('PING PING', { inlineMaxSize: 4 }), [{ error: 'Protocol error: too big inline request' }]);
  t.deepEqual(whole('*1\r\n$5\r\n', { maxBulkLen: 4 }), [invalidBulk]);
  t.deepEqual(whole('*3\r\n', { maxMultibulkLen: 2 }), [invalidMbulk]);
});

test('command-reader: an error is final when more bytes arrive', (t) => {
  const r = new CommandReader();
  r.push(bytes('*x\r\n'));
  const first = r.next();
  r.push(bytes('PING\r\n'));
  t.deepEqual(r.next(), first);
  t.like(first, { kind: 'error', reason: 'invalid mbulk count' });
});

test('command-reader: a large payload in 1 KB pieces is parsed once, in linear time', (t) => {
  const payload = Buffer.alloc(8 * 1024 * 1024, 0x61);
  const input = Buffer.concat([bytes(`*2\r\n$3\r\nSET\r\n$${payload.length}\r\n`), payload, bytes('\r\nPING\r\n')]);
  const { out, left } = inPieces(input, 1024);
  t.is(out.length, 2);
  t.deepEqual((out[0] as string[])[0], 'SET');
  t.is((out[0] as string[])[1]!.length, payload.length);
  t.deepEqual(out[1], ['PING']);
  t.is(left, 0);
});

test('command-reader: a large bulk is gathered as sent, counted in qbuf, and joined only when whole', (t) => {
  const r = new CommandReader();
  r.push(bytes('*1\r\n$200000\r\n'));
  t.is(r.next().kind, 'need-more');
  const piece = Buffer.alloc(50_000, 0x62);
  for (let i = 0; i < 4; i++) {
    r.push(piece);
    t.is(r.next().kind, 'need-more');
    t.is(r.bufferedBytes(), (i + 1) * piece.length);
    // what is held is what was sent: no capacity reserved ahead of the bytes
    t.is(r.freeBytes(), 0);
  }
  r.push(bytes('\r\nPING\r\n'));
  const done = r.next();
  t.is(done.kind, 'command');
  t.is((done as { argv: string[] }).argv[0]!.length, 200_000);
  t.deepEqual(r.next(), { kind: 'command', argv: ['PING'] });
  t.is(r.bufferedBytes(), 0);
});

test('command-reader: a large bulk is copied out of the chunks pushed, which the caller may reuse at once', (t) => {
  const r = new CommandReader();
  r.push(bytes('*1\r\n$200000\r\n'));
  const chunk = Buffer.alloc(100_000);
  for (const fill of [0x61, 0x62]) {
    chunk.fill(fill);
    r.push(chunk);
  }
  chunk.fill(0x7a);
  r.push(bytes('\r\n'));
  const done = r.next() as { argv: string[] };
  t.is(done.argv[0], 'a'.repeat(100_000) + 'b'.repeat(100_000));
});

test('command-reader: a bulk past one 32 MiB block keeps its bytes in order, and what is pipelined after it', (t) => {
  const size = 32 * 1024 * 1024 + 100_003;
  const payload = Buffer.alloc(size);
  // every 4 KB run of bytes differs from its neighbours, so a misplaced piece shows
  for (let at = 0; at < size; at += 4096) payload.fill(0x41 + ((at / 4096) % 26), at, Math.min(at + 4096, size));
  const input = Buffer.concat([bytes(`*1\r\n$${size}\r\n`), payload, bytes('\r\nPING\r\n')]);
  // 65,531: pieces that straddle the block's end and the payload's
  const { out, left } = inPieces(input, 65_531);
  t.is(out.length, 2);
  t.true((out[0] as string[])[0] === payload.toString('latin1'));
  t.deepEqual(out[1], ['PING']);
  t.is(left, 0);
});

test('command-reader: head() samples a bulk being gathered, whether its first bytes came with the header or not', (t) => {
  for (const first of ['', 'ab']) {
    const r = new CommandReader();
    r.push(bytes(`*1\r\n$200000\r\n${first}`));
    t.is(r.next().kind, 'need-more');
    r.push(Buffer.alloc(30, 0x63));
    r.push(Buffer.alloc(50_000, 0x64));
    t.is(r.head(64).toString('latin1'), `${first}${'c'.repeat(30)}${'d'.repeat(34 - first.length)}`, `after ${JSON.stringify(first)}`);
    t.is(r.head(1).toString('latin1'), first === '' ? 'c' : 'a');
  }
});

test('command-reader: a 64 KB inline line byte by byte stays linear', (t) => {
  const line = `ECHO ${'x'.repeat(65_000)}\n`;
  t.deepEqual(byteByByte(line), [['ECHO', 'x'.repeat(65_000)]]);
});

test('command-reader: qbuf and argv-mem counters follow the request in progress', (t) => {
  const r = new CommandReader();
  r.push(bytes('*2\r\n$4\r\nECHO\r\n$5\r\nhe'));
  t.is(r.next().kind, 'need-more');
  t.is(r.pendingArgvBytes(), 4);
  t.is(r.bufferedBytes(), 2); // "he": the headers are consumed
  r.push(bytes('llo\r\n'));
  t.deepEqual(r.next(), { kind: 'command', argv: ['ECHO', 'hello'] });
  t.is(r.pendingArgvBytes(), 0);
  t.is(r.bufferedBytes(), 0);
});

test('command-reader: parseLongLong follows string2ll', (t) => {
  const p = (s: string) => parseLongLong(bytes(s), 0, s.length);
  t.is(p('0'), 0);
  t.is(p('-1'), -1);
  t.is(p('123456789012345'), 123456789012345);
  t.is(p('9223372036854775807'), 9223372036854775807n);
  t.is(p('-9223372036854775808'), -9223372036854775808n);
  for (const bad of ['', '-', '-0', '00', '01', '+1', ' 1', '1 ', '1a', '9223372036854775808', '-9223372036854775809', '100000000000000000000']) {
    t.is(p(bad), null, bad);
  }
});

test('command-reader: random chunkings of a random command stream give the same commands', (t) => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >>> 8) % n; // the low bits of this LCG are not random
  };
  const word = (max: number) => Array.from({ length: rnd(max) }, () => String.fromCharCode(rnd(256))).join('');
  const expected: string[][] = [];
  const parts: string[] = [];
  for (let i = 0; i < 400; i++) {
    if (rnd(3) === 0) {
      const args = Array.from({ length: 1 + rnd(3) }, () => `w${rnd(100_000)}`);
      parts.push(`${args.join(' ')}\r\n`);
      expected.push(args);
    } else {
      const args = Array.from({ length: 1 + rnd(4) }, () => word(rnd(10) === 0 ? 100_000 : 40));
      parts.push(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
      expected.push(args);
    }
  }
  const input = bytes(parts.join(''));
  for (let round = 0; round < 10; round++) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length;) {
      const size = 1 + rnd([3, 100, 5_000, 70_000][rnd(4)]!);
      chunks.push(input.subarray(i, i + size));
      i += size;
    }
    // compared as one string: ava's deepEqual is slow on megabytes of argv
    const got = feed(chunks);
    t.is(got.length, expected.length, `round ${round}`);
    t.true(JSON.stringify(got) === JSON.stringify(expected), `round ${round}`);
  }
});

test('command-reader: short arguments repeated, and others of the same length, come out as sent', (t) => {
  // the reader hands back a recent equal string for a short argument: equal bytes only
  const words = Array.from({ length: 2000 }, (_, i) => `m${String(i).padStart(6, '0')}`);
  words.push('\x00'.repeat(32), `${'\x00'.repeat(31)}\x01`, '\xff'.repeat(32), 'x'.repeat(33));
  const stream = [...words, ...words.reverse()];
  const input = stream.map((w) => `*2\r\n$3\r\nget\r\n$${w.length}\r\n${w}\r\n`).join('');
  const got = whole(input);
  t.is(got.length, stream.length);
  t.true(got.every((argv, i) => JSON.stringify(argv) === JSON.stringify(['get', stream[i]])));
});
