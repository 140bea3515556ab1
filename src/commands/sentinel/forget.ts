import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { saveAndReply } from './save.js';

/**
 * SENTINEL FORGET <master> <sentinel-runid | replica-ip:port> [FORCE] (Argus only): forget one
 * peer or replica of the master that is gone for good, where Sentinel has only RESET of all of
 * them. The master's shard drops the record (src/sentinel/forget.ts has the rules) and hands the
 * new facts back with its answer; the config is on disk before `+forget-sentinel` /
 * `+forget-slave` is published and +OK sent, as for every change the vote arithmetic reads.
 */
export const forgetSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'forget',
  audit: {},
  arity: -4,
  summary: 'Forgets one sentinel (by run id) or replica (by address) of a master (Argus only).',
  since: '7.2.4',
  complexity: 'O(N) for N replicas',
  async run({ sentinel }, argv) {
    if (argv.length > 5) return replyError.wrongArity('sentinel|forget');
    if (argv.length === 5 && argv[4]!.toLowerCase() !== 'force') return replyError.syntax();
    const name = argv[2]!;
    const target = argv[3]!;
    if (!sentinel.state.masters.has(name)) return replyError.noSuchMaster();
    const answer = await sentinel.monitors.forget(name, target, argv.length === 5);
    if (answer === null) return replyError.noSuchMaster();
    if (!answer.ok) {
      switch (answer.error) {
        case 'no-such-sentinel':
          return replyError.noSuchSentinel();
        case 'no-such-replica':
          return replyError.noSuchReplica();
        case 'failover-in-progress':
          return replyError.failoverInProgress();
        case 'reachable':
          return replyError.forgetReachable(target);
      }
    }
    const reply = await saveAndReply(sentinel);
    sentinel.events.publish('warning', answer.type, answer.text, name);
    return reply;
  },
};
