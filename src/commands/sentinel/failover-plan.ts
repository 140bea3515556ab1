import { array, bulk, map, nullBulk, type Reply } from '../../resp/reply.js';
import type { MasterRecord, ReplicaRecord } from '../../sentinel/instance.js';
import type { RuleContext } from '../../sentinel/rule-context.js';
import { explainSelectSlave } from '../../sentinel/select-slave.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { isQuorumReachable, type QuorumCheck } from './ckquorum.js';
import { liveMaster } from './live-master.js';

export interface PlannedReplica {
  readonly name: string;
  readonly eligible: boolean;
  readonly reason: string;
  readonly priority: number;
  readonly offset: number;
}

export interface FailoverPlan extends QuorumCheck {
  readonly master: string;
  readonly failoverState: string;
  readonly selected: string | null;
  readonly replicas: readonly PlannedReplica[];
}

/** Why a qualified replica ranks after the chosen one: the first rule of compareSlavesForPromotion that decides. */
function rankedAfter(r: ReplicaRecord, best: ReplicaRecord): string {
  if (r.slavePriority !== best.slavePriority) return `priority ${r.slavePriority} after ${best.name}'s ${best.slavePriority}`;
  if (r.slaveReplOffset !== best.slaveReplOffset) return `offset ${r.slaveReplOffset} behind ${best.name}'s ${best.slaveReplOffset}`;
  return `run id orders after ${best.name}'s`;
}

/**
 * Argus: what a failover of `master` would do at `ctx.now`, without acting. The replica chosen
 * and the reasons come from the failover's own selection (explainSelectSlave), the vote
 * figures from CKQUORUM's check, both on the live record of the master's shard.
 */
export function failoverPlan(master: MasterRecord, ctx: RuleContext): FailoverPlan {
  const verdicts = explainSelectSlave(master, ctx);
  const best = verdicts[0]?.reason === null ? verdicts[0].replica : null;
  return {
    master: master.name,
    failoverState: master.failoverState,
    ...isQuorumReachable(master),
    selected: best?.name ?? null,
    replicas: verdicts.map(({ replica: r, reason }) => ({
      name: r.name,
      eligible: reason === null,
      reason: reason ?? (r === best ? 'selected' : rankedAfter(r, best!)),
      priority: r.slavePriority,
      offset: r.slaveReplOffset,
    })),
  };
}

const yesNo = (b: boolean): Reply => bulk(b ? 'yes' : 'no');

export function failoverPlanReply(plan: FailoverPlan): Reply {
  return map([
    ['master', bulk(plan.master)],
    ['failover-state', bulk(plan.failoverState)],
    ['quorum-reachable', yesNo(plan.quorumReached)],
    ['majority-reachable', yesNo(plan.majorityReached)],
    ['usable-sentinels', bulk(String(plan.usable))],
    ['selected', plan.selected === null ? nullBulk : bulk(plan.selected)],
    [
      'replicas',
      array(
        plan.replicas.map((r) =>
          map([
            ['name', bulk(r.name)],
            ['eligible', yesNo(r.eligible)],
            ['reason', bulk(r.reason)],
            ['slave-priority', bulk(String(r.priority))],
            ['slave-repl-offset', bulk(String(r.offset))],
          ]),
        ),
      ),
    ],
  ]);
}

/**
 * SENTINEL FAILOVER-PLAN <name> (Argus only): the dry run of a failover. Reads the live record
 * (MonitorControl.view) and judges it on this thread with the shard's rules; the clocks of all
 * threads are one (shard-clock.ts), so the ages are the shard's.
 */
export const failoverPlanSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'failover-plan',
  arity: 3,
  summary: 'Shows what a failover of the master would do now, without acting (Argus only).',
  since: '7.2.4',
  complexity: 'O(N log N) for N replicas',
  async run({ sentinel }, argv) {
    const master = await liveMaster(sentinel, argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    const { state } = sentinel;
    return failoverPlanReply(
      failoverPlan(master, {
        now: sentinel.clock.monotonic(),
        timings: state.timings,
        tilt: state.tilt,
        resolveHostnames: state.resolveHostnames,
        announceHostnames: state.announceHostnames,
        myid: state.myid,
      }),
    );
  },
};
