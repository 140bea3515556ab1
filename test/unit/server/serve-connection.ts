import { connect, createServer, type Server, type Socket } from 'node:net';
import { ClientConnection, type Dispatch } from '../../../src/server/client-connection.js';

/** A loopback server whose one connection is a ClientConnection running `dispatch`, and a client. */
export async function serveConnection(dispatch: Dispatch): Promise<{ server: Server; client: Socket }> {
  const server = createServer((sock) => {
    void new ClientConnection(sock, {
      id: 1,
      dispatch,
      log: () => {},
      clock: { monotonic: () => performance.now(), wall: () => Date.now() },
      stats: { totalNetInputBytes: 0, totalNetOutputBytes: 0 } as never,
      defaultUserHasPassword: () => false,
      pubsubLimit: () => ({ hard: 0, soft: 0, softSeconds: 0 }),
      maxQueryBuffer: 1 << 30,
      onClose: () => {},
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  return { server, client };
}
