import { array } from '../../resp/reply.js';
import { writeReplies } from '../../resp/reply-writer.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { announceOf, instanceMaps } from './instance-map.js';

/** Masters rendered per turn of the event loop. */
export const MASTERS_PER_TURN = 256;

/**
 * Up to MASTERS_PER_TURN masters in one go; beyond, the reply is rendered in parts with a turn
 * of the event loop between them, so thousands of masters (~600 bytes each) do not hold the
 * other clients and the peers' PINGs for the whole of it. The records are read from the shards
 * first (one call each), so the reply describes every master as it was at one moment.
 */
const run: CommandRun = async ({ sentinel, client }) => {
  const masters = await sentinel.monitors.view(null);
  const announce = announceOf(sentinel);
  if (masters.length <= MASTERS_PER_TURN) return array(instanceMaps(masters, sentinel.clock.monotonic(), announce));
  const parts: Buffer[] = [Buffer.from(`*${masters.length}\r\n`, 'latin1')];
  for (let i = 0; i < masters.length; i += MASTERS_PER_TURN) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    const maps = instanceMaps(masters.slice(i, i + MASTERS_PER_TURN), sentinel.clock.monotonic(), announce);
    parts.push(writeReplies(maps, client.resp));
  }
  return { t: 'raw', bytes: Buffer.concat(parts) };
};

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
