/**
 * The sockets of a simulated fleet: one listening socket per instance on its own ip:port
 * (127.0.0.0/8 is all loopback on Linux, so thousands of instances can share port 6379 on
 * distinct addresses, as Sentinel tells instances apart by ip:port), the project's own RESP
 * reader and writer on every connection, and the faults:
 *
 *   hang    — like SIGSTOP: sockets stay open and new connections are still accepted, but
 *             nothing is read or answered; on recover the queued commands are answered in
 *             order, as a SIGCONTed redis-server does.
 *   kill    — like SIGKILL: listener closed (new connections refused), every connection closed.
 *             recover boots it again on the same address with a new run id.
 *   busy    — a script that will not end: PING and INFO answer -BUSY until SCRIPT KILL.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { CommandReader } from '../../src/resp/command-reader.js';
import { err, type Reply } from '../../src/resp/reply.js';
import { writeReplies } from '../../src/resp/reply-writer.js';
import { execute, newClient, type Clock } from './commands.js';
import type { SimClient, SimInstance, SimWorld } from './model.js';

export type FaultAction = 'hang' | 'kill' | 'busy' | 'recover';

export const HELLO_CHANNEL = '__sentinel__:hello';

export interface SimStats {
  /** instances in the world */
  readonly instances: number;
  /** instances answering (not hung, not dead) */
  readonly up: number;
  /**
   * live instances a sentinel has fully linked: INFO answered, a hello subscriber, a hello
   * published (the three things Sentinel does to every master and replica it knows)
   */
  readonly linked: number;
  /** live instances that have answered at least one INFO since they booted */
  readonly infoServed: number;
  readonly connections: number;
  readonly commands: number;
}

export const clockNow = (): Clock => {
  const now = performance.now();
  return { now, wallMs: performance.timeOrigin + now };
};

interface Conn {
  readonly socket: Socket;
  readonly client: SimClient;
}

export class SimServer {
  readonly world: SimWorld;
  readonly #listeners = new Map<SimInstance, Server>();
  readonly #conns = new Map<SimInstance, Set<Conn>>();
  #nextId = 1;
  #commands = 0;

  constructor(world: SimWorld) {
    this.world = world;
  }

  /** Opens `inst`'s listening socket; rejects on EADDRINUSE and the like. */
  listen(inst: SimInstance): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.#accept(inst, socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: inst.ip, port: inst.port, backlog: 511, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        this.#listeners.set(inst, server);
        resolve();
      });
    });
  }

  #accept(inst: SimInstance, socket: Socket): void {
    if (inst.state === 'dead') {
      socket.destroy();
      return;
    }
    socket.on('error', () => {});
    let processing = false;
    let closing = false;
    const close = (): void => {
      inst.clients.delete(client);
      if (processing) closing = true; // after this batch's replies are written
      else socket.end(() => socket.destroy());
    };
    const client = newClient(this.#nextId++, `${socket.remoteAddress}:${socket.remotePort}`, {
      push: (frame) => {
        if (!socket.destroyed && socket.writable) socket.write(frame);
      },
      kill: close,
    });
    const conn: Conn = { socket, client };
    inst.clients.add(client);
    let set = this.#conns.get(inst);
    if (!set) this.#conns.set(inst, (set = new Set()));
    set.add(conn);
    const reader = new CommandReader();
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      const out: Reply[] = [];
      processing = true;
      const clock = clockNow();
      for (;;) {
        const r = reader.next();
        if (r.kind === 'need-more') break;
        if (r.kind === 'error') {
          out.push(err(`ERR ${r.message}`));
          close();
          break;
        }
        this.#commands++;
        out.push(...execute(this.world, inst, client, r.argv, clock));
        if (closing) break;
      }
      processing = false;
      if (out.length && socket.writable) socket.write(writeReplies(out, 2));
      if (closing) socket.end(() => socket.destroy());
    });
    socket.once('close', () => {
      inst.clients.delete(client);
      set.delete(conn);
    });
    if (inst.state === 'hung') socket.pause();
  }

  fault(inst: SimInstance, action: FaultAction): void {
    const clock = clockNow();
    switch (action) {
      case 'hang':
        if (inst.state !== 'up') return;
        this.world.hang(inst);
        for (const c of this.#conns.get(inst) ?? []) c.socket.pause();
        return;
      case 'busy':
        this.world.setBusy(inst);
        return;
      case 'kill': {
        if (inst.state === 'dead') return;
        this.world.kill(inst, clock.now);
        this.#listeners.get(inst)?.close();
        this.#listeners.delete(inst);
        for (const c of this.#conns.get(inst) ?? []) c.socket.destroy();
        this.#conns.delete(inst);
        inst.clients.clear();
        return;
      }
      case 'recover': {
        const wasDead = inst.state === 'dead';
        this.world.recover(inst, clock.now);
        if (wasDead) {
          // Rebinding the same address right after close: Node sets SO_REUSEADDR, so this
          // only fails if something else took the address meanwhile.
          this.listen(inst).catch(() => this.world.kill(inst, clockNow().now));
        } else {
          for (const c of this.#conns.get(inst) ?? []) c.socket.resume();
        }
        return;
      }
      default:
        return assertNever(action);
    }
  }

  stats(): SimStats {
    let up = 0;
    let linked = 0;
    let infoServed = 0;
    let connections = 0;
    for (const inst of this.world.instances.values()) {
      connections += inst.clients.size;
      if (inst.state !== 'up') continue;
      up++;
      if (inst.infoServed > 0) infoServed++;
      if (inst.infoServed > 0 && inst.publishes > 0 && inst.subscribers(HELLO_CHANNEL) > 0) linked++;
    }
    return { instances: this.world.instances.size, up, linked, infoServed, connections, commands: this.#commands };
  }

  /** Closes every listener and connection. */
  async close(): Promise<void> {
    const closing = [...this.#listeners.values()].map((s) => new Promise((r) => s.close(r)));
    for (const set of this.#conns.values()) for (const c of set) c.socket.destroy();
    this.#conns.clear();
    this.#listeners.clear();
    await Promise.all(closing);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown fault ${String(x)}`);
}
