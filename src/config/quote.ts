/**
 * Redis's `sdscatrepr`: a value written so that `splitArgs` reads it back unchanged, whatever
 * bytes it holds. Argus quotes every user-supplied string it writes (as Valkey 9 does), which is
 * what closes the config-injection hole of Redis ≤ 7.4.
 */
export function quoteRepr(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = value.charCodeAt(i);
    switch (c) {
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\x07': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      default:
        out += code >= 0x20 && code <= 0x7e ? c : `\\x${code.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}"`;
}

/**
 * A token as Redis's rewrite writes plain values: raw when sdssplitargs re-reads it as itself,
 * quoted otherwise (empty strings, spaces, quotes, control and non-ASCII bytes), so a rewrite can
 * never split a value. A backslash stays raw: outside quotes sdssplitargs keeps it literally, and
 * Redis 7 writes such a password raw too.
 */
export function quoteIfNeeded(value: string): string {
  return /^[\x21-\x7e]+$/.test(value) && !/["']/.test(value) ? value : quoteRepr(value);
}

/** True if any byte is an ASCII control character (0x00–0x1F, 0x7F), as Valkey 9 rejects. */
export const hasControlChars = (s: string): boolean => /[\x00-\x1f\x7f]/.test(s);
