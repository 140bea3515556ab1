import test from 'ava';
import { execute } from '../../../bench/sim/commands.js';
import { infoText } from '../../../bench/sim/info.js';
import { writeReplies } from '../../../src/resp/reply-writer.js';
import { parseInfo } from '../../../src/sentinel/info-parse.js';
import { attach, clockAt, group } from './sim-helpers.js';

const wire = (replies: Parameters<typeof writeReplies>[0]): string => writeReplies(replies, 2).toString('latin1');

test('sim-failover: the reconfiguration transaction promotes a replica, with replies as redis-server gives them', (t) => {
  const { world, m, r1, r2 } = group();
  world.kill(m, 1_000);
  const sentinel = attach(r1);
  const otherCmd = attach(r1);
  const otherPc = attach(r1);
  otherPc.subscriptions.add('__sentinel__:hello');
  const c = clockAt(2_000);
  const run = (...argv: string[]) => wire(execute(world, r1, sentinel, argv, c));
  t.is(run('MULTI'), '+OK\r\n');
  t.is(run('SLAVEOF', 'NO', 'ONE'), '+QUEUED\r\n');
  t.is(run('CONFIG', 'REWRITE'), '+QUEUED\r\n');
  t.is(run('CLIENT', 'KILL', 'TYPE', 'normal'), '+QUEUED\r\n');
  t.is(run('CLIENT', 'KILL', 'TYPE', 'pubsub'), '+QUEUED\r\n');
  t.is(r1.role, 'slave', 'nothing runs before EXEC');
  t.is(run('EXEC'), '*4\r\n+OK\r\n+OK\r\n:1\r\n:1\r\n');
  t.is(r1.role, 'master');
  t.true(otherCmd.killed && otherPc.killed, 'every other normal and pub/sub client is killed');
  t.false(sentinel.killed, 'the caller is not (SKIPME yes)');
  const info = parseInfo(infoText(world, r1, [], 2_000, 0));
  t.like(info, { role: 'master', masterHost: null });
  t.deepEqual(info.replicas, [], 'r2 still follows the dead master');

  // the leader then points the other replica at the promoted one
  const toR2 = attach(r2);
  t.is(wire(execute(world, r2, toR2, ['SLAVEOF', r1.ip, '6379'], c)), '+OK\r\n');
  t.deepEqual(parseInfo(infoText(world, r1, [], 3_000, 0)).replicas, [{ host: r2.ip, port: 6379 }]);
  t.like(parseInfo(infoText(world, r2, [], 3_000, 0)), { masterHost: r1.ip, masterPort: 6379, masterLinkStatusUp: true });
  t.is(wire(execute(world, r2, toR2, ['SLAVEOF', r1.ip, '6379'], c)), '+OK Already connected to specified master\r\n');
});

test('sim-failover: the promoted replica keeps its offset, and the old master rejoins as its replica', (t) => {
  const { world, m, r1 } = group();
  const offset = world.offset(m, 4_000);
  world.kill(m, 4_000);
  world.promote(r1, 5_000);
  t.is(world.offset(r1, 5_000), offset);
  t.true(world.offset(r1, 9_000) > offset, 'a master offset grows');
  world.recover(m, 9_000);
  t.is(m.role, 'master', 'it boots as what its config says');
  const s = attach(m);
  execute(world, m, s, ['SLAVEOF', r1.ip, '6379'], clockAt(9_500));
  t.deepEqual(parseInfo(infoText(world, r1, [], 10_000, 0)).replicas.map((r) => r.host), [m.ip]);
  t.is(world.offset(m, 10_000), world.offset(r1, 10_000));
});

test('sim-failover: a queued unknown command aborts EXEC; DISCARD and nested MULTI as in Redis', (t) => {
  const { world, r1 } = group();
  const s = attach(r1);
  const c = clockAt(1_000);
  const run = (...argv: string[]) => wire(execute(world, r1, s, argv, c));
  run('MULTI');
  t.regex(run('NOSUCH'), /^-ERR unknown command 'NOSUCH'/);
  t.is(run('MULTI'), '-ERR MULTI calls can not be nested\r\n');
  run('SLAVEOF', 'NO', 'ONE');
  t.is(run('EXEC'), '-EXECABORT Transaction discarded because of previous errors.\r\n');
  t.is(r1.role, 'slave');
  run('MULTI');
  run('SLAVEOF', 'NO', 'ONE');
  t.is(run('DISCARD'), '+OK\r\n');
  t.is(r1.role, 'slave');
  t.is(run('EXEC'), '-ERR EXEC without MULTI\r\n');
});

test('sim-failover: a busy instance answers -BUSY until SCRIPT KILL', (t) => {
  const { world, m } = group();
  const s = attach(m);
  const c = clockAt(1_000);
  world.setBusy(m);
  t.regex(wire(execute(world, m, s, ['PING'], c)), /^-BUSY /);
  t.is(wire(execute(world, m, s, ['SCRIPT', 'KILL'], c)), '+OK\r\n');
  t.is(wire(execute(world, m, s, ['PING'], c)), '+PONG\r\n');
  t.is(wire(execute(world, m, s, ['SCRIPT', 'KILL'], c)), '-NOTBUSY No scripts in execution right now.\r\n');
});
