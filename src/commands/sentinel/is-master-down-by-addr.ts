import { arrayOf, bulk, int, type Reply } from '../../resp/reply.js';
import { findMasterByAddr } from '../../sentinel/vote.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';

const answer = (down: number, leader: string, epoch: number): Reply => arrayOf(int(down), bulk(leader), int(epoch));

/**
 * The peer protocol (sentinel.c, SENTINEL IS-MASTER-DOWN-BY-ADDR): always a 3-element reply,
 * `[down, leader-or-*, leader-epoch]`. The master is found by address, never by name; its
 * coordinator answers (down = SDOWN there outside TILT) and processes a vote request (a run id
 * other than `*`), even in TILT. A vote is on disk before the reply leaves: a sentinel that
 * restarts must never vote twice in one epoch.
 */
const run: CommandRun = async ({ sentinel }, argv) => {
  const port = parseInteger(argv[3]!);
  if (port === null) return replyError.notInteger();
  const reqEpoch = parseInteger(argv[4]!);
  if (reqEpoch === null) return replyError.notInteger();
  const { state } = sentinel;
  const master = findMasterByAddr(state.masters.values(), argv[2]!, port, state);
  if (master === null) return answer(0, '*', 0);
  const vote = await sentinel.monitors.isMasterDownByAddr(master.name, reqEpoch, argv[5]!);
  // Its owner will not run (its thread failed to start): grant nothing. A shard still starting
  // or restarting is waited for, so a vote is never refused for want of loaded state.
  if (vote === null) return answer(0, '*', 0);
  if (vote.mustFlush) await sentinel.saveConfig().catch(() => {});
  return answer(vote.down, vote.leader, vote.leaderEpoch);
};

// overlap: every master's requests from a peer share its one link; each waits for its shard
const base = { ...SENTINEL_ADMIN, arity: 6, complexity: 'O(1)', run, overlap: true } as const;

export const isMasterDownByAddrSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'is-master-down-by-addr',
  summary: 'Tells a peer whether the master at an address is down here, and asks for a vote.',
  since: '2.8.4',
};

/** Valkey 8's name (peers still send the master spelling). */
export const isPrimaryDownByAddrSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'is-primary-down-by-addr',
  summary: 'Alias of IS-MASTER-DOWN-BY-ADDR.',
  since: '8.0.0',
};
