import test from 'ava';
import { execute } from '../../../bench/sim/commands.js';
import { writeReplies } from '../../../src/resp/reply-writer.js';
import { attach, clockAt, group } from './sim-helpers.js';

const HELLO = '__sentinel__:hello';
const PAYLOAD = '127.0.0.1,26379,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0,m,127.9.0.1,6379,0';
const frame = `*3\r\n$7\r\nmessage\r\n$18\r\n${HELLO}\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`;
const wire = (r: Parameters<typeof writeReplies>[0]): string => writeReplies(r, 2).toString('latin1');

test('sim-hello: SUBSCRIBE confirms as redis-server does, then only subscriber commands are allowed', (t) => {
  const { world, m } = group();
  const pc = attach(m);
  const c = clockAt(0);
  t.is(wire(execute(world, m, pc, ['SUBSCRIBE', HELLO], c)), `*3\r\n$9\r\nsubscribe\r\n$18\r\n${HELLO}\r\n:1\r\n`);
  t.regex(wire(execute(world, m, pc, ['INFO'], c)), /^-ERR Can't execute 'info': only \(P\|S\)SUBSCRIBE/);
  t.is(wire(execute(world, m, pc, ['PING'], c)), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
});

test('sim-hello: a PUBLISHed hello reaches every subscriber of the instance, and of its replicas', (t) => {
  const { world, m, r1, r2 } = group();
  const c = clockAt(0);
  const subs = [attach(m), attach(m), attach(r1), attach(r2)];
  for (const [s, inst] of [[subs[0]!, m], [subs[1]!, m], [subs[2]!, r1], [subs[3]!, r2]] as const) execute(world, inst, s, ['SUBSCRIBE', HELLO], c);
  const idle = attach(m);
  const cc = attach(m);
  t.is(wire(execute(world, m, cc, ['PUBLISH', HELLO, PAYLOAD], c)), ':2\r\n', 'the reply counts the receivers on this instance');
  for (const s of subs) t.deepEqual(s.frames, [frame]);
  t.deepEqual(idle.frames, [], 'a client that did not subscribe gets nothing');
  t.is(m.publishes, 1);
});

test('sim-hello: a hello published on a replica stays there; a hung or dead replica delivers nothing', (t) => {
  const { world, m, r1, r2 } = group();
  const c = clockAt(0);
  const onM = attach(m);
  const onR1 = attach(r1);
  const onR2 = attach(r2);
  for (const [s, inst] of [[onM, m], [onR1, r1], [onR2, r2]] as const) execute(world, inst, s, ['SUBSCRIBE', HELLO], c);
  execute(world, r1, attach(r1), ['PUBLISH', HELLO, PAYLOAD], c);
  t.deepEqual([onM.frames.length, onR1.frames.length, onR2.frames.length], [0, 1, 0]);
  world.hang(r1);
  world.kill(r2, 0);
  execute(world, m, attach(m), ['PUBLISH', HELLO, PAYLOAD], c);
  t.deepEqual([onM.frames.length, onR1.frames.length, onR2.frames.length], [1, 1, 0]);
});

test('sim-hello: without propagation a hello stays on the instance it was published to', (t) => {
  const { world, m, r1 } = group({ propagatePublish: false });
  const c = clockAt(0);
  const onR1 = attach(r1);
  execute(world, r1, onR1, ['SUBSCRIBE', HELLO], c);
  execute(world, m, attach(m), ['PUBLISH', HELLO, PAYLOAD], c);
  t.deepEqual(onR1.frames, []);
});

test('sim-hello: UNSUBSCRIBE with no channel leaves every channel', (t) => {
  const { world, m } = group();
  const pc = attach(m);
  const c = clockAt(0);
  execute(world, m, pc, ['SUBSCRIBE', HELLO, 'other'], c);
  t.is(
    wire(execute(world, m, pc, ['UNSUBSCRIBE'], c)),
    `*3\r\n$11\r\nunsubscribe\r\n$18\r\n${HELLO}\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$5\r\nother\r\n:0\r\n`,
  );
  t.is(pc.subscriptions.size, 0);
});
