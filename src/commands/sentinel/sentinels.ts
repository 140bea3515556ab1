import { array } from '../../resp/reply.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { announceOf, instanceMaps } from './instance-map.js';
import { liveMaster } from './live-master.js';

/** SENTINEL SENTINELS <name>: the peers known for a master (this sentinel is never listed). */
export const sentinelsSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'sentinels',
  arity: 3,
  summary: 'Lists the other sentinels watching a master and their state.',
  since: '2.8.4',
  complexity: 'O(N) for N sentinels',
  async run({ sentinel }, argv) {
    const master = await liveMaster(sentinel, argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    return array(instanceMaps(master.sentinels.values(), sentinel.clock.monotonic(), announceOf(sentinel)));
  },
};
