import test from 'ava';
import type { Server, Socket } from 'node:net';
import { markOverlapping } from '../../../src/commands/overlap.js';
import type { CommandResult } from '../../../src/commands/types.js';
import { simple } from '../../../src/resp/reply.js';
import type { Dispatch } from '../../../src/server/client-connection.js';
import { serveConnection } from './serve-connection.js';

/** A connection running `dispatch`, and everything the client has received so far. */
async function serve(dispatch: Dispatch): Promise<{ server: Server; client: Socket; replies: () => string }> {
  const { server, client } = await serveConnection(dispatch);
  let text = '';
  client.setEncoding('latin1').on('data', (d: string) => (text += d));
  return { server, client, replies: () => text };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `SLOW n` answers `+n` when released by the test; overlapping when `overlap`, else serial. */
function slowCommands(overlap: boolean) {
  const dispatched: string[] = [];
  const release = new Map<string, (r: CommandResult) => void>();
  const dispatch: Dispatch = (_s, argv) => {
    dispatched.push(argv.join(' '));
    if (argv[0] !== 'SLOW') return simple('PONG');
    const p = new Promise<CommandResult>((resolve) => release.set(argv[1]!, resolve));
    return overlap ? markOverlapping(p) : p;
  };
  return { dispatched, release, dispatch };
}

test('client-connection: overlapping commands run while earlier replies wait, and the replies leave in request order', async (t) => {
  const { dispatched, release, dispatch } = slowCommands(true);
  const { server, client, replies } = await serve(dispatch);
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  client.write('SLOW 1\r\nSLOW 2\r\nPING\r\nSLOW 3\r\n');
  await until(() => dispatched.length === 4);
  t.deepEqual(dispatched, ['SLOW 1', 'SLOW 2', 'PING', 'SLOW 3'], 'all four ran before any reply');
  release.get('3')!(simple('3'));
  release.get('2')!(simple('2'));
  await new Promise((r) => setTimeout(r, 20));
  t.is(replies(), '', 'nothing leaves before the first reply is known');
  release.get('1')!(simple('1'));
  await until(() => replies().length >= 16);
  t.is(replies(), '+1\r\n+2\r\n+PONG\r\n+3\r\n');
});

test('client-connection: a command that does not overlap still holds the next one back until it is answered', async (t) => {
  const { dispatched, release, dispatch } = slowCommands(false);
  const { server, client, replies } = await serve(dispatch);
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  client.write('SLOW 1\r\nPING\r\n');
  await until(() => dispatched.length === 1);
  await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(dispatched, ['SLOW 1']);
  release.get('1')!(simple('1'));
  await until(() => replies() === '+1\r\n+PONG\r\n');
  t.deepEqual(dispatched, ['SLOW 1', 'PING']);
});

test('client-connection: QUIT after an overlapping command closes only once its reply is out', async (t) => {
  const { release, dispatch } = slowCommands(true);
  const quitting: Dispatch = (s, argv) => {
    if (argv[0] !== 'QUIT') return dispatch(s, argv);
    s.closeAfterReply = true;
    return simple('OK');
  };
  const { server, client, replies } = await serve(quitting);
  t.teardown(() => server.close());
  const closed = new Promise((r) => client.once('close', r));
  client.write('SLOW 1\r\nQUIT\r\n');
  await until(() => release.has('1'));
  release.get('1')!(simple('1'));
  await closed;
  t.is(replies(), '+1\r\n+OK\r\n');
});
