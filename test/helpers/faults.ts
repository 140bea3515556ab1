/**
 * Faults done to running processes, shared by the fault tests and the benches.
 *
 *   hang — SIGSTOP: the sockets stay open and the kernel still accepts connections into the
 *          backlog, but nothing is answered until SIGCONT.
 *   kill — SIGKILL: every connection is reset and new ones are refused until a restart.
 *   drop — CLIENT KILL TYPE normal and TYPE pubsub on a redis-server: every sentinel's command
 *          and pub/sub link to it is reset at once (a flapping switch, a restarted proxy) while
 *          the server stays healthy and its replication links stay up.
 */
import type { Proc } from './processes.js';
import { encodeCommand, RawClient } from './raw-client.js';

/** SIGSTOP; returns Date.now() right after the signal was sent. */
export function hang(proc: Proc): number {
  proc.child.kill('SIGSTOP');
  return Date.now();
}

/** SIGCONT; returns Date.now() right after the signal was sent. */
export function resume(proc: Proc): number {
  proc.child.kill('SIGCONT');
  return Date.now();
}

/** SIGKILL; resolves with Date.now() taken right after the signal, once the process is gone. */
export async function kill(proc: Proc): Promise<number> {
  proc.child.kill('SIGKILL');
  const at = Date.now();
  await proc.exited;
  return at;
}

/** Connections named by a sentinel (`sentinel-<id>-cmd` / `-pubsub`) in a CLIENT LIST reply. */
export const sentinelLinks = (clientList: unknown): number => String(clientList).match(/ name=sentinel-/g)?.length ?? 0;

/** The age in seconds (CLIENT LIST `age`) of every sentinel link the redis-server on `port` holds. */
export async function sentinelLinkAges(port: number): Promise<number[]> {
  const c = await RawClient.open(port);
  try {
    return String((await c.call('CLIENT', 'LIST')).value)
      .split('\n')
      .filter((line) => / name=sentinel-/.test(line))
      .map((line) => Number(/ age=(\d+)/.exec(line)?.[1] ?? 0));
  } finally {
    c.close();
  }
}

/**
 * drop: kills every normal and pub/sub connection of the server but the one asking (SKIPME is
 * Redis's default), calls `onKilled` with performance.now() when the kill was written, then
 * watches CLIENT LIST every 10 ms until as many sentinel links are back as before, or `watchMs`
 * passes. `relinkMs` = ms from the kill until the last link is back, null if not by then.
 */
export async function dropConnections(
  port: number,
  watchMs: number,
  onKilled: (at: number) => void = () => {},
): Promise<{ at: number; killed: number; links: number; relinkMs: number | null }> {
  const c = await RawClient.open(port);
  try {
    const links = sentinelLinks((await c.call('CLIENT', 'LIST')).value);
    c.send(Buffer.concat([encodeCommand('CLIENT', 'KILL', 'TYPE', 'normal'), encodeCommand('CLIENT', 'KILL', 'TYPE', 'pubsub')]));
    const at = performance.now();
    onKilled(at);
    const killed = Number((await c.read()).value) + Number((await c.read()).value);
    for (;;) {
      const now = performance.now();
      if (sentinelLinks((await c.call('CLIENT', 'LIST')).value) >= links) return { at, killed, links, relinkMs: now - at };
      if (now > at + watchMs) return { at, killed, links, relinkMs: null };
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    c.close();
  }
}
