/**
 * Is a data group whole? Every sentinel (one Querier each) names the same master with flags
 * `master`, knows its S − 1 peers and lists every other server as a healthy `slave`; that master
 * says ROLE master and every other server is a connected replica of it. The servers are asked
 * first: they are cheap to ask, and the polling stays off the sentinels being measured until the
 * servers already look whole. Resolves with a reason when not whole.
 */
import { fields, type Value } from '../../test/helpers/raw-client.js';
import type { RedisServer } from './fleet.js';
import { callOnce, type Querier } from './querier.js';

export async function groupCheck(
  queriers: readonly Querier[],
  name: string,
  servers: readonly RedisServer[],
  sentinels: number,
): Promise<{ ok: true; master: number } | { ok: false; why: string }> {
  const roles = new Map<number, string[]>();
  for (const s of servers) {
    try {
      const role = await callOnce(s.port, 2_000, 'ROLE');
      roles.set(s.port, Array.isArray(role) ? role.map(String) : []);
    } catch (e) {
      return { ok: false, why: `ROLE of ${s.port}: ${(e as Error).message}` };
    }
  }
  const masters = [...roles].filter(([, r]) => r[0] === 'master').map(([port]) => port);
  if (masters.length !== 1) return { ok: false, why: `${masters.length} servers say ROLE master (${masters.join(', ')})` };
  const master = masters[0]!;
  for (const [port, r] of roles) {
    if (port !== master && (r[0] !== 'slave' || Number(r[2]) !== master || r[3] !== 'connected')) {
      return { ok: false, why: `ROLE of ${port} is ${r.slice(0, 4).join(' ')}, master is ${master}` };
    }
  }
  let views: { port: number; flags: string; others: number; replicas: Map<number, string> }[];
  try {
    views = await Promise.all(
      queriers.map(async (q) => {
        const m = fields(await q.call('SENTINEL', 'MASTER', name));
        const reps = (await q.call('SENTINEL', 'REPLICAS', name)) as Value[];
        const replicas = new Map<number, string>();
        for (const r of Array.isArray(reps) ? reps : []) {
          const rf = fields(r);
          replicas.set(Number(rf.port), String(rf.flags));
        }
        return { port: Number(m.port), flags: String(m.flags), others: Number(m['num-other-sentinels']), replicas };
      }),
    );
  } catch (e) {
    return { ok: false, why: `sentinel query failed: ${(e as Error).message}` };
  }
  for (const [i, v] of views.entries()) {
    if (v.port !== master) return { ok: false, why: `sentinels name ${views.map((x) => x.port).join(', ')}, the servers ${master}` };
    if (v.flags !== 'master') return { ok: false, why: `sentinel #${i} flags the master ${v.flags}` };
    if (v.others !== sentinels - 1) return { ok: false, why: `sentinel #${i} knows ${v.others} other sentinels` };
    for (const s of servers) {
      if (s.port === master) continue;
      const flags = v.replicas.get(s.port);
      if (flags !== 'slave') return { ok: false, why: `sentinel #${i} sees replica ${s.port} as ${flags ?? 'unknown'}` };
    }
  }
  return { ok: true, master };
}
