/**
 * The C number parsers Redis's config loader relies on, with their exact edge cases, and the
 * number formats CONFIG REWRITE writes. Values are bigint because Redis's bounds (LLONG_MAX,
 * ULLONG_MAX) lie beyond 2^53.
 */

export const INT_MIN = -(2n ** 31n);
export const INT_MAX = 2n ** 31n - 1n;
export const UINT_MAX = 2n ** 32n - 1n;
export const LLONG_MIN = -(2n ** 63n);
export const LLONG_MAX = 2n ** 63n - 1n;
export const ULLONG_MAX = 2n ** 64n - 1n;
/** LONG_MAX and SSIZE_MAX on the LP64 platforms Redis ships for */
export const LONG_MAX = LLONG_MAX;

/** C isspace() in the "C" locale (Redis never changes LC_CTYPE). */
export const isCSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * util.c string2ll: the strict parser behind integer configs. No spaces, no '+', no leading
 * zeros ("0" alone excepted, "-0" refused), and the value must fit a long long.
 */
export function string2ll(s: string): bigint | null {
  if (s === '0') return 0n;
  if (!/^-?[1-9][0-9]*$/.test(s)) return null;
  const v = BigInt(s);
  return v < LLONG_MIN || v > LLONG_MAX ? null : v;
}

export interface StrtolResult {
  value: bigint;
  /** index of the first character not consumed (0 when no digits were found: endptr == nptr) */
  end: number;
  overflow: boolean;
}

/** The C parsers' common scan: leading whitespace, an optional sign, then digits up to `maxDigit`. */
function scanNumber(s: string, maxDigit: '7' | '9'): { neg: boolean; start: number; end: number } {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  while (s[i] !== undefined && s[i]! >= '0' && s[i]! <= maxDigit) i++;
  return { neg, start, end: i };
}

/**
 * strtoll(3) for base 10 or 8: leading whitespace, an optional sign, digits; clamps to the
 * long long range on overflow (ERANGE).
 */
export function strtoll(s: string, base: 8 | 10 = 10): StrtolResult {
  const { neg, start, end: i } = scanNumber(s, base === 8 ? '7' : '9');
  if (i === start) return { value: 0n, end: 0, overflow: false };
  let v = BigInt(base === 8 ? `0o${s.slice(start, i)}` : s.slice(start, i));
  if (neg) v = -v;
  if (v > LLONG_MAX) return { value: LLONG_MAX, end: i, overflow: true };
  if (v < LLONG_MIN) return { value: LLONG_MIN, end: i, overflow: true };
  return { value: v, end: i, overflow: false };
}

/**
 * strtoull(3), base 10, as sentinel.c reads epochs: a '-' sign negates in unsigned arithmetic
 * ("-1" is 2^64-1), overflow gives ULLONG_MAX, no digits gives 0.
 */
export function strtoull(s: string): bigint {
  const { neg, start, end: i } = scanNumber(s, '9');
  if (i === start) return 0n;
  const v = BigInt(s.slice(start, i));
  if (v > ULLONG_MAX) return ULLONG_MAX;
  return neg ? (2n ** 64n - v) % 2n ** 64n : v;
}

/**
 * atoi(3) as glibc implements it on LP64: (int)strtol(s, NULL, 10), i.e. clamped to the 64-bit
 * long range, then truncated to 32 bits. sentinel.c reads ports, quorums and periods with it, so
 * `down-after-milliseconds m 99999999999` really yields 1215752191, and "abc" yields 0.
 */
export function atoi(s: string): number {
  return Number(BigInt.asIntN(32, strtoll(s, 10).value));
}

const MEMORY_UNITS: Readonly<Record<string, bigint>> = {
  '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n,
};

/**
 * util.c memtoull: digits then an optional case-insensitive unit (b, k, kb, m, mb, g, gb).
 * Quirks kept: "" and a bare unit ("kb") read as 0; a sign, a space or a fraction is an error.
 */
export function memtoull(s: string): bigint | null {
  let i = 0;
  while (isDigit(s[i])) i++;
  const mul = MEMORY_UNITS[s.slice(i).toLowerCase()];
  if (mul === undefined || i >= 128) return null;
  const v = (i === 0 ? 0n : BigInt(s.slice(0, i))) * mul;
  return v > ULLONG_MAX ? null : v;
}

/** config.c rewriteConfigFormatMemory: the largest of gb/mb/kb that divides, else bytes. */
export function formatMemory(bytes: bigint): string {
  const units: readonly [bigint, string][] = [[1024n ** 3n, 'gb'], [1024n ** 2n, 'mb'], [1024n, 'kb']];
  if (bytes !== 0n) {
    for (const [size, unit] of units) if (bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/**
 * util.c string2d (strtod with the whole string consumed, no leading space, no NaN). Covers the
 * decimal, exponent, hex and infinity spellings strtod accepts.
 */
export function string2d(s: string): number | null {
  if (s === '' || isCSpace(s[0])) return null;
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(p[+-]?\d+)?$/i.test(s)) {
    const m = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i.exec(s)!;
    const int = m[2] ? parseInt(m[2], 16) : 0;
    const frac = m[3] ? parseInt(m[3], 16) / 16 ** m[3].length : 0;
    const v = (int + frac) * 2 ** Number(m[4] ?? 0);
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

/** util.c trimDoubleString after "%f": six decimals, trailing zeros and point removed. */
export function formatPercentile(v: number): string {
  const fixed = v.toFixed(6);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
