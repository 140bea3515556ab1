import { arrayOf, bulk, int } from '../../resp/reply.js';
import { isIpLiteral, sameAddr } from '../../sentinel/address.js';
import { SRI, type MasterRecord } from '../../sentinel/instance.js';
import type { SentinelState } from '../../sentinel/state.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { voteLeader } from './vote-leader.js';

/**
 * getSentinelRedisInstanceByAddrAndRunID over the masters: the address must be one Redis could
 * build (port in range; an IP literal unless resolve-hostnames is on), then it is compared by IP,
 * or by hostname ignoring case. The master is found by address, never by name.
 */
function masterByAddr(state: SentinelState, host: string, port: number): MasterRecord | null {
  if (port < 0 || port > 65535) return null;
  if (!state.resolveHostnames && !isIpLiteral(host)) return null;
  for (const m of state.masters.values()) if (sameAddr(m.addr, { host, port })) return m;
  return null;
}

/**
 * The peer protocol (sentinel.c, SENTINEL IS-MASTER-DOWN-BY-ADDR): always a 3-element reply,
 * `[down, leader-or-*, leader-epoch]`. Down needs a matching master in SDOWN outside TILT; a run id
 * other than `*` asks for a vote, which is processed even in TILT and whether or not we see the
 * master down.
 */
const run: CommandRun = ({ sentinel }, argv) => {
  const port = parseInteger(argv[3]!);
  if (port === null) return replyError.notInteger();
  const reqEpoch = parseInteger(argv[4]!);
  if (reqEpoch === null) return replyError.notInteger();
  const { state } = sentinel;
  const master = masterByAddr(state, argv[2]!, port);
  const down = !state.tilt && master !== null && (master.flags & SRI.S_DOWN) !== 0;
  const runid = argv[5]!;
  const vote = master !== null && runid !== '*' ? voteLeader(sentinel, master, reqEpoch, runid) : null;
  return arrayOf(int(down ? 1 : 0), bulk(vote?.leader ?? '*'), int(vote?.leaderEpoch ?? 0));
};

const base = { ...SENTINEL_ADMIN, arity: 6, complexity: 'O(1)', run };

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
