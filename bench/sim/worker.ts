/**
 * A simulator process: hosts the instances it is given over IPC until told to stop, or until
 * its parent goes away (the IPC channel closes), so a bench killed mid-run leaves nothing behind.
 */
import { rng } from '../lib/faults.js';
import { SimWorld } from './model.js';
import type { FromSim, ToSim } from './protocol.js';
import { clockNow, SimServer } from './server.js';

let server: SimServer | null = null;

const send = (msg: FromSim): void => {
  process.send?.(msg);
};

async function start(msg: Extract<ToSim, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  const { options } = msg;
  const world = new SimWorld({ random: rng(options.seed), propagatePublish: options.propagatePublish, password: options.password });
  server = new SimServer(world);
  const now = clockNow().now;
  for (const g of msg.groups) {
    const master = world.add(g.master.ip, g.master.port, now);
    for (const r of g.replicas) world.add(r.ip, r.port, now, { master, priority: options.replicaPriority });
  }
  // In batches: thousands of listen() calls at once are fine for the kernel, but a failure
  // (EADDRINUSE) is reported sooner and the error names its address.
  const all = [...world.instances.values()];
  for (let i = 0; i < all.length; i += 500) {
    await Promise.all(
      all.slice(i, i + 500).map((inst) =>
        server!.listen(inst).catch((e: unknown) => {
          throw new Error(`cannot listen on ${inst.key}: ${e instanceof Error ? e.message : String(e)}`);
        }),
      ),
    );
  }
  send({ type: 'ready', instances: all.length, listenMs: performance.now() - t0 });
}

function onMessage(msg: ToSim): void {
  switch (msg.type) {
    case 'start':
      start(msg).catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
      return;
    case 'fault': {
      const unknown: string[] = [];
      for (const key of msg.addrs) {
        const inst = server?.world.instances.get(key);
        if (inst) server!.fault(inst, msg.action);
        else unknown.push(key);
      }
      send({ type: 'done', id: msg.id, at: clockNow().wallMs, unknown });
      return;
    }
    case 'stats':
      if (server) send({ type: 'stats', id: msg.id, stats: server.stats() });
      return;
    case 'stop':
      void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
    default:
      return assertNever(msg);
  }
}

function assertNever(x: never): never {
  throw new TypeError(`unknown message ${JSON.stringify(x)}`);
}

process.on('message', (m) => onMessage(m as ToSim));
process.on('disconnect', () => process.exit(0));
