import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/ports.js';
import { REDIS_SERVER, spawnProc, startRedisServer, startSentinel, waitForPort, type Proc, type SentinelProc } from '../helpers/processes.js';
import { EventRecorder } from '../helpers/events.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { makeTestCerts } from '../helpers/test-certs.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `sentinel announce-ip` / `announce-port`: what an Argus puts in its hellos, read straight off
 * the master's `__sentinel__:hello` channel, and what its peers — an Argus and Debian's
 * redis-sentinel — record from them. The announced address is a port mapping (a TCP proxy on
 * 127.0.0.9), as behind NAT: the peers can reach the sentinel only through what it announces.
 */

/** hello payload: ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch */
interface Hello {
  readonly ip: string;
  readonly port: string;
  readonly runid: string;
  readonly epoch: string;
  readonly master: string;
  readonly masterIp: string;
  readonly masterPort: string;
  readonly masterEpoch: string;
}

const parseHello = (text: string): Hello => {
  const [ip, port, runid, epoch, master, masterIp, masterPort, masterEpoch] = text.split(',');
  return { ip: ip!, port: port!, runid: runid!, epoch: epoch!, master: master!, masterIp: masterIp!, masterPort: masterPort!, masterEpoch: masterEpoch! };
};

/** Every hello published on a data node. */
class HelloWatch {
  private constructor(readonly recorder: EventRecorder) {}

  static async open(port: number): Promise<HelloWatch> {
    return new HelloWatch(await EventRecorder.open(port, undefined, '__sentinel__:hello'));
  }

  get hellos(): Hello[] {
    return this.recorder.events.map((e) => parseHello(e.text));
  }

  /** The first hello from `runid` (after index `from`) that `match` accepts. */
  wait(runid: string, match: (h: Hello) => boolean = () => true, from = 0): Promise<Hello> {
    return waitFor(() => this.hellos.slice(from).find((h) => h.runid === runid && match(h)), { what: `a hello from ${runid}`, timeout: 20_000 });
  }

  close(): void {
    this.recorder.close();
  }
}

/** A TCP port mapping: `host:port` forwards to 127.0.0.1:target, counting connections. */
async function startPortMap(host: string): Promise<{ server: Server; port: number; target: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const map = {
    server: null as unknown as Server,
    port: 0,
    target: 0,
    connections: 0,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      map.server.close(() => r());
    }),
  };
  map.server = createServer((inbound) => {
    map.connections++;
    const outbound = connect(map.target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => map.server.listen(0, host, r));
  map.port = (map.server.address() as { port: number }).port;
  return map;
}

/** The entry of SENTINEL SENTINELS <master> that has `runid`, as a field map. */
async function peerEntry(port: number, master: string, runid: string): Promise<Record<string, Value> | null> {
  const c = await RawClient.open(port);
  try {
    const list = (await c.call('SENTINEL', 'SENTINELS', master)).value as Value[];
    return list.map(fields).find((f) => f.runid === runid) ?? null;
  } finally {
    c.close();
  }
}

/** A peer Argus and a peer redis-sentinel on `config`, each stopped when the test ends. */
async function startPeers(t: ExecutionContext, config: string): Promise<[string, SentinelProc][]> {
  const peers: [string, SentinelProc][] = [];
  for (const [name, impl] of [['Argus', 'argus'], ['redis-sentinel', 'redis']] as const) {
    const p = await startSentinel(config, { impl });
    t.teardown(() => p.cleanup());
    peers.push([name, p]);
  }
  return peers;
}

async function call(port: number, ...args: string[]): Promise<Value> {
  const c = await RawClient.open(port);
  try {
    return (await c.call(...args)).value;
  } finally {
    c.close();
  }
}

test('announce: announce-ip and announce-port are in the hello and in SENTINEL SENTINELS of a peer Argus and of redis-sentinel', async (t) => {
  const master = await startRedisServer();
  t.teardown(() => master.stop());
  const map = await startPortMap('127.0.0.9');
  t.teardown(() => map.close());
  const monitor = `sentinel monitor m 127.0.0.1 ${master.port} 2\nsentinel down-after-milliseconds m 5000\n`;
  const announcing = await startSentinel(`${monitor}sentinel announce-ip 127.0.0.9\nsentinel announce-port ${map.port}\n`);
  t.teardown(() => announcing.cleanup());
  map.target = announcing.port;
  const hellos = await HelloWatch.open(master.port);
  t.teardown(() => hellos.close());
  const peers = await startPeers(t, monitor);
  const runid = String(await call(announcing.port, 'SENTINEL', 'MYID'));

  const h = await hellos.wait(runid);
  t.deepEqual(h, {
    ip: '127.0.0.9', port: String(map.port), runid, epoch: '0',
    master: 'm', masterIp: '127.0.0.1', masterPort: String(master.port), masterEpoch: '0',
  });

  for (const [impl, p] of peers) {
    // the peer reaches the announcing sentinel through the mapping only: a link that is up
    // (no disconnected flag, PINGs answered) proves the announced address is the one used
    const entry = await waitFor(async () => {
      const e = await peerEntry(p.port, 'm', runid);
      return e && e.flags === 'sentinel' && e['last-ok-ping-reply'] !== undefined && Number(e['last-ok-ping-reply']) < 5_000 ? e : null;
    }, { what: `${impl} linked to the announced address`, timeout: 20_000 });
    t.is(entry.ip, '127.0.0.9', `${impl} records the announced ip`);
    t.is(entry.port, String(map.port), `${impl} records the announced port`);
  }
  t.true(map.connections >= 2, `both peers connected through the mapping (${map.connections} connections)`);

  // The announcing sentinel still learns its peers at their own addresses.
  for (const [impl, p] of peers) {
    const id = String(await call(p.port, 'SENTINEL', 'MYID'));
    const e = await waitFor(() => peerEntry(announcing.port, 'm', id), { what: `the announcing sentinel knows ${impl}`, timeout: 20_000 });
    t.is(e.ip, '127.0.0.1');
    t.is(e.port, String(p.port));
  }
});

test('announce: SENTINEL CONFIG SET announce-port at run time changes the hello, and both kinds of peer follow it', async (t) => {
  const master = await startRedisServer();
  t.teardown(() => master.stop());
  const monitor = `sentinel monitor m 127.0.0.1 ${master.port} 2\nsentinel down-after-milliseconds m 5000\n`;
  const announcing = await startSentinel(`${monitor}sentinel announce-ip 127.0.0.1\n`);
  t.teardown(() => announcing.cleanup());
  const hellos = await HelloWatch.open(master.port);
  t.teardown(() => hellos.close());
  const peers = await startPeers(t, monitor);
  const runid = String(await call(announcing.port, 'SENTINEL', 'MYID'));

  // announce-ip alone: the real port
  const first = await hellos.wait(runid);
  t.is(first.ip, '127.0.0.1');
  t.is(first.port, String(announcing.port));
  for (const [impl, p] of peers) {
    await waitFor(async () => (await peerEntry(p.port, 'm', runid))?.port === String(announcing.port), { what: `${impl} knows the real port`, timeout: 20_000 });
  }

  const map = await startPortMap('127.0.0.1');
  t.teardown(() => map.close());
  map.target = announcing.port;
  const from = hellos.hellos.length;
  t.is(await call(announcing.port, 'SENTINEL', 'CONFIG', 'SET', 'announce-port', String(map.port)), 'OK');
  const next = await hellos.wait(runid, (x) => x.port === String(map.port), from);
  t.is(next.ip, '127.0.0.1');
  for (const [impl, p] of peers) {
    const e = await waitFor(async () => {
      const x = await peerEntry(p.port, 'm', runid);
      return x?.port === String(map.port) && x.flags === 'sentinel' ? x : null;
    }, { what: `${impl} follows the new announced port`, timeout: 20_000 });
    t.is(e.ip, '127.0.0.1');
  }
  // the change is saved: the next start announces the same
  t.regex(readFileSync(announcing.configPath, 'latin1'), new RegExp(`^sentinel announce-port ${map.port}$`, 'm'));
});

test('announce: with tls-replication the hello carries tls-port, and announce-port still wins over it', async (t) => {
  const certs = makeTestCerts();
  t.teardown(() => certs.cleanup());
  const tlsArgs = ['--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('server.key'), '--tls-ca-cert-file', certs.file('ca.crt')];
  const masterPort = await freePort();
  const dir = tempDir('redis-server-tls-');
  const master: Proc = spawnProc(REDIS_SERVER, [
    '--port', '0', '--tls-port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir.dir,
    '--tls-replication', 'yes', ...tlsArgs,
  ], masterPort, dir.dir);
  t.teardown(async () => {
    await master.stop();
    dir.cleanup();
  });
  await waitForPort(masterPort);
  const tlsPort = await freePort();
  // a plain port and a TLS port: the hello must name the TLS one, the one peers can use
  const argus = await startSentinel(
    `tls-port ${tlsPort}\ntls-replication yes\ntls-cert-file ${certs.file('server.crt')}\ntls-key-file ${certs.file('server.key')}\n` +
      `tls-ca-cert-file ${certs.file('ca.crt')}\nsentinel monitor m 127.0.0.1 ${masterPort} 1\n`,
  );
  t.teardown(() => argus.cleanup());
  const runid = String(await call(argus.port, 'SENTINEL', 'MYID'));

  const tls = { ca: readFileSync(certs.file('ca.crt')), cert: readFileSync(certs.file('server.crt')), key: readFileSync(certs.file('server.key')), checkServerIdentity: () => undefined };
  const sub = new Redis({ host: '127.0.0.1', port: masterPort, tls, lazyConnect: true, maxRetriesPerRequest: 1 });
  sub.on('error', () => {});
  t.teardown(() => sub.disconnect());
  const seen: Hello[] = [];
  sub.on('message', (_ch: string, msg: string) => seen.push(parseHello(msg)));
  await sub.connect();
  await sub.subscribe('__sentinel__:hello');

  const h = await waitFor(() => seen.find((x) => x.runid === runid), { what: 'a hello over TLS', timeout: 20_000 });
  t.is(h.port, String(tlsPort), `tls-port ${tlsPort} announced, not port ${argus.port}`);
  t.not(h.port, String(argus.port));

  const from = seen.length;
  t.is(await call(argus.port, 'SENTINEL', 'CONFIG', 'SET', 'announce-port', '7777'), 'OK');
  const next = await waitFor(() => seen.slice(from).find((x) => x.runid === runid && x.port !== String(tlsPort)), { what: 'a hello with announce-port', timeout: 20_000 });
  t.is(next.port, '7777');
});
