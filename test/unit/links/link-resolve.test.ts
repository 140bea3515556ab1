import test from 'ava';
import { createServer, type Server, type Socket } from 'node:net';
import { ArgusError } from '../../../src/errors.js';
import { InstanceLink } from '../../../src/links/instance-link.js';
import type { ConnectionKind } from '../../../src/links/types.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A loopback TCP server that only counts connections: enough for a link to come up. */
async function listen(t: { teardown(fn: () => void): void }): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, sockets };
}

function link(host: string, port: number, resolveHost: (h: string) => Promise<string>) {
  const seen: string[] = [];
  const l = new InstanceLink({
    host,
    port,
    pubsub: true,
    credentials: () => ({ user: null, pass: null }),
    rename: (c) => c,
    clientName: (k: ConnectionKind) => `test-${k}`,
    connectTimeoutMs: 1_000,
    resolveHost,
    onConnected: (k) => seen.push(`up ${k}`),
    onDisconnected: (k, reason) => seen.push(`down ${k} ${reason}`),
  });
  return { l, seen };
}

test('link-resolve: a host name is resolved once per attempt and the link connects to the address', async (t) => {
  const { port, sockets } = await listen(t);
  const asked: string[] = [];
  const { l, seen } = link('redis.argus.test', port, async (h) => {
    asked.push(h);
    return '127.0.0.1';
  });
  t.teardown(() => l.destroy());
  l.connect();
  await waitFor(() => seen.length === 2, { what: 'both connections up' });
  t.deepEqual(seen.sort(), ['up cc', 'up pc']);
  t.deepEqual(asked, ['redis.argus.test', 'redis.argus.test']);
  await waitFor(() => sockets.length === 2, { what: 'the server saw both connections' });
});

test('link-resolve: a lookup that fails is a failed connection attempt with its reason', async (t) => {
  const { port, sockets } = await listen(t);
  const { l, seen } = link('slow.argus.test', port, async (host) => {
    throw new ArgusError('ARGUS_ERR_DNS_TIMEOUT', 'DNS lookup timed out after 10 ms', { host, timeoutMs: 10 });
  });
  t.teardown(() => l.destroy());
  l.connect();
  await waitFor(() => seen.length === 2, { what: 'both attempts failed' });
  t.deepEqual(seen.sort(), ['down cc DNS lookup timed out after 10 ms', 'down pc DNS lookup timed out after 10 ms']);
  t.is(l.state('cc'), 'down');
  t.is(sockets.length, 0);
  // the actor's retry is a new attempt, resolved again
  l.connect();
  await waitFor(() => seen.length === 4, { what: 'the retry failed too' });
});

test('link-resolve: a link closed while its name resolves never connects', async (t) => {
  const { port, sockets } = await listen(t);
  let release: (ip: string) => void = () => {};
  const { l, seen } = link('late.argus.test', port, () => new Promise((r) => (release = r)));
  l.connect();
  t.is(l.state('cc'), 'connecting');
  l.destroy();
  release('127.0.0.1');
  await new Promise((r) => setTimeout(r, 100));
  t.is(sockets.length, 0);
  t.deepEqual(seen, []);
});

test('link-resolve: an IP literal is connected to without asking the resolver', async (t) => {
  const { port } = await listen(t);
  const { l, seen } = link('127.0.0.1', port, () => Promise.reject(new Error('must not be called')));
  t.teardown(() => l.destroy());
  l.connect();
  await waitFor(() => seen.length === 2, { what: 'both connections up' });
  t.deepEqual(seen.sort(), ['up cc', 'up pc']);
});
