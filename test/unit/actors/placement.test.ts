import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig } from '../../../src/config/rewrite.js';
import { ConfigLineError } from '../../../src/errors.js';
import { AUTO_SHARDS_CAP, MASTERS_PER_AUTO_SHARD, nameHash, resolveShardCount, shardOf } from '../../../src/actors/placement.js';

test('resolveShardCount: 0 sizes by the masters, at most one shard per core, capped', (t) => {
  t.is(resolveShardCount(0, 0, 2), 1);
  t.is(resolveShardCount(0, MASTERS_PER_AUTO_SHARD, 2), 1);
  t.is(resolveShardCount(0, MASTERS_PER_AUTO_SHARD + 1, 2), 2);
  t.is(resolveShardCount(0, 50 * MASTERS_PER_AUTO_SHARD, 1), 1);
  t.is(resolveShardCount(0, 50 * MASTERS_PER_AUTO_SHARD, 2), 2);
  t.is(resolveShardCount(0, 50 * MASTERS_PER_AUTO_SHARD, 96), AUTO_SHARDS_CAP);
});

test('resolveShardCount: an explicit count wins over the cores and the masters', (t) => {
  t.is(resolveShardCount(3, 0, 2), 3);
  t.is(resolveShardCount(64, 10, 2), 64);
});

test('shardOf: is FNV-1a of the name, so a restart places every master where it was', (t) => {
  t.is(nameHash(''), 0x811c9dc5);
  t.is(nameHash('a'), 0xe40c292c);
  t.is(nameHash('foobar'), 0xbf9cf968);
  t.is(shardOf('mymaster', 4), nameHash('mymaster') % 4);
});

test('shardOf: spreads many masters evenly', (t) => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[shardOf(`master-${i}`, 4)]!++;
  for (const c of counts) t.true(c > 850 && c < 1150, String(counts));
});

const io = {
  isExecutable: () => false,
  readFile: () => ({ ok: false as const, error: 'No such file or directory' }),
  glob: () => [],
};
const load = (text: string) => loadConfig(text, '/etc/argus/sentinel.conf', [], 1000, io);

test('argus-shards: loads as a number from 0 to 64', (t) => {
  t.is(load('argus-shards 3\n').server.getInt('argus-shards', 0), 3);
  t.is(load('ARGUS-SHARDS 0\n').server.getInt('argus-shards', -1), 0);
  t.is(load('port 26379\n').server.getInt('argus-shards', 0), 0);
  t.like(t.throws(() => load('argus-shards 65\n'), { instanceOf: ConfigLineError }), {
    line: 1,
    reason: 'argument must be between 0 and 64 inclusive',
  });
  t.like(t.throws(() => load('argus-shards two\n'), { instanceOf: ConfigLineError }), {
    reason: "argument couldn't be parsed into an integer",
  });
});

test('argus-shards: the rewrite keeps a set value and writes nothing at the default', (t) => {
  const set = load('argus-shards 3\nsentinel monitor m 127.0.0.1 6379 2\n');
  t.regex(rewriteConfig('argus-shards 3\n', set.server, set.state, { cwd: '/tmp' }), /^argus-shards 3$/m);
  const unset = load('sentinel monitor m 127.0.0.1 6379 2\n');
  t.notRegex(rewriteConfig('', unset.server, unset.state, { cwd: '/tmp' }), /argus-shards/);
});
