import { addrName, isIpLiteral, type Addr } from './address.js';
import { canonicalIp } from './addr-match.js';
import { instanceEvent, type Effect } from './effects.js';
import { newLink, newReplicaRecord, SRI, type MasterRecord, type ReplicaRecord, type SentinelRecord } from './instance.js';
import type { RuleContext } from './rule-context.js';

type AddrCtx = Pick<RuleContext, 'resolveHostnames' | 'lookupIp'>;

/** sentinel.c createSentinelAddr's checks: port in range; an IP literal unless resolve-hostnames is on. */
export function validAddr(host: string, port: number, ctx: AddrCtx): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535 && (isIpLiteral(host) || ctx.resolveHostnames);
}

/**
 * sentinel.c sentinelAddrOrHostnameEqual: same port, and the same IP or the same host ignoring
 * case. Names are resolved only through the links' cache (ctx.lookupIp).
 */
export function sameAddrOrHostname(a: Addr, b: Addr, ctx: AddrCtx): boolean {
  if (a.port !== b.port) return false;
  if (a.host.toLowerCase() === b.host.toLowerCase()) return true;
  const ip = (h: string): string | null => (isIpLiteral(h) ? canonicalIp(h) : (ctx.lookupIp?.(h) ?? null));
  const x = ip(a.host);
  return x !== null && x === ip(b.host);
}

/**
 * sentinel.c sentinelResetMaster: forget replicas (and peers unless `keepSentinels`), close the
 * master's connections, clear every flag but `master` (ending SDOWN, ODOWN and any failover),
 * drop the vote's run id (the vote epoch stays: it is persisted), clear the failover state and
 * its timers (a new failover may start at once), forget the run id and restart the PING and
 * role timers. Returns the replica records and peers that were dropped, for the shell.
 *
 * Argus also gives the master a new LinkState object (disconnected, timers from now) rather than
 * editing the old one, so nothing of the old connection — reconnect throttle, pending PING —
 * carries over (see resetMasterAndChangeAddress), and forgets the cached INFO, which described
 * the server it no longer points at after a switch.
 */
export function resetMaster(
  master: MasterRecord,
  now: number,
  keepSentinels: boolean,
): { replicas: ReplicaRecord[]; sentinels: SentinelRecord[] } {
  const replicas = [...master.replicas.values()];
  const sentinels = keepSentinels ? [] : [...master.sentinels.values()];
  master.replicas.clear();
  if (!keepSentinels) master.sentinels.clear();
  master.link = newLink(now);
  master.flags &= SRI.MASTER;
  master.leader = null;
  master.failoverState = 'none';
  master.failoverStateChangeTime = 0;
  master.failoverStartTime = 0;
  master.switchoverTarget = null;
  master.runid = null;
  master.roleReported = 'master';
  master.roleReportedTime = now;
  master.info = null;
  master.infoRefresh = 0;
  master.infoSentTime = 0;
  master.helloSentTime = 0;
  master.monitoredFailoverState = 'not-supported';
  master.monitoredFailoverChangeTime = now;
  return { replicas, sentinels };
}

/**
 * sentinel.c sentinelResetMasterAndChangeAddress (failover.md §7): point the master record at
 * host:port, used by the leader in update_config and by observers on a newer hello.
 * 1. the new replica list: every current replica address except the new master's, plus the old
 *    master address when it differs (the old master is watched, and later converted, as a
 *    replica);
 * 2. resetMaster keeping the peers;
 * 3. the new address, SDOWN/ODOWN since-times zeroed;
 * 4. a fresh replica record per address, `+slave` each (rendered when the shell performs them,
 *    so they name the master at its new address);
 * 5. `switch-master` (the shell rebuilds the master's and the replicas' actors), flush.
 * Returns null, changing nothing, when the address could not be built (a hostname without
 * resolve-hostnames, a port out of range): sentinel.c then skips the switch.
 *
 * Fresh link state, on purpose: redis-sentinel was seen declaring the just promoted master
 * `+sdown` about 1 s after a failover, because the reset kept the dead master's connection
 * object and its reconnect throttle, so the first connect to the new address could wait a
 * ping-period while act_ping_time already ran against down-after. Here the master and every
 * replica start with a new LinkState (disconnected, act_ping_time = now), and `switch-master`
 * tells the shell to build new actors and links, which connect at once.
 */
export function resetMasterAndChangeAddress(
  master: MasterRecord,
  host: string,
  port: number,
  ctx: RuleContext,
): Effect[] | null {
  if (!validAddr(host, port, ctx)) return null;
  const to: Addr = { host, port };
  const from = master.addr;
  const addrs: Addr[] = [];
  for (const r of master.replicas.values()) if (!sameAddrOrHostname(r.addr, to, ctx)) addrs.push(r.addr);
  if (!sameAddrOrHostname(to, from, ctx)) addrs.push(from);

  const { replicas: dropped } = resetMaster(master, ctx.now, true);
  master.addr = to;
  master.odownSinceTime = 0;
  master.sdownSinceTime = 0;

  const out: Effect[] = [];
  for (const a of addrs) {
    const name = addrName(a);
    if (master.replicas.has(name) || !validAddr(a.host, a.port, ctx)) continue;
    const replica = newReplicaRecord(name, a, master, ctx.now);
    master.replicas.set(name, replica);
    out.push(instanceEvent('notice', '+slave', replica, master));
  }
  out.push({ kind: 'switch-master', master, from, to, dropped }, { kind: 'flush-config' });
  return out;
}
