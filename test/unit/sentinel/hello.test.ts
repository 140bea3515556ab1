import test from 'ava';
import { formatHello, HELLO_CHANNEL, isOwnHello, parseHello } from '../../../src/sentinel/hello.js';

const ID = 'f'.repeat(40);
const hello = {
  ip: '10.0.0.5',
  port: 26379,
  runid: ID,
  currentEpoch: 7,
  masterName: 'mymaster',
  masterIp: '10.0.0.1',
  masterPort: 6379,
  masterConfigEpoch: 3,
};

test('hello: formats the 8 fields comma-separated', (t) => {
  t.is(formatHello(hello), `10.0.0.5,26379,${ID},7,mymaster,10.0.0.1,6379,3`);
  t.is(HELLO_CHANNEL, '__sentinel__:hello');
});

test('hello: parses what it formats', (t) => {
  t.deepEqual(parseHello(formatHello(hello)), hello);
  t.deepEqual(parseHello(`::1,26379,${ID},0,m,::1,6379,0`), { ...hello, ip: '::1', masterIp: '::1', masterName: 'm', currentEpoch: 0, masterConfigEpoch: 0 });
});

test('hello: any field count but 8 is refused, empty fields count', (t) => {
  t.is(parseHello(''), null);
  t.is(parseHello('a,b,c,d,e,f,g'), null);
  t.is(parseHello('a,b,c,d,e,f,g,h,i'), null);
  t.not(parseHello(',,,,,,,'), null);
});

test('hello: numbers are lenient (atoi, strtoull)', (t) => {
  const p = parseHello(`10.0.0.5,26379x,${ID},12abc,m,10.0.0.1, 6379,junk`);
  t.like(p, { port: 26379, currentEpoch: 12, masterPort: 6379, masterConfigEpoch: 0 });
});

test('hello: our own myid anywhere in the payload makes it ours', (t) => {
  t.true(isOwnHello(`x,${ID}y`, ID));
  t.false(isOwnHello(formatHello(hello), 'e'.repeat(40)));
  t.false(isOwnHello('anything', ''));
});
