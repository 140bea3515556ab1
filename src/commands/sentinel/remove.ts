import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { saveAndReply } from './save.js';

/**
 * SENTINEL REMOVE <name>: `-monitor` goes out first, while the master (and so its notification
 * script) still exists; then the master, its replicas and peers are dropped and the file saved.
 */
export const removeSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'remove',
  audit: {},
  arity: 3,
  summary: 'Stops monitoring a master.',
  since: '2.8.4',
  complexity: 'O(1)',
  run({ sentinel }, argv) {
    const master = sentinel.state.masters.get(argv[2]!);
    if (master === undefined) return replyError.noSuchMaster();
    sentinel.events.instanceEvent('warning', '-monitor', master, master);
    sentinel.state.masters.delete(master.name);
    sentinel.monitors.masterRemoved(master.name);
    return saveAndReply(sentinel);
  },
};
