import { int } from '../../resp/reply.js';
import { SRI, type MasterRecord } from '../../sentinel/instance.js';
import { globMatch } from '../../server/glob.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { SentinelContext } from '../types.js';

/**
 * sentinel.c sentinelResetMaster: forget what was learned at run time (replicas, peers, flags
 * other than `master`, the vote, any failover), restart the timers, and announce it. The links
 * are closed by the monitors and rebuilt; replicas and peers come back with the next INFO and
 * hellos. No config flush: the known-* lines go at the next one.
 */
export function resetMaster(ctx: SentinelContext, master: MasterRecord, now: number): void {
  master.replicas.clear();
  master.sentinels.clear();
  master.flags &= SRI.MASTER;
  master.leader = null;
  master.failoverState = 'none';
  master.runid = null;
  const { link } = master;
  // instanceLinkCloseConnection: the link is down and its pending replies are forgotten
  link.disconnected = true;
  link.pendingCommands = 0;
  link.actPingTime = now;
  link.lastPingTime = 0;
  link.lastAvailTime = now;
  link.lastPongTime = now;
  master.roleReported = 'master';
  master.roleReportedTime = now;
  ctx.events.instanceEvent('warning', '+reset-master', master, master);
  ctx.monitors.masterReset(master.name);
}

/** SENTINEL RESET <pattern>: case-sensitive glob over master names; replies how many matched. */
export const resetSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'reset',
  audit: {},
  arity: 3,
  summary: 'Resets the masters whose name matches a glob pattern.',
  since: '2.8.4',
  complexity: 'O(N) for N masters',
  run({ sentinel }, argv) {
    const now = sentinel.clock.monotonic();
    const matched = [...sentinel.state.masters.values()].filter((m) => globMatch(argv[2]!, m.name));
    for (const m of matched) resetMaster(sentinel, m, now);
    return int(matched.length);
  },
};
