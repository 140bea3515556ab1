import { array } from '../../resp/reply.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { instanceMaps } from './instance-map.js';

const run: CommandRun = ({ sentinel }) =>
  array(instanceMaps(sentinel.state.masters.values(), sentinel.clock.monotonic()));

const base = {
  ...SENTINEL_ADMIN,
  arity: 2,
  complexity: 'O(N) for N masters',
  run,
};

/** SENTINEL MASTERS: an instance map per monitored master, in table order. */
export const mastersSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'masters',
  summary: 'Lists the monitored masters and their state.',
  since: '2.8.4',
};

/** Valkey 8's name for MASTERS. */
export const primariesSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'primaries',
  summary: 'Lists the monitored primaries and their state (alias of MASTERS).',
  since: '8.0.0',
};
