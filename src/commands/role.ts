import { array, arrayOf, bulk } from '../resp/reply.js';
import type { ArgusCommandSpec } from './spec.js';

/** sentinel.c sentinelRoleCommand: `sentinel` and the monitored master names, in table order. */
export const roleCommand: ArgusCommandSpec = {
  name: 'role',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast'],
  categories: ['admin', 'fast', 'dangerous'],
  group: 'server',
  summary: 'Reports the replication role of this process: sentinel, with its masters.',
  since: '2.8.12',
  complexity: 'O(1)',
  run({ sentinel }) {
    return arrayOf(bulk('sentinel'), array([...sentinel.state.masters.keys()].map((n) => bulk(n))));
  },
};
