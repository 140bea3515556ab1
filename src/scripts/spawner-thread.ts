/**
 * The script spawner thread: forks and execs scripts for the main thread and reports their
 * pids, exits and output lines. fork() copies the page tables of the whole process and blocks
 * the calling thread meanwhile (~2 ms per spawn at 65 MiB RSS, ~20 ms at 580 MiB: docs/design.md
 * "Scripts"), so it happens here and not on the main thread that serves clients.
 */
import { parentPort } from 'node:worker_threads';
import { ChildSpawner } from './spawner.js';
import type { MainToSpawner, SpawnerToMain } from './spawner-protocol.js';

const port = parentPort!;
const post = (m: SpawnerToMain): void => port.postMessage(m);
const spawner = new ChildSpawner((o) => post({ type: 'output', ...o }));

port.on('message', (m: MainToSpawner) => {
  switch (m.type) {
    case 'spawn':
      return spawner.spawn(m.id, m.argv, {
        spawned: (pid) => post({ type: 'spawned', id: m.id, pid }),
        failed: (reason, errno) => post({ type: 'failed', id: m.id, reason, errno }),
        exited: (code, signal) => post({ type: 'exited', id: m.id, code, signal }),
      });
    case 'kill':
      return spawner.kill(m.id);
    default:
      return assertNever(m);
  }
});

function assertNever(m: never): never {
  throw new Error(`unexpected message ${JSON.stringify(m)}`);
}
