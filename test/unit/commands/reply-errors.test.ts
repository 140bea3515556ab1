import test from 'ava';
import { errf, replyError } from '../../../src/commands/reply-errors.js';
import { err } from '../../../src/resp/reply.js';

// The texts redis-sentinel 7.0 cannot show with a NUL byte (7.2's CLIENT SETINFO, and values that
// Argus's control-character check refuses before they reach the text); the others are compared
// with a real redis-sentinel in test/compat/sentinel-replies.test.ts.

test('reply-errors: errf ends every quoted value at its NUL byte and turns CR and LF into spaces', (t) => {
  t.deepEqual(errf`ERR a '${'x\0y'}' b '${'\0'}' c '${'p\r\nq\0r'}'`, err("ERR a 'x' b '' c 'p  q'"));
  t.deepEqual(errf`ERR ${7} left as is`, err('ERR 7 left as is'));
});

test('reply-errors: SENTINEL SET, CONFIG SET and CLIENT SETINFO quote %s values up to the NUL byte', (t) => {
  t.deepEqual(replyError.setBadValue('1\x002', 'quorum'), err("ERR Invalid argument '1' for SENTINEL SET 'quorum'"));
  t.deepEqual(replyError.setUnknownOption('no-su\0ch'), err("ERR Unknown option or number of arguments for SENTINEL SET 'no-su'"));
  t.deepEqual(replyError.configSetUnknown('no\0such'), err("ERR Invalid argument 'no' to SENTINEL CONFIG SET"));
  t.deepEqual(replyError.configSetBadValue('a\0b', 'announce-port'), err("ERR Invalid value 'a' to SENTINEL CONFIG SET 'announce-port'"));
  t.deepEqual(replyError.setinfoUnknownAttr('li\0b'), err("ERR Unrecognized option 'li'"));
});

test('reply-errors: unknown command cuts at the NUL byte before the 128-character limits', (t) => {
  t.deepEqual(replyError.unknownCommand([`P${'I'.repeat(200)}\0NG`]), err(`ERR unknown command 'P${'I'.repeat(127)}', with args beginning with: `));
  t.deepEqual(
    replyError.unknownCommand(['FOO', `a\0${'b'.repeat(300)}`, 'c'.repeat(300)]),
    err(`ERR unknown command 'FOO', with args beginning with: 'a' '${'c'.repeat(124)}' `),
  );
});
