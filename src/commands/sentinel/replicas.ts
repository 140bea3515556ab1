import { array } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { announceOf, instanceMaps } from './instance-map.js';
import { liveMaster } from './live-master.js';

const run: CommandRun = async ({ sentinel }, argv) => {
  const master = await liveMaster(sentinel, argv[2]!);
  if (master === undefined) return replyError.noSuchMaster();
  return array(instanceMaps(master.replicas.values(), sentinel.clock.monotonic(), announceOf(sentinel)));
};

const base = {
  ...SENTINEL_ADMIN,
  arity: 3,
  complexity: 'O(N) for N replicas',
  run,
};

/** SENTINEL REPLICAS <name>: the announced replicas of a master. */
export const replicasSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'replicas',
  summary: 'Lists the replicas of a master and their state.',
  since: '5.0.0',
};

/** The old name, still what ioredis and redis-py send. */
export const slavesSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'slaves',
  summary: 'Lists the replicas of a master and their state (old name of REPLICAS).',
  since: '2.8.0',
  docFlags: ['deprecated'],
  deprecatedSince: '5.0.0',
  replacedBy: '`SENTINEL REPLICAS`',
};
