import test from 'ava';
import type { Socket } from 'node:net';
import { bulk, simple } from '../../../src/resp/reply.js';
import { serveConnection } from './serve-connection.js';

const BIG = 'x'.repeat(120_000);

/** A connection answering BIG (120 KB) and PING. */
const serve = (dispatched: string[]) =>
  serveConnection((_s, argv) => {
    dispatched.push(argv[0]!);
    return argv[0] === 'BIG' ? bulk(BIG) : simple('PONG');
  });

const received = (client: Socket, bytes: number): Promise<number> =>
  new Promise((resolve, reject) => {
    let n = 0;
    const t = setTimeout(() => reject(new Error(`only ${n} of ${bytes} bytes`)), 5_000);
    client.on('data', (d) => {
      n += d.length;
      if (n >= bytes) {
        clearTimeout(t);
        resolve(n);
      }
    });
  });

const bigReplyBytes = `$${BIG.length}\r\n`.length + BIG.length + 2;

test('client-connection: a command after a reply over the high-water mark is still answered', async (t) => {
  const dispatched: string[] = [];
  const { server, client } = await serve(dispatched);
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  const all = received(client, bigReplyBytes + 7);
  client.write('BIG\r\n');
  await new Promise((r) => setTimeout(r, 100)); // the big reply is out before the next request
  client.write('PING\r\n');
  t.is(await all, bigReplyBytes + 7);
  t.deepEqual(dispatched, ['BIG', 'PING']);
});

test('client-connection: a client that does not read stops the pipeline, and it resumes once it reads', async (t) => {
  const dispatched: string[] = [];
  const { server, client } = await serve(dispatched);
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  client.pause();
  client.write('BIG\r\n'.repeat(200) + 'PING\r\n');
  await new Promise((r) => setTimeout(r, 300));
  t.true(dispatched.length < 200, `back-pressure holds the pipeline (${dispatched.length} run)`);
  const all = received(client, 200 * bigReplyBytes + 7);
  client.resume();
  t.is(await all, 200 * bigReplyBytes + 7);
  t.is(dispatched.length, 201);
});
