import { addrEqualsHostname, announceHost } from './addr-match.js';
import type { Addr } from './address.js';
import { instanceEvent, type Effect } from './effects.js';
import { freezeEvents, raiseEpoch, textEvent, type FailoverContext } from './failover-context.js';
import type { Hello } from './hello.js';
import { newSentinelRecord, type MasterRecord, type SentinelRecord } from './instance.js';
import { clientReconfig } from './promotion.js';
import { resetMasterAndChangeAddress, sameAddrOrHostname, validAddr } from './switch-master.js';

export { isOwnHello, parseHello } from './hello.js';

/** sentinel.c removeMatchingSentinelFromMaster: drop every peer record of `master` with this run id. */
function removeRunid(master: MasterRecord, runid: string): Effect[] {
  const out: Effect[] = [];
  for (const [key, s] of [...master.sentinels]) {
    if (s.runid !== runid) continue;
    master.sentinels.delete(key);
    out.push({ kind: 'sentinel-removed', sentinel: s, master });
  }
  return out;
}

/**
 * The `+sentinel-invalid-addr` removal for masters of another shard: forget the peer with this
 * run id under each of `masters` (the shell performs the `sentinel-removed` effects and
 * flushes). Called by the shell on receiving a `forget-sentinel` effect from another shard.
 */
export function forgetSentinel(masters: Iterable<MasterRecord>, runid: string): Effect[] {
  const out: Effect[] = [];
  for (const m of masters) out.push(...removeRunid(m, runid));
  if (out.length > 0) out.push({ kind: 'flush-config' });
  return out;
}

/** getSentinelRedisInstanceByAddrAndRunID over one master's peers (runid null: by address only). */
function findPeer(master: MasterRecord, addr: Addr, runid: string | null, ctx: FailoverContext): SentinelRecord | null {
  if (!validAddr(addr.host, addr.port, ctx)) return null;
  for (const s of master.sentinels.values()) {
    if (runid !== null && s.runid !== runid) continue;
    if (sameAddrOrHostname(s.addr, addr, ctx)) return s;
  }
  return null;
}

/**
 * sentinel.c sentinelUpdateSentinelAddressInAllMasters: the peer `si` moved; give its new
 * address to its records under the other masters and reconnect them. `+sentinel-address-update
 * <si> <n> additional matching instances` when any were updated.
 */
function updateAddressElsewhere(si: SentinelRecord, master: MasterRecord, others: Iterable<MasterRecord>): Effect[] {
  const out: Effect[] = [];
  let updated = 0;
  for (const m of others) {
    if (m === master) continue;
    for (const s of m.sentinels.values()) {
      if (s.runid !== si.runid) continue;
      s.addr = si.addr;
      out.push({ kind: 'sentinel-address-changed', sentinel: s, master: m });
      updated++;
    }
  }
  if (updated > 0) out.push(instanceEvent('notice', '+sentinel-address-update', si, master, `${updated} additional matching instances`));
  return out;
}

/**
 * sentinel.c sentinelProcessHelloMessage (monitoring.md §5.2) for a parsed hello about
 * `master` (the shell looks the master up by hello.masterName and drops hellos for masters it
 * does not monitor; on the pub/sub path it first drops payloads containing our myid: isOwnHello).
 * `shardMasters` are the masters this shell holds (including `master`): the peer-wide rules
 * apply to them here; other shards get `forget-sentinel`.
 *
 * 1. Unknown (address, run id) for this master: remove the records of that run id
 *    (`+sentinel-address-switch <master> ip <ip> port <port> for <runid>`), or, if none, remove
 *    any other run id announced at that address from every master (`+sentinel-invalid-addr
 *    <old peer>`, `forget-sentinel`); then create the record (`+sentinel` unless it was a
 *    switch; `sentinel-added`; after a switch the run id's records under the other masters take
 *    the new address: `sentinel-address-changed`, `+sentinel-address-update`); flush.
 * 2. A larger current epoch is adopted (`raise-epoch`, flush, `+new-epoch <epoch>`).
 * 3. From a known sender, a larger master config epoch is adopted (flush); if the announced
 *    master address differs from ours: `+config-update-from <sender>`, `+switch-master <name>
 *    <old-ip> <old-port> <new-ip> <new-port>`, the master record switched
 *    (resetMasterAndChangeAddress: `+slave` ×n, `switch-master`, flush), then the
 *    client-reconfig script with role observer. Accepted in TILT too.
 * 4. The sender's last-hello time = now.
 * Also for the Sentinel PUBLISH command (no own-myid filter there).
 */
export function processHelloMessage(
  master: MasterRecord,
  hello: Hello,
  ctx: FailoverContext,
  shardMasters: Iterable<MasterRecord> = [master],
): Effect[] {
  const out: Effect[] = [];
  const addr: Addr = { host: hello.ip, port: hello.port };
  let si = findPeer(master, addr, hello.runid, ctx);

  if (si === null) {
    const removed = removeRunid(master, hello.runid);
    out.push(...removed);
    if (removed.length > 0) {
      out.push(instanceEvent('notice', '+sentinel-address-switch', master, master, `ip ${hello.ip} port ${hello.port} for ${hello.runid}`));
    } else {
      const other = findPeer(master, addr, null, ctx);
      if (other !== null && other.runid !== null) {
        out.push(instanceEvent('notice', '+sentinel-invalid-addr', other, master));
        for (const m of shardMasters) out.push(...removeRunid(m, other.runid));
        if (master.sentinels.has(other.name)) out.push(...removeRunid(master, other.runid));
        out.push({ kind: 'forget-sentinel', runid: other.runid });
      }
    }
    if (validAddr(addr.host, addr.port, ctx) && !master.sentinels.has(hello.runid)) {
      si = newSentinelRecord(hello.runid, addr, master, ctx.now);
      master.sentinels.set(hello.runid, si);
      if (removed.length === 0) out.push(instanceEvent('notice', '+sentinel', si, master));
      out.push({ kind: 'sentinel-added', sentinel: si, master });
      if (removed.length > 0) out.push(...updateAddressElsewhere(si, master, shardMasters));
      out.push({ kind: 'flush-config' });
    }
  }

  if (hello.currentEpoch > ctx.currentEpoch) {
    out.push(...raiseEpoch(ctx, hello.currentEpoch), { kind: 'flush-config' });
    out.push(textEvent('warning', '+new-epoch', String(ctx.currentEpoch), master));
  }

  if (si !== null && master.configEpoch < hello.masterConfigEpoch) {
    master.configEpoch = hello.masterConfigEpoch;
    out.push({ kind: 'flush-config' });
    if (hello.masterPort !== master.addr.port || !addrEqualsHostname(master.addr, hello.masterIp, ctx)) {
      const from = master.addr;
      out.push(instanceEvent('warning', '+config-update-from', si, master));
      out.push(textEvent('warning', '+switch-master',
        `${master.name} ${announceHost(from, ctx)} ${from.port} ${hello.masterIp} ${hello.masterPort}`, master));
      freezeEvents(out, ctx);
      const switched = resetMasterAndChangeAddress(master, hello.masterIp, hello.masterPort, ctx);
      if (switched !== null) out.push(...switched);
      out.push(...clientReconfig(master, 'observer', from, master.addr, ctx));
    }
  }

  if (si !== null) si.lastHelloTime = ctx.now;
  return out;
}
