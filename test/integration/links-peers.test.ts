/**
 * PeerLinks: the sentinel records of several masters that carry one run id share one link
 * (sentinel.c: sentinelTryConnectionSharing), checked against real redis-server processes.
 */
import test from 'ava';
import { InstanceLink } from '../../src/links/instance-link.js';
import { PeerLinks } from '../../src/links/peer-links.js';
import { startRedisServer, type Proc } from '../helpers/processes.js';
import { redisCli } from '../helpers/redis-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const procs: Proc[] = [];
const registry = new PeerLinks<InstanceLink>();
let made = 0;

test.after.always(async () => {
  for (const runid of ['a'.repeat(40), 'b'.repeat(40)]) while (registry.release(runid) > 0);
  await Promise.all(procs.map((p) => p.stop(2_000)));
});

const factory = (host: string, port: number) => {
  made++;
  return new InstanceLink({
    host,
    port,
    pubsub: false,
    credentials: () => ({ user: null, pass: null }),
    rename: (c) => c,
    clientName: () => 'sentinel-abcdef12-cmd',
    connectTimeoutMs: 2_000,
    onConnected: () => undefined,
    onDisconnected: () => undefined,
  });
};

async function ourConnections(port: number): Promise<number> {
  const { out } = await redisCli(port, ['CLIENT', 'LIST']);
  return out.split('\n').filter((l) => l.includes(' name=sentinel-abcdef12-cmd ')).length;
}

test.serial('PeerLinks: records with one run id share one link and one connection, counted in refcount', async (t) => {
  const p = await startRedisServer();
  procs.push(p);
  const runid = 'a'.repeat(40);
  const first = registry.acquire(runid, '127.0.0.1', p.port, factory);
  const second = registry.acquire(runid, '127.0.0.1', p.port, factory);
  t.is(first, second);
  t.is(made, 1);
  t.is(registry.refcount(runid), 2);
  first.connect();
  second.connect();
  await waitFor(() => first.isConnected('cc'), { what: 'shared cc' });
  t.deepEqual(await second.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.is(await ourConnections(p.port), 1);

  t.is(registry.release(runid), 1);
  t.false(first.destroyed);
  t.deepEqual(await first.send('PING', []), { kind: 'ok', value: 'PONG' });
  t.is(registry.release(runid), 0);
  t.true(first.destroyed);
  t.is(registry.get(runid), undefined);
  t.is(registry.refcount(runid), 0);
  await waitFor(async () => (await ourConnections(p.port)) === 0, { what: 'connection closed' });
});

test.serial('PeerLinks: a shared link asked for at a new address moves there', async (t) => {
  const oldServer = await startRedisServer();
  const newServer = await startRedisServer();
  procs.push(oldServer, newServer);
  const runid = 'b'.repeat(40);
  const link = registry.acquire(runid, '127.0.0.1', oldServer.port, factory);
  link.connect();
  await waitFor(() => link.isConnected('cc'), { what: 'cc to the old address' });
  t.is(registry.acquire(runid, '127.0.0.1', newServer.port, factory), link);
  t.is(link.port, newServer.port);
  t.false(link.isConnected('cc'), 'the old connection is closed');
  link.connect();
  await waitFor(() => link.isConnected('cc'), { what: 'cc to the new address' });
  t.is(await ourConnections(newServer.port), 1);
  await waitFor(async () => (await ourConnections(oldServer.port)) === 0, { what: 'old connection gone' });
  t.is(registry.refcount(runid), 2);
});
