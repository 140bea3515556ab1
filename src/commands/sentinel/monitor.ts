import { isIpLiteral } from '../../sentinel/address.js';
import { createMaster } from '../../sentinel/state.js';
import { parseInteger } from '../parse-int.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import { rejectControlChars } from './control-chars.js';
import { hostResolver } from './host-check.js';
import { saveAndReply } from './save.js';

/**
 * SENTINEL MONITOR <name> <ip> <port> <quorum>, validated in sentinel.c's order (Valkey 9's
 * control-character check first). The reply waits for the config file; `+monitor` follows the
 * save whether it succeeded or not, as in Redis, and the new master stays monitored either way.
 */
export const monitorSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'monitor',
  audit: {},
  arity: 6,
  summary: 'Starts monitoring a new master.',
  since: '2.8.4',
  complexity: 'O(1)',
  async run({ sentinel }, argv) {
    const bad = rejectControlChars(argv, 2, 'SENTINEL MONITOR');
    if (bad !== null) return bad;
    const [name, host] = [argv[2]!, argv[3]!];
    const quorum = parseInteger(argv[5]!);
    if (quorum === null) return replyError.invalidQuorum();
    const port = parseInteger(argv[4]!);
    if (port === null) return replyError.invalidPort();
    if (quorum <= 0) return replyError.quorumTooSmall();
    const { state } = sentinel;
    const hostOk = isIpLiteral(host) || (state.resolveHostnames && (await hostResolver.resolves(host)));
    if (!hostOk) return replyError.invalidAddress();
    const created = createMaster(state, name, host, port, quorum, sentinel.clock.monotonic());
    if (!created.ok) return replyError.createFailed(created.error);
    const reply = await saveAndReply(sentinel);
    const master = created.value;
    sentinel.events.instanceEvent('warning', '+monitor', master, master, `quorum ${master.quorum}`);
    sentinel.monitors.masterAdded(name);
    return reply;
  },
};
