import { announceHost } from './addr-match.js';
import type { Addr } from './address.js';
import { instanceEvent, type Effect } from './effects.js';
import { killClientsCommands } from './coordinated.js';
import { SRI, type MasterRecord, type ReplicaRecord } from './instance.js';
import { forceHelloUpdate } from './periodic.js';
import type { RuleContext } from './rule-context.js';

/**
 * sentinelCallClientReconfScript as an effect: `<master-name> <leader|observer> start <from-ip>
 * <from-port> <to-ip> <to-port>`, addresses in their announced form. Nothing without a
 * client-reconfig-script.
 */
export function clientReconfig(
  master: MasterRecord,
  role: 'leader' | 'observer',
  from: Addr,
  to: Addr,
  ctx: RuleContext,
): Effect[] {
  const script = master.clientReconfigScript;
  if (script === null) return [];
  const args = [master.name, role, 'start', announceHost(from, ctx), String(from.port), announceHost(to, ctx), String(to.port)];
  return [{ kind: 'client-reconfig', master, script, role, state: 'start', from, to, args }];
}

/**
 * The promotion branch of sentinel.c sentinelRefreshInstanceInfo (failover.md §5.4): our
 * promoted replica reports role:master while the failover waits for it (refresh-info.ts calls
 * this outside TILT only).
 * 1. config epoch = failover epoch (never lowered: epochs only grow), state reconf_slaves from
 *    now, flush — from here GET-MASTER-ADDR-BY-NAME and our hellos name the promoted replica;
 * 2. `+promoted-slave <replica>`, then the crash-after-promotion checkpoint;
 * 3. `+failover-state-reconf-slaves <master>`;
 * 4. the client-reconfig script, role leader, old master → promoted replica;
 * 5. hellos forced out at once to the master, its replicas and peers (`force-hello`).
 * Afterwards the shell runs handleMaster so the other replicas are re-pointed at once.
 * V9 coordinated mode, after `+promoted-slave`: the old master and the promoted replica get
 * CONFIG REWRITE, the client kills and CLIENT UNPAUSE (killClientsCommands), so clients reconnect
 * and ask for the new master, and the write pause ends.
 */
export function promotionConfirmed(master: MasterRecord, promoted: ReplicaRecord, ctx: RuleContext): Effect[] {
  master.configEpoch = Math.max(master.configEpoch, master.failoverEpoch);
  master.failoverState = 'reconf_slaves';
  master.failoverStateChangeTime = ctx.now;
  forceHelloUpdate(master, ctx.timings.publishPeriod);
  return [
    { kind: 'flush-config' },
    instanceEvent('warning', '+promoted-slave', promoted, master),
    { kind: 'simulated-crash', when: 'after-promotion' },
    ...(master.flags & SRI.COORDINATED_FAILOVER
      ? [master, promoted].map((instance): Effect => ({ kind: 'send-commands', instance, master, commands: killClientsCommands() }))
      : []),
    instanceEvent('warning', '+failover-state-reconf-slaves', master, master),
    ...clientReconfig(master, 'leader', master.addr, promoted.addr, ctx),
    { kind: 'force-hello', master },
  ];
}
