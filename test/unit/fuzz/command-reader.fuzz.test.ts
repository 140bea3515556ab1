import test from 'ava';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandReader, type ReaderLimits, type ReaderResult } from '../../../src/resp/command-reader.js';
import { FUZZ_PARAMS, fuzzParams } from '../../helpers/fuzz.js';

/**
 * Property-based fuzzing of the request reader (issue 16, "Input fuzzing"): valid frames, then
 * the same frames mutated, fed in random chunk splits. Whatever arrives, the reader only ever
 * answers a command, `need-more` or one of its protocol errors (Redis's texts), never throws,
 * never loops, never answers more commands than the bytes can frame, and never reserves memory
 * for a length it was only told about.
 */

/** Every protocol error text networking.c can send (the ones query-limits.test.ts compares with redis-sentinel). */
const PROTOCOL_ERRORS =
  /^Protocol error: (too big inline request|unbalanced quotes in request|too big mbulk count string|invalid multibulk length|unauthenticated multibulk length|too big bulk count string|expected '\$', got '[^]?'|invalid bulk length|unauthenticated bulk length)$/;

/** next() calls allowed per push: far more than any chunk can hold commands; past it the reader is looping. */
const MAX_STEPS = 100_000;

const encode = (argv: readonly Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from(`*${argv.length}\r\n`),
    ...argv.flatMap((a) => [Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n')]),
  ]);

const bytes = (max = 40): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));

/** A valid multibulk request: any bytes in its arguments. */
const multibulk = fc.array(bytes(), { minLength: 1, maxLength: 6 }).map((argv) => ({ argv, frame: encode(argv) }));

/** A valid inline request: words without quotes, blanks or NUL, `\n` or `\r\n` terminated; not starting with `*`. */
const inlineWord = fc.stringMatching(/^[A-Za-z0-9_.:!@#$%^&()\-+=]{1,12}$/);
const inline = fc
  .tuple(fc.array(inlineWord, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), fc.constantFrom(' ', '  ', '\t'))
  .filter(([words]) => !words[0]!.startsWith('*'))
  .map(([words, eol, sep]) => ({ argv: words.map((w) => Buffer.from(w, 'latin1')), frame: Buffer.from(words.join(sep) + eol, 'latin1') }));

const request = fc.oneof(multibulk, inline);

/** Nasty fragments spliced into frames: huge and negative lengths, nesting, stray terminators, NUL. */
const NASTY = [
  '*2147483648\r\n', '*2147483647\r\n', '*9223372036854775808\r\n', '*-1\r\n', '*-2147483649\r\n', '*0\r\n',
  '$99999999999\r\n', '$536870912\r\n', '$536870913\r\n', '$-1\r\n', '$-0\r\n', '$01\r\n', '$+1\r\n',
  '*1\r\n*1\r\n*1\r\n*1\r\n', '*1\r\n'.repeat(50), '\r', '\n', '\r\n', '\n\r', '\0', '"', "'", '"\\x4', '\\',
  '*', '$', '*1\r', '$3\r\nab', ':1\r\n', '+OK\r\n', '*1\r\n$4\r\nPING', `*1\r\n$${2 ** 31}\r\n`,
].map((s) => Buffer.from(s, 'latin1'));

type Mutation =
  | { readonly t: 'flip'; readonly at: number; readonly byte: number }
  | { readonly t: 'truncate'; readonly at: number }
  | { readonly t: 'insert'; readonly at: number; readonly what: Buffer }
  | { readonly t: 'delete'; readonly at: number; readonly n: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('flip' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 10, 13, 0x2a, 0x24, 0x22)) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('insert' as const), at: fc.nat(), what: fc.oneof(fc.constantFrom(...NASTY), bytes(8)) }),
  fc.record({ t: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 4 }) }),
);

function mutate(input: Buffer, m: Mutation): Buffer {
  const at = input.length === 0 ? 0 : m.at % (input.length + 1);
  switch (m.t) {
    case 'flip': {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      out[at % input.length] = m.byte;
      return out;
    }
    case 'truncate': return input.subarray(0, at);
    case 'insert': return Buffer.concat([input.subarray(0, at), m.what, input.subarray(at)]);
    case 'delete': return Buffer.concat([input.subarray(0, at), input.subarray(at + m.n)]);
  }
}

/** Random cut points: the input fed as chunks between them. */
const cuts = fc.array(fc.nat(), { maxLength: 12 });

function split(input: Buffer, at: readonly number[]): Buffer[] {
  const points = [...new Set(at.map((a) => (input.length === 0 ? 0 : a % input.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(input.subarray(from, p));
    from = Math.max(from, p);
  }
  out.push(input.subarray(from));
  return out;
}

interface Outcome {
  readonly commands: string[][];
  readonly error: string | null;
}

/** Feeds the chunks, draining after each; checks the step bound and the memory bound as it goes. */
function feed(chunks: readonly Buffer[], limits: ReaderLimits = {}): Outcome {
  const reader = new CommandReader(limits);
  const commands: string[][] = [];
  let pushed = 0;
  for (const chunk of chunks) {
    reader.push(chunk);
    pushed += chunk.length;
    // Capacity at most doubles what was received: a declared length reserves nothing.
    const held = reader.freeBytes() + reader.bufferedBytes();
    if (held > Math.max(16 * 1024, 2 * pushed)) throw new Error(`reader holds ${held} bytes after ${pushed} received`);
    for (let steps = 0; ; steps++) {
      if (steps > MAX_STEPS) throw new Error('reader did not settle: looping');
      const r: ReaderResult = reader.next();
      if (r.kind === 'need-more') break;
      if (r.kind === 'error') return { commands, error: r.message };
      if (r.argv.length === 0) throw new Error('empty command returned');
      commands.push(r.argv);
    }
  }
  return { commands, error: null };
}

const count = (b: Buffer, byte: number): number => b.reduce((n, c) => n + (c === byte ? 1 : 0), 0);
const latin1 = (argv: readonly Buffer[]): string[] => argv.map((a) => a.toString('latin1'));

test('fuzz command-reader: valid pipelined requests give the same argv whole and in any chunk split', (t) => {
  fc.assert(
    fc.property(fc.array(request, { minLength: 1, maxLength: 8 }), cuts, (reqs, at) => {
      const input = Buffer.concat(reqs.map((r) => r.frame));
      const expected = reqs.map((r) => latin1(r.argv));
      const whole = feed([input]);
      const chunked = feed(split(input, at));
      assert.deepEqual(whole, { commands: expected, error: null });
      assert.deepEqual(chunked, whole);
    }),
    FUZZ_PARAMS,
  );
  t.pass();
});

test('fuzz command-reader: a valid request split at every byte offset gives the same argv', (t) => {
  fc.assert(
    fc.property(request, (r) => {
      const want = { commands: [latin1(r.argv)], error: null };
      for (let i = 0; i <= r.frame.length; i++) {
        assert.deepEqual(feed([r.frame.subarray(0, i), r.frame.subarray(i)]), want);
      }
      // and byte by byte
      assert.deepEqual(feed([...r.frame].map((b) => Buffer.of(b))), want);
    }),
    fuzzParams(100),
  );
  t.pass();
});

test('fuzz command-reader: mutated requests give commands or a Redis protocol error, the same in any chunk split', (t) => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(
      fc.array(request, { minLength: 1, maxLength: 5 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      cuts,
      fc.boolean(),
      (reqs, muts, at, unauth) => {
        const input = muts.reduce(mutate, Buffer.concat(reqs.map((r) => r.frame)));
        const limits: ReaderLimits = { authRequired: () => unauth };
        const whole = feed([input], limits);
        if (whole.error !== null) assert.match(whole.error, PROTOCOL_ERRORS);
        seen.add(whole.error ?? (whole.commands.length > 0 ? 'commands' : 'nothing'));
        // every command needs a header line ended by \r (multibulk) or a \n (inline)
        assert.ok(whole.commands.length <= count(input, 0x0d) + count(input, 0x0a));
        assert.deepEqual(feed(split(input, at), limits), whole);
      },
    ),
    FUZZ_PARAMS,
  );
  // the mutations reach the error paths, not only the happy one
  t.true(seen.size >= 5, [...seen].join(', '));
});

test('fuzz command-reader: random bytes give commands or a Redis protocol error', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(bytes(64), fc.constantFrom(...NASTY)), { maxLength: 12 }).map((parts) => Buffer.concat(parts)),
      cuts,
      (input, at) => {
        const whole = feed([input]);
        if (whole.error !== null) assert.match(whole.error, PROTOCOL_ERRORS);
        assert.ok(whole.commands.length <= count(input, 0x0d) + count(input, 0x0a));
        assert.deepEqual(feed(split(input, at)), whole);
      },
    ),
    FUZZ_PARAMS,
  );
  t.pass();
});

test('fuzz command-reader: a huge declared length followed by some payload reserves nothing and waits', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom('*1\r\n$536870912\r\n', '*3\r\n$3\r\nSET\r\n$400000000\r\n', '*2147483647\r\n$536870912\r\n'),
      fc.integer({ min: 0, max: 200_000 }),
      cuts,
      (header, payload, at) => {
        const input = Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(payload, 0x61)]);
        assert.deepEqual(feed(split(input, at)), { commands: [], error: null });
      },
    ),
    fuzzParams(30),
  );
  t.pass();
});
