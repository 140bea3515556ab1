import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { announceOf, instanceMap } from './instance-map.js';
import { liveMaster } from './live-master.js';

const run: CommandRun = async ({ sentinel }, argv) => {
  const master = await liveMaster(sentinel, argv[2]!);
  if (master === undefined) return replyError.noSuchMaster();
  return instanceMap(master, sentinel.clock.monotonic(), announceOf(sentinel));
};

const base = {
  ...SENTINEL_ADMIN,
  arity: 3,
  complexity: 'O(1)',
  run,
};

/** SENTINEL MASTER <name>: the instance map of one master (exact, case-sensitive name). */
export const masterSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'master',
  summary: 'Shows the state of one master.',
  since: '2.8.4',
};

/** Valkey 8's name for MASTER. */
export const primarySubcommand: ArgusCommandSpec = {
  ...base,
  name: 'primary',
  summary: 'Shows the state of one primary (alias of MASTER).',
  since: '8.0.0',
};
