import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { saveAndReply } from './save.js';

/** SENTINEL FLUSHCONFIG: rewrite the config file now. */
export const flushconfigSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'flushconfig',
  audit: {},
  arity: 2,
  summary: 'Rewrites the config file with the current state.',
  since: '2.8.4',
  complexity: 'O(1)',
  run: ({ sentinel }) => saveAndReply(sentinel),
};
