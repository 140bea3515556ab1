/**
 * Faults done to a redis-server, and the seeded randomness that picks them.
 *
 *   hang — SIGSTOP: the socket stays open, the kernel still accepts connections into the
 *          backlog, nothing is answered; recovered with SIGCONT.
 *   kill — SIGKILL: every connection is reset, new connections are refused; recovered by
 *          starting redis-server again on the same port (an empty master with a new run id).
 *
 * The fault time is taken right after the kill(2) that does it returns.
 */
import type { RedisServer } from './fleet.js';

export type FaultKind = 'hang' | 'kill';
export const FAULT_KINDS: readonly FaultKind[] = ['hang', 'kill'];

/** Does the fault; resolves with performance.now() right after the signal was sent. */
export async function injectFault(server: RedisServer, kind: FaultKind): Promise<number> {
  if (kind === 'hang') {
    server.hang();
    return performance.now();
  }
  const done = server.kill();
  const at = performance.now();
  await done;
  return at;
}

/** Undoes the fault; resolves with performance.now() once the server can answer again. */
export async function recoverFault(server: RedisServer, kind: FaultKind): Promise<number> {
  if (kind === 'hang') server.resume();
  else await server.restart();
  return performance.now();
}

/** mulberry32: a small seeded PRNG, so a run can be repeated with `--seed`. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates in place. */
export function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** `n` fault kinds, as even a mix as `n` allows, in random order. */
export function faultPlan(n: number, random: () => number): FaultKind[] {
  return shuffle(Array.from({ length: n }, (_, i) => FAULT_KINDS[i % FAULT_KINDS.length]!), random);
}
