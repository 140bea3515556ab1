import test from 'ava';
import {
  array, arrayOf, bulk, bulkMap, err, int, map, nullArray, nullBulk, ok, push, simple, type Reply,
} from '../../../src/resp/reply.js';
import { writeReplies, writeReply } from '../../../src/resp/reply-writer.js';

const both = (r: Reply): [string, string] => [writeReply(r, 2).toString('latin1'), writeReply(r, 3).toString('latin1')];

const CASES: [title: string, reply: Reply, resp2: string, resp3: string][] = [
  ['status', ok, '+OK\r\n', '+OK\r\n'],
  ['status with CR/LF inside', simple('a\r\nb'), '+a  b\r\n', '+a  b\r\n'],
  ['error', err('ERR No such master with that name'), '-ERR No such master with that name\r\n', '-ERR No such master with that name\r\n'],
  ['error with CR/LF inside', err("ERR Protocol error: expected '$', got '\n'"), "-ERR Protocol error: expected '$', got ' '\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"],
  ['integer', int(42), ':42\r\n', ':42\r\n'],
  ['negative integer', int(-1), ':-1\r\n', ':-1\r\n'],
  ['zero', int(0), ':0\r\n', ':0\r\n'],
  ['bulk', bulk('16379'), '$5\r\n16379\r\n', '$5\r\n16379\r\n'],
  ['empty bulk', bulk(''), '$0\r\n\r\n', '$0\r\n\r\n'],
  ['bulk of latin1 bytes', bulk('\x00\xff\r\n'), '$4\r\n\x00\xff\r\n\r\n', '$4\r\n\x00\xff\r\n\r\n'],
  ['bulk from a Buffer', bulk(Buffer.from([0xe2, 0x82, 0xac])), '$3\r\n\xe2\x82\xac\r\n', '$3\r\n\xe2\x82\xac\r\n'],
  ['null bulk', nullBulk, '$-1\r\n', '_\r\n'],
  ['null array', nullArray, '*-1\r\n', '_\r\n'],
  ['empty array', array([]), '*0\r\n', '*0\r\n'],
  ['array of bulks', arrayOf(bulk('127.0.0.1'), bulk('6379')), '*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n', '*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n'],
  ['nested array', arrayOf(int(1), arrayOf(simple('x'), nullBulk)), '*2\r\n:1\r\n*2\r\n+x\r\n$-1\r\n', '*2\r\n:1\r\n*2\r\n+x\r\n_\r\n'],
  ['map', bulkMap([['name', 'm'], ['port', 6379]]), '*4\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\nport\r\n$4\r\n6379\r\n', '%2\r\n$4\r\nname\r\n$1\r\nm\r\n$4\r\nport\r\n$4\r\n6379\r\n'],
  ['empty map', map([]), '*0\r\n', '%0\r\n'],
  ['map holding an array and an int', map([['modules', array([])], ['proto', int(3)]]), '*4\r\n$7\r\nmodules\r\n*0\r\n$5\r\nproto\r\n:3\r\n', '%2\r\n$7\r\nmodules\r\n*0\r\n$5\r\nproto\r\n:3\r\n'],
  ['push', push([bulk('message'), bulk('+sdown'), bulk('x')]), '*3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$1\r\nx\r\n', '>3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$1\r\nx\r\n'],
  ['push with a null channel', push([bulk('unsubscribe'), nullBulk, int(0)]), '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n', '>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n'],
];

for (const [title, reply, resp2, resp3] of CASES) {
  test(`reply-writer: ${title} in RESP2 and RESP3`, (t) => {
    t.deepEqual(both(reply), [resp2, resp3]);
  });
}

test('reply-writer: several replies are written back to back', (t) => {
  t.is(writeReplies([ok, int(1), nullBulk], 2).toString('latin1'), '+OK\r\n:1\r\n$-1\r\n');
  t.is(writeReplies([], 3).length, 0);
});

test('reply-writer: a large string bulk keeps every byte', (t) => {
  const s = 'ab\xff'.repeat(100_000);
  const out = writeReply(arrayOf(bulk(s), bulk('x')), 2);
  t.is(out.toString('latin1'), `*2\r\n$${s.length}\r\n${s}\r\n$1\r\nx\r\n`);
});
