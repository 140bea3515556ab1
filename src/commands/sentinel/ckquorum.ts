import { simple } from '../../resp/reply.js';
import { SRI, type MasterRecord } from '../../sentinel/instance.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { liveMaster } from './live-master.js';

export interface QuorumCheck {
  /** this sentinel plus the peers not in SDOWN/ODOWN */
  readonly usable: number;
  readonly quorumReached: boolean;
  readonly majorityReached: boolean;
}

/**
 * sentinel.c sentinelIsQuorumReachable: from the current SDOWN state of the peer records, never
 * by asking the peers. Voters are every peer known since the last RESET plus this sentinel.
 */
export function isQuorumReachable(master: MasterRecord): QuorumCheck {
  let usable = 1;
  for (const s of master.sentinels.values()) if (!(s.flags & (SRI.S_DOWN | SRI.O_DOWN))) usable++;
  const voters = master.sentinels.size + 1;
  return { usable, quorumReached: usable >= master.quorum, majorityReached: usable >= Math.floor(voters / 2) + 1 };
}

/** SENTINEL CKQUORUM <name>: a status line when both hold, else -NOQUORUM with the failed checks. */
export const ckquorumSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'ckquorum',
  arity: 3,
  summary: 'Checks that enough sentinels are reachable to fail a master over.',
  since: '2.8.4',
  complexity: 'O(N) for N sentinels',
  async run({ sentinel }, argv) {
    const master = await liveMaster(sentinel, argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    const { usable, quorumReached, majorityReached } = isQuorumReachable(master);
    if (quorumReached && majorityReached) {
      return simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
    }
    const reasons: string[] = [];
    if (!quorumReached) reasons.push('Not enough available Sentinels to reach the specified quorum for this master');
    if (!majorityReached) reasons.push('Not enough available Sentinels to reach the majority and authorize a failover');
    return replyError.noQuorum(`${usable} usable Sentinels. ${reasons.join('. ')}`);
  },
};
