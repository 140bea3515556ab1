import { array, bulkMap, type Reply } from '../../resp/reply.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/** events returned when no count is given */
export const EVENTS_DEFAULT_COUNT = 10;
/** the most one call returns, so a reply stays small whatever argus-event-history is */
export const EVENTS_MAX_COUNT = 1000;

/**
 * SENTINEL EVENTS <master|*> [count] (Argus): the last `count` events of the master (of every
 * master and of the process with `*`) from the event history, newest last, each as a map of
 * `id`, `time` (wall-clock ms), `type` and `text`. With argus-event-history 0 the list is empty.
 */
export const eventsSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'events',
  arity: -3,
  summary: '(Argus) Shows the last events of a master, or of all masters with *.',
  since: '7.2.0',
  complexity: 'O(N) for N events kept',
  run({ sentinel }, argv) {
    if (argv.length > 4) return replyError.subcommandSyntax(argv[1]!, argv[0]!);
    const name = argv[2]!;
    if (name !== '*' && !sentinel.state.masters.has(name)) return replyError.noSuchMaster();
    let count = EVENTS_DEFAULT_COUNT;
    if (argv[3] !== undefined) {
      const n = parseInteger(argv[3]);
      if (n === null) return replyError.notInteger();
      if (n <= 0) return replyError.notPositive();
      count = Math.min(n, EVENTS_MAX_COUNT);
    }
    const entries = sentinel.history?.last(count, name === '*' ? undefined : name) ?? [];
    return array(entries.map((e): Reply => bulkMap([['id', e.id], ['time', e.time], ['type', e.type], ['text', e.text]])));
  },
};
