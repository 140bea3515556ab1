/**
 * Which shard watches which master. A master and all its instance actors live in one shard (the
 * coordinator owns their records), chosen by a stable hash of the master's name so that a
 * restart places every master where it was. Changing `argus-shards` moves masters between
 * shards, which costs nothing more than a restart does.
 */
import { availableParallelism } from 'node:os';
import { fnv1a } from '../sentinel/fnv1a.js';

/** `argus-shards 0`: one shard per this many masters (docs/design.md, "Cost": below it a second shard costs more than it saves) ... */
export const MASTERS_PER_AUTO_SHARD = 2_500;
/** ... and no more than one per core, up to this many. */
export const AUTO_SHARDS_CAP = 8;
/** the directive's upper bound (src/config/directives.ts) */
export const MAX_SHARDS = 64;

/**
 * The shard count for an `argus-shards` value (0 = auto) and the masters configured at start.
 * Masters added later with SENTINEL MONITOR join the shards there are; the next start sizes again.
 */
export function resolveShardCount(setting: number, masters: number, cores: number = availableParallelism()): number {
  if (setting > 0) return Math.min(setting, MAX_SHARDS);
  const wanted = Math.ceil(masters / MASTERS_PER_AUTO_SHARD);
  return Math.max(1, Math.min(wanted, cores, AUTO_SHARDS_CAP));
}

/** The stable hash masters are placed by. */
export const nameHash = fnv1a;

export const shardOf = (name: string, shards: number): number => nameHash(name) % shards;
