import test from 'ava';
import { splitArgs } from '../../../src/config/tokenize.js';

// Vectors follow sds.c sdssplitargs: each is [title, input, expected tokens or null].
const vectors: readonly [string, string, string[] | null][] = [
  ['splits on runs of spaces and tabs', 'a  b\t\tc', ['a', 'b', 'c']],
  ['returns no tokens for an empty line', '', []],
  ['returns no tokens for a line of blanks', ' \t\r\n\v\f ', []],
  ['skips leading \\v and \\f as blanks', '\v\fa', ['a']],
  ['keeps \\v and \\f inside a bare word', 'a\vb\fc', ['a\vb\fc']],
  ['ends a bare word at \\r and \\n', 'a\rb\nc', ['a', 'b', 'c']],
  ['reads a double-quoted token with spaces', '"a b" c', ['a b', 'c']],
  ['reads an empty double-quoted token', '""', ['']],
  ['reads an empty single-quoted token', "''", ['']],
  ['decodes the C escapes in double quotes', '"\\n\\r\\t\\b\\a\\\\\\""', ['\n\r\t\b\x07\\"']],
  ['keeps the character of an unknown escape', '"\\z\\\'"', ["z'"]],
  ['decodes \\xHH in either case', '"\\x41\\x4a\\x4A"', ['AJJ']],
  ['decodes \\xHH to any byte', '"\\xff\\x00\\x80"', ['\xff\x00\x80']],
  ['reads \\x without two hex digits as x', '"\\x4" "\\xZZ"', ['x4', 'xZZ']],
  ['keeps backslashes literal in single quotes', "'a\\nb\\x41'", ['a\\nb\\x41']],
  ["reads \\' in single quotes as a quote", "'it\\'s'", ["it's"]],
  ['joins a quoted section to a bare prefix', 'a"b c"', ['ab c']],
  ['joins a single-quoted section to a bare prefix', "a'b c' d", ['ab c', 'd']],
  ['accepts any blank after a closing quote', '"a"\tb "c"\vd', ['a', 'b', 'c', 'd']],
  ['passes latin1 bytes through', 'caf\xe9 "\xff"', ['caf\xe9', '\xff']],
  ['stops at a NUL byte', 'a\0b c', ['a']],
  ['refuses a closing double quote followed by a non-blank', '"a"b', null],
  ['refuses a closing single quote followed by a non-blank', "'a'b", null],
  ['refuses an unterminated double quote', '"a b', null],
  ['refuses an unterminated single quote', "'a b", null],
  ['refuses an escaped quote that leaves the quote open', '"a\\"', null],
  ['refuses a backslash at the end of a quoted token', '"a\\', null],
  ['refuses a NUL inside quotes (the quote never closes)', '"a\0b"', null],
  ['refuses a quote opened inside a bare word and never closed', 'ab"c', null],
];

for (const [title, input, expected] of vectors) {
  test(`splitArgs: ${title}`, (t) => {
    t.deepEqual(splitArgs(input), expected);
  });
}
