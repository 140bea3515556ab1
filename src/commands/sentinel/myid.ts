import { bulk } from '../../resp/reply.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/** SENTINEL MYID: this sentinel's 40-character id. */
export const myidSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'myid',
  arity: 2,
  summary: 'Returns the id of this sentinel.',
  since: '6.2.0',
  complexity: 'O(1)',
  run: ({ sentinel }) => bulk(sentinel.state.myid),
};
