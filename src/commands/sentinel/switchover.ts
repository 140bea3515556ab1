import { ARGUS_VERSION } from '../../version.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { userFailoverReply } from './failover.js';

/**
 * Argus: SENTINEL SWITCHOVER <master> <replica-ip> <replica-port>: a coordinated failover
 * (SENTINEL FAILOVER <master> COORDINATED) that promotes the named replica. The master's
 * coordinator validates it (startUserFailover, coordinated.ts switchoverRefusal): known
 * (`-ERR No such replica with that address`), no failover running (`-INPROG`), a reachable master
 * on Redis 6.2+, and the replica up, connected, replicating and at most
 * SWITCHOVER_MAX_LAG_BYTES behind (`-NOGOODSLAVE The replica is not suitable for promotion: ...`).
 * A replica with priority 0 is accepted: the operator chose it.
 */
export const switchoverSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'switchover',
  arity: 5,
  summary: 'Moves the master role to the named replica without losing acknowledged writes (Argus).',
  // an Argus-only subcommand: the Argus version that added it
  since: ARGUS_VERSION,
  complexity: 'O(N) where N is the number of replicas',
  async run({ sentinel }, argv) {
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    const port = parseInteger(argv[4]!);
    if (port === null || port <= 0 || port > 65535) return replyError.invalidPort();
    const target = { host: argv[3]!, port };
    return userFailoverReply(await sentinel.monitors.userFailover(master.name, { coordinated: true, target }));
  },
};
