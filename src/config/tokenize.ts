/**
 * Redis's `sdssplitargs`: the tokenizer for config lines (and inline commands).
 *
 * Strings in Argus's config path are byte strings (latin1-decoded), so `\xHH` yields exactly
 * the byte Redis would store and a rewrite reproduces the file byte for byte.
 */

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';

const hexValue = (c: string): number => {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07',
};

/** Splits `line` into arguments, or returns null where Redis reports unbalanced quotes. */
export function splitArgs(input: string): string[] | null {
  // sdssplitargs walks a C string: a NUL byte ends the input, whatever follows it (inside quotes
  // that makes the quote unterminated).
  const nul = input.indexOf('\0');
  const line = nul === -1 ? input : input.slice(0, nul);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    let cur = '';
    while (!done) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n &&
            hexValue(line[i + 2] ?? '') >= 0 && hexValue(line[i + 3] ?? '') >= 0) {
          cur += String.fromCharCode(hexValue(line[i + 2]!) * 16 + hexValue(line[i + 3]!));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          cur += SIMPLE_ESCAPES[e] ?? e;
        } else if (c === '"') {
          // A closing quote must be followed by a space or the end of the line.
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          done = true;
        } else {
          cur += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        // Only these end a bare word; \v and \f separate words only before one starts.
        done = true;
      } else if (c === '"') {
        // As in sdssplitargs, a quote inside a bare word opens a quoted section: a"b c" is 'ab c'.
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        cur += c;
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}
