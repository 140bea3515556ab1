/**
 * Redis's string2ll (util.c), the parser behind getLongLongFromObject: no sign but '-', no spaces,
 * no leading zeros, at most 20 characters, inside the signed 64-bit range. Anything else is "not
 * an integer" to Redis, so it is to Argus ("+5", " 5", "05" and "5.0" all fail).
 */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function parseLongLong(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  if (s === '0') return 0n;
  if (!/^-?[1-9][0-9]*$/.test(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/**
 * The same rule, as a JS number. Values beyond 2^53 lose precision; every quantity Sentinel keeps
 * (milliseconds, ports, epochs) is far below that in practice.
 */
export function parseInteger(s: string): number | null {
  const v = parseLongLong(s);
  return v === null ? null : Number(v);
}
