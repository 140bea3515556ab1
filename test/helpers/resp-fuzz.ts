import fc from 'fast-check';
import { CommandReader, type ReaderLimits, type ReaderResult } from '../../src/resp/command-reader.js';

/**
 * RESP generators shared by the codec and the server fuzz tests: valid requests, the byte
 * mutations applied to them, and random chunk splits.
 */

export const encode = (argv: readonly Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from(`*${argv.length}\r\n`),
    ...argv.flatMap((a) => [Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n')]),
  ]);

export const bytes = (max = 40): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));

/** A valid multibulk request: any bytes in its arguments. */
export const multibulk = fc.array(bytes(), { minLength: 1, maxLength: 6 }).map((argv) => ({ argv, frame: encode(argv) }));

/** A valid inline request: words without quotes, blanks or NUL, `\n` or `\r\n` terminated; not starting with `*`. */
export const inlineWord = fc.stringMatching(/^[A-Za-z0-9_.:!@#$%^&()\-+=]{1,12}$/);
export const inline = fc
  .tuple(fc.array(inlineWord, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), fc.constantFrom(' ', '  ', '\t'))
  .filter(([words]) => !words[0]!.startsWith('*'))
  .map(([words, eol, sep]) => ({ argv: words.map((w) => Buffer.from(w, 'latin1')), frame: Buffer.from(words.join(sep) + eol, 'latin1') }));

export const request = fc.oneof(multibulk, inline);

/** Nasty fragments spliced into frames: huge and negative lengths, nesting, stray terminators, NUL. */
export const NASTY = [
  '*2147483648\r\n', '*2147483647\r\n', '*9223372036854775808\r\n', '*-1\r\n', '*-2147483649\r\n', '*0\r\n',
  '$99999999999\r\n', '$536870912\r\n', '$536870913\r\n', '$-1\r\n', '$-0\r\n', '$01\r\n', '$+1\r\n',
  '*1\r\n*1\r\n*1\r\n*1\r\n', '*1\r\n'.repeat(50), '\r', '\n', '\r\n', '\n\r', '\0', '"', "'", '"\\x4', '\\',
  '*', '$', '*1\r', '$3\r\nab', ':1\r\n', '+OK\r\n', '*1\r\n$4\r\nPING', `*1\r\n$${2 ** 31}\r\n`,
].map((s) => Buffer.from(s, 'latin1'));

export type Mutation =
  | { readonly t: 'flip'; readonly at: number; readonly byte: number }
  | { readonly t: 'truncate'; readonly at: number }
  | { readonly t: 'insert'; readonly at: number; readonly what: Buffer }
  | { readonly t: 'delete'; readonly at: number; readonly n: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('flip' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 10, 13, 0x2a, 0x24, 0x22)) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ t: fc.constant('insert' as const), at: fc.nat(), what: fc.oneof(fc.constantFrom(...NASTY), bytes(8)) }),
  fc.record({ t: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 4 }) }),
);

export function mutate(input: Buffer, m: Mutation): Buffer {
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
export const cuts = fc.array(fc.nat(), { maxLength: 12 });

export function split(input: Buffer, at: readonly number[]): Buffer[] {
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


/** Every protocol error text networking.c can send (the ones query-limits.test.ts compares with redis-sentinel). */
export const PROTOCOL_ERRORS =
  /^Protocol error: (too big inline request|unbalanced quotes in request|too big mbulk count string|invalid multibulk length|unauthenticated multibulk length|too big bulk count string|expected '\$', got '[^]?'|invalid bulk length|unauthenticated bulk length)$/;

/** next() calls allowed per push: far more than any chunk can hold commands; past it the reader is looping. */
export const MAX_STEPS = 100_000;

export interface Outcome {
  readonly commands: string[][];
  readonly error: string | null;
}

/** Feeds the chunks, draining after each; checks the step bound and the memory bound as it goes. */
export function feed(chunks: readonly Buffer[], limits: ReaderLimits = {}): Outcome {
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

