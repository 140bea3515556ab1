import { rng } from '../../../bench/lib/faults.js';
import type { Clock } from '../../../bench/sim/commands.js';
import { newClient } from '../../../bench/sim/commands.js';
import { SimWorld, type SimClient, type SimInstance } from '../../../bench/sim/model.js';

/** A client that records what is pushed to it and whether it was killed, attached to `inst`. */
export interface TestClient extends SimClient {
  readonly frames: string[];
  killed: boolean;
}

let nextId = 1;

export function attach(inst: SimInstance, addr = `127.0.0.1:${40000 + nextId}`): TestClient {
  const frames: string[] = [];
  const c = newClient(nextId++, addr, {
    push: (f) => frames.push(f.toString('latin1')),
    kill: () => {
      (c as TestClient).killed = true;
      inst.clients.delete(c);
    },
  }) as TestClient;
  Object.assign(c, { frames, killed: false });
  inst.clients.add(c);
  return c;
}

export const clockAt = (now: number): Clock => ({ now, wallMs: 1_800_000_000_000 + now });

/** m (127.9.0.1:6379) with replicas r1 and r2 (127.9.0.2, 127.9.0.3), booted at t=0. */
export function group(opts: { propagatePublish?: boolean } = {}) {
  const world = new SimWorld({ random: rng(7), ...opts });
  const m = world.add('127.9.0.1', 6379, 0);
  const r1 = world.add('127.9.0.2', 6379, 0, { master: m });
  const r2 = world.add('127.9.0.3', 6379, 0, { master: m, priority: 50 });
  return { world, m, r1, r2 };
}
