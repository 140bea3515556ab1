import test from 'ava';
import {
  atoi, formatMemory, formatPercentile, memtoull, string2d, string2ll, strtoll, strtoull,
} from '../../../src/config/c-numbers.js';

test('atoi: truncates to 32 bits after strtol, as glibc does', (t) => {
  t.is(atoi('99999999999'), 1215752191);
  t.is(atoi(' 42abc'), 42);
  t.is(atoi('abc'), 0);
  t.is(atoi('-7'), -7);
  t.is(atoi('99999999999999999999'), -1, 'strtol clamps to LONG_MAX, whose low 32 bits are -1');
});

test('strtoull: wraps negatives and clamps overflow', (t) => {
  t.is(strtoull('-1'), 2n ** 64n - 1n);
  t.is(strtoull('99999999999999999999999'), 2n ** 64n - 1n);
  t.is(strtoull('12x'), 12n);
  t.is(strtoull(''), 0n);
});

test('string2ll: refuses signs, spaces, leading zeros and overflow', (t) => {
  t.is(string2ll('0'), 0n);
  t.is(string2ll('-12'), -12n);
  for (const s of ['', '+1', ' 1', '01', '-0', '1 ', '9223372036854775808']) t.is(string2ll(s), null, s);
  t.is(string2ll('9223372036854775807'), 2n ** 63n - 1n);
});

test('strtoll: reports where parsing stopped', (t) => {
  t.deepEqual(strtoll(' -12x'), { value: -12n, end: 4, overflow: false });
  t.deepEqual(strtoll('x'), { value: 0n, end: 0, overflow: false });
  t.deepEqual(strtoll('0700', 8), { value: 448n, end: 4, overflow: false });
  t.is(strtoll('99999999999999999999').overflow, true);
});

test('memtoull: reads units case-insensitively and keeps its quirks', (t) => {
  t.is(memtoull('1gb'), 1024n ** 3n);
  t.is(memtoull('1G'), 1000n ** 3n);
  t.is(memtoull('5Kb'), 5120n);
  t.is(memtoull('10b'), 10n);
  t.is(memtoull(''), 0n);
  t.is(memtoull('mb'), 0n);
  for (const s of ['-1', '1.5gb', ' 1', '1tb', '+1']) t.is(memtoull(s), null, s);
});

test('formatMemory: writes the largest unit that divides', (t) => {
  t.is(formatMemory(0n), '0');
  t.is(formatMemory(1024n ** 3n), '1gb');
  t.is(formatMemory(3n * 1024n * 1024n), '3mb');
  t.is(formatMemory(4096n), '4kb');
  t.is(formatMemory(3000n), '3000');
});

test('string2d: reads what strtod reads, whole', (t) => {
  t.is(string2d('99.9'), 99.9);
  t.is(string2d('1e2'), 100);
  t.is(string2d('0x10'), 16);
  t.is(string2d('inf'), Infinity);
  for (const s of ['', ' 1', '1 ', 'nan', 'x']) t.is(string2d(s), null, s);
});

test('formatPercentile: trims %f output', (t) => {
  t.is(formatPercentile(50), '50');
  t.is(formatPercentile(99.9), '99.9');
  t.is(formatPercentile(0.5), '0.5');
});
