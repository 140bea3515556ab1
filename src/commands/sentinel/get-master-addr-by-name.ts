import { arrayOf, bulk, nullArray } from '../../resp/reply.js';
import { announceHost } from '../../sentinel/addr-match.js';
import { currentMasterAddr } from '../../sentinel/state.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec, type CommandRun } from '../spec.js';
import { announceOf } from './instance-map.js';

/**
 * The current address (the promoted replica's from reconf_slaves on), announced: the hostname,
 * or with announce-hostnames no the IP it resolves to, which the master's shard sends up with
 * its facts (no lookup here). An unknown name is a null, not an error.
 */
const run: CommandRun = ({ sentinel }, argv) => {
  const master = sentinel.state.masters.get(argv[2]!);
  if (master === undefined) return nullArray;
  const addr = currentMasterAddr(master);
  return arrayOf(bulk(announceHost(addr, announceOf(sentinel))), bulk(String(addr.port)));
};

const base = {
  ...SENTINEL_ADMIN,
  arity: 3,
  complexity: 'O(1)',
  run,
};

/** SENTINEL GET-MASTER-ADDR-BY-NAME <name>: what every client asks first. */
export const getMasterAddrByNameSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'get-master-addr-by-name',
  summary: 'Returns the address of the current master of a group.',
  since: '2.8.4',
};

/** Valkey 8's name. */
export const getPrimaryAddrByNameSubcommand: ArgusCommandSpec = {
  ...base,
  name: 'get-primary-addr-by-name',
  summary: 'Returns the address of the current primary of a group (alias of GET-MASTER-ADDR-BY-NAME).',
  since: '8.0.0',
};
