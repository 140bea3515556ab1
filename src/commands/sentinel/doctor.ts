import { array, bulk, map, type Reply } from '../../resp/reply.js';
import { uncheckedNode, type DoctorNodeReport } from '../../sentinel/doctor.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';

/** One node's map: `missing` (command → Redis's refusal) when it was checked, `reason` when not. */
export function doctorNodeReply(n: DoctorNodeReport): Reply {
  return map([
    ['master', bulk(n.master)],
    ['name', bulk(n.name)],
    ['role', bulk(n.role)],
    ['user', bulk(n.user)],
    ['status', bulk(n.status)],
    n.status === 'unchecked'
      ? ['reason', bulk(n.reason ?? '')]
      : ['missing', map(n.missing.map((r) => [r.command, bulk(r.error)] as const))],
  ]);
}

/**
 * SENTINEL DOCTOR <master|*> (Argus only): asks every monitored node of the master (of every
 * master with `*`), with ACL DRYRUN on Sentinel's own command connection, whether the user
 * Sentinel logs in as may run each command Sentinel sends there (src/sentinel/doctor.ts). The
 * master's shard asks; nothing is executed on the nodes and nothing changes here.
 */
export const doctorSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'doctor',
  arity: 3,
  summary: "Checks with ACL DRYRUN that Sentinel's user may run every command Sentinel needs on each node (Argus only).",
  since: '7.2.4',
  complexity: 'O(N) for N monitored nodes',
  async run({ sentinel }, argv) {
    const { masters } = sentinel.state;
    const wanted = argv[2]! === '*' ? [...masters.keys()] : [argv[2]!];
    if (!wanted.every((name) => masters.has(name))) return replyError.noSuchMaster();
    const found = await sentinel.monitors.doctor(wanted);
    const nodes = wanted.flatMap((name) => {
      const m = masters.get(name);
      const got = found.get(name);
      if (got !== undefined) return got;
      // removed meanwhile: nothing to say; else its shard is not running (restarting)
      return m === undefined ? [] : [uncheckedNode(m, m, "the master's shard did not answer (restarting?)")];
    });
    return array(nodes.map(doctorNodeReply));
  },
};
