import { createServer } from 'node:net';

/** Ports this process has handed out: the OS may offer a just-closed one again. */
const handedOut = new Set<number>();

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it; the listener is closed again), never
 * one this process handed out before.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await osFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
