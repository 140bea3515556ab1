/**
 * Redis's glob matcher (util.c `stringmatchlen`), used by PSUBSCRIBE, SENTINEL RESET and
 * SENTINEL CONFIG GET. PURE: strings are latin1 byte strings, one char per byte.
 *
 * Ported rules, kept because clients can observe them:
 * - `*` any run, `?` one byte, `[...]` a set with `a-z` ranges (reversed ranges are swapped),
 *   `^` negation, `\` escapes both in and out of sets; an unterminated `[` ends the set.
 * - `[a-]` is the range a..`]`, as in C: a range is taken whenever `-` is the second byte and
 *   at least three pattern bytes remain.
 * - Range bounds compare as C `char`, which is signed on x86/arm64 Linux: bytes >= 0x80 sort
 *   below ASCII.
 * - Case folding (nocase) is C-locale `tolower`: ASCII letters only.
 * - Nesting of `*` is capped at 1000 (CVE-2022-36021 hardening); deeper patterns do not match.
 */

const MAX_NESTING = 1000;

/** C `char` is signed: 0x80..0xff compare as -128..-1. */
const signedByte = (c: number): number => (c >= 0x80 ? c - 0x100 : c);
const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

interface MatchState {
  /** set once the rest of the pattern after a `*` failed everywhere: no longer match can work */
  skipLongerMatches: boolean;
}

function matchImpl(
  p: string, pi: number, s: string, si: number, nocase: boolean, st: MatchState, nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: { // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (matchImpl(p, pi + 1, s, si, nocase, st, nesting + 1)) return true;
          if (st.skipLongerMatches) return false;
          si++;
        }
        st.skipLongerMatches = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: { // '['
        pi++;
        const not = p.charCodeAt(pi) === 94; // '^'
        if (not) pi++;
        let match = false;
        const c = s.charCodeAt(si);
        for (;;) {
          const remaining = plen - pi;
          const cur = p.charCodeAt(pi);
          if (cur === 92 && remaining >= 2) { // '\'
            pi++;
            if (p.charCodeAt(pi) === c) match = true;
          } else if (cur === 93) { // ']'
            break;
          } else if (remaining === 0) {
            // Unterminated set: step back so the increment below lands on the end.
            pi--;
            break;
          } else if (remaining >= 3 && p.charCodeAt(pi + 1) === 45) { // '-'
            let start = signedByte(cur);
            let end = signedByte(p.charCodeAt(pi + 2));
            let ch = signedByte(c);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(cur) === lower(c) : cur === c) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default: {
        if (pc === 92 && plen - pi >= 2) pi++; // '\' escapes the next byte
        const lit = p.charCodeAt(pi);
        const c = s.charCodeAt(si);
        if (nocase ? lower(lit) !== lower(c) : lit !== c) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi >= plen && si === slen;
}

/** `stringmatchlen(pattern, string, nocase)`. */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  return matchImpl(pattern, 0, str, 0, nocase, { skipLongerMatches: false }, 0);
}

/** Case-sensitive glob match (PSUBSCRIBE, SENTINEL RESET). */
export const globMatch = (pattern: string, str: string): boolean => stringMatch(pattern, str, false);

/** Case-insensitive glob match (SENTINEL CONFIG GET parameter names). */
export const globMatchNoCase = (pattern: string, str: string): boolean => stringMatch(pattern, str, true);
