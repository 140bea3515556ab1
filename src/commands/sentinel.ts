import { SENTINEL_ADMIN, subcommandMap, type ArgusCommandSpec } from './spec.js';
import { ckquorumSubcommand } from './sentinel/ckquorum.js';
import { configSubcommand } from './sentinel/config.js';
import { debugSubcommand } from './sentinel/debug.js';
import { doctorSubcommand } from './sentinel/doctor.js';
import { eventsSubcommand } from './sentinel/events.js';
import { failoverSubcommand } from './sentinel/failover.js';
import { failoverPlanSubcommand } from './sentinel/failover-plan.js';
import { flushconfigSubcommand } from './sentinel/flushconfig.js';
import { forgetSubcommand } from './sentinel/forget.js';
import { getMasterAddrByNameSubcommand, getPrimaryAddrByNameSubcommand } from './sentinel/get-master-addr-by-name.js';
import { helpSubcommand } from './sentinel/help.js';
import { infoCacheSubcommand } from './sentinel/info-cache.js';
import { isMasterDownByAddrSubcommand, isPrimaryDownByAddrSubcommand } from './sentinel/is-master-down-by-addr.js';
import { maintenanceSubcommand } from './sentinel/maintenance.js';
import { switchoverSubcommand } from './sentinel/switchover.js';
import { masterSubcommand, primarySubcommand } from './sentinel/master.js';
import { mastersSubcommand, primariesSubcommand } from './sentinel/masters.js';
import { monitorSubcommand } from './sentinel/monitor.js';
import { myidSubcommand } from './sentinel/myid.js';
import { pendingScriptsSubcommand } from './sentinel/pending-scripts.js';
import { removeSubcommand } from './sentinel/remove.js';
import { replicasSubcommand, slavesSubcommand } from './sentinel/replicas.js';
import { resetSubcommand } from './sentinel/reset.js';
import { sentinelsSubcommand } from './sentinel/sentinels.js';
import { setSubcommand } from './sentinel/set.js';
import { simulateFailureSubcommand } from './sentinel/simulate-failure.js';

/** SENTINEL: a container; every subcommand has a file of its own under sentinel/. */
export const sentinelCommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'sentinel',
  arity: -2,
  summary: 'A container for the Sentinel subcommands.',
  since: '2.8.4',
  complexity: 'Depends on subcommand.',
  subcommands: subcommandMap(
    ckquorumSubcommand,
    configSubcommand,
    debugSubcommand,
    doctorSubcommand,
    eventsSubcommand,
    failoverSubcommand,
    failoverPlanSubcommand,
    flushconfigSubcommand,
    forgetSubcommand,
    getMasterAddrByNameSubcommand,
    getPrimaryAddrByNameSubcommand,
    helpSubcommand,
    infoCacheSubcommand,
    isMasterDownByAddrSubcommand,
    isPrimaryDownByAddrSubcommand,
    maintenanceSubcommand,
    masterSubcommand,
    mastersSubcommand,
    monitorSubcommand,
    myidSubcommand,
    pendingScriptsSubcommand,
    primarySubcommand,
    primariesSubcommand,
    removeSubcommand,
    replicasSubcommand,
    resetSubcommand,
    sentinelsSubcommand,
    setSubcommand,
    simulateFailureSubcommand,
    slavesSubcommand,
    switchoverSubcommand,
  ),
};
