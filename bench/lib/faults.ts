/**
 * Faults done to a redis-server, and the seeded randomness that picks them.
 *
 *   hang — SIGSTOP: the socket stays open, the kernel still accepts connections into the
 *          backlog, nothing is answered; recovered with SIGCONT.
 *   kill — SIGKILL: every connection is reset, new connections are refused; recovered by
 *          starting redis-server again on the same port (an empty master with a new run id).
 *
 * And two blips a sentinel must ride out without declaring the master down:
 *
 *   drop  — CLIENT KILL TYPE normal and TYPE pubsub on the master: every sentinel's command and
 *           pub/sub link is reset at once, as a flapping switch or a restarted proxy would do,
 *           while replication links stay up. Needs no root and no firewall rule.
 *   stall — SIGSTOP for a time shorter than down-after, then SIGCONT: a GC-like pause, a slow
 *           fork, a VM steal. Replies arrive late but before the deadline.
 *
 * The fault time is taken right after the kill(2) that does it returns (or the CLIENT KILL is
 * written).
 */
import { sleep, type RedisServer } from './fleet.js';

export type FaultKind = 'hang' | 'kill';
export const FAULT_KINDS: readonly FaultKind[] = ['hang', 'kill'];

export type BlipKind = 'drop' | 'stall';
export type LatencyKind = FaultKind | BlipKind;
export const LATENCY_KINDS: readonly LatencyKind[] = ['hang', 'kill', 'drop', 'stall'];
/** hang and kill take the master away until it is recovered; a blip ends by itself */
export const isOutage = (k: LatencyKind): k is FaultKind => k === 'hang' || k === 'kill';

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

/** drop: moved to the test helpers, where the fault tests use it too. */
export { dropConnections } from '../../test/helpers/faults.js';

/** stall: SIGSTOP (`onStopped` gets its time), `ms` later SIGCONT; resolves with the SIGCONT time. */
export async function stallServer(server: RedisServer, ms: number, onStopped: (at: number) => void): Promise<number> {
  server.hang();
  onStopped(performance.now());
  await sleep(ms);
  server.resume();
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
