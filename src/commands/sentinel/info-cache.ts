import { array, arrayOf, bulk, int, nullBulk, type Reply } from '../../resp/reply.js';
import type { InfoCacheEntry } from '../../actors/protocol.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/**
 * One master's entry: `[age, INFO or null]` for the master, then for each replica. The replica age
 * reproduces a sentinel.c quirk: it is 0 while the *master* never answered INFO, else
 * `now - replica.info_refresh` even when the replica never answered (a huge number).
 */
function cacheEntry({ master, replicas }: InfoCacheEntry, now: number): Reply {
  const node = (age: number, info: string | null): Reply => arrayOf(int(age), info === null ? nullBulk : bulk(info));
  const nodes = [node(master.infoRefresh ? now - master.infoRefresh : 0, master.info)];
  for (const r of replicas) nodes.push(node(master.infoRefresh ? now - r.infoRefresh : 0, r.info));
  return array(nodes);
}

/**
 * SENTINEL INFO-CACHE <name> [...]: the last INFO of each named master and its replicas. Unknown
 * names are skipped, repeated names reported once (in the order first named; Redis uses hash
 * order, which clients cannot rely on).
 */
export const infoCacheSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'info-cache',
  arity: -3,
  summary: 'Returns the last INFO output of masters and their replicas.',
  since: '3.2.0',
  complexity: 'O(N) for N instances',
  async run({ sentinel }, argv) {
    const cached = await sentinel.monitors.infoCache(argv.slice(2));
    const now = sentinel.clock.monotonic();
    const items: Reply[] = [];
    // in the order first named (the Map keeps the order of the names it was given)
    for (const name of new Set(argv.slice(2))) {
      const entry = cached.get(name);
      if (entry) items.push(bulk(name), cacheEntry(entry, now));
    }
    return array(items);
  },
};
