import { ARGUS_VERSION } from '../../version.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { saveAndReply } from './save.js';

/** A year: longer maintenance is a mistake more often than a plan (ON without seconds has no expiry). */
export const MAINTENANCE_MAX_SECONDS = 365 * 24 * 3600;

/**
 * Argus: SENTINEL MAINTENANCE <master> ON [seconds] | OFF. ON suppresses this sentinel's automatic
 * failover of the master until OFF or, with seconds, until they have passed (a later ON replaces
 * the expiry); the rules and events are in src/sentinel/maintenance.ts. The setting is the
 * operator's (`argus-maintenance` in the config, pushed to the shard like SENTINEL SET's), saved
 * before the +OK; the shard publishes +argus-maintenance / -argus-maintenance as it sees it.
 */
export const maintenanceSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'maintenance',
  audit: {},
  arity: -4,
  summary: 'Suppresses the automatic failover of a master (Argus).',
  // an Argus-only subcommand: the Argus version that added it
  since: ARGUS_VERSION,
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    const mode = argv[3]!.toLowerCase();
    if (mode === 'off') {
      if (argv.length > 4) return replyError.syntax();
      master.argusMaintenanceUntil = null;
    } else if (mode === 'on') {
      if (argv.length > 5) return replyError.syntax();
      let until = 0;
      if (argv.length === 5) {
        const seconds = parseInteger(argv[4]!);
        if (seconds === null || seconds < 1 || seconds > MAINTENANCE_MAX_SECONDS) return replyError.maintenanceBadArg(argv[4]!);
        until = Math.round(sentinel.clock.wall()) + seconds * 1000;
      }
      master.argusMaintenanceUntil = until;
    } else {
      return replyError.maintenanceBadArg(argv[3]!);
    }
    return saveAndReply(sentinel);
  },
};
