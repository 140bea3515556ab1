import test from 'ava';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Webhooks against a local HTTP receiver: `/all` (every event, answers 204), `/flaky` (mymaster
 * only; answers 503 to the first two +sdown POSTs) and `/hang` (other only; never answers).
 */
const M = '127.0.0.1';

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

let master: Proc;
let other: Proc;
let argus: SentinelProc;
let events: EventRecorder;
let client: RawClient;
let server: Server;
const received: Received[] = [];
const hanging: ServerResponse[] = [];
let flakySdown = 0;

function receive(req: IncomingMessage, res: ServerResponse): void {
  let data = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (data += c));
  req.on('end', () => {
    const body = JSON.parse(data) as Record<string, unknown>;
    const path = req.url ?? '';
    received.push({ path, body, at: Date.now() });
    if (path === '/hang') return void hanging.push(res);
    if (path === '/flaky' && body.type === '+sdown' && ++flakySdown <= 2) return void res.writeHead(503).end();
    res.writeHead(204).end();
  });
}

const seen = (path: string, type?: string) => received.filter((r) => r.path === path && (type === undefined || r.body.type === type));

test.before(async () => {
  server = createServer(receive);
  await new Promise<void>((r) => server.listen(0, M, r));
  const url = `http://${M}:${(server.address() as AddressInfo).port}`;
  [master, other] = await Promise.all([startRedisServer(), startRedisServer()]);
  argus = await startSentinel(
    `sentinel monitor mymaster ${M} ${master.port} 2\n` +
      'sentinel down-after-milliseconds mymaster 1000\n' +
      `sentinel monitor other ${M} ${other.port} 2\n` +
      `sentinel argus-webhook * ${url}/all\n` +
      `sentinel argus-webhook mymaster ${url}/flaky\n` +
      `sentinel argus-webhook other ${url}/hang\n`,
  );
  events = await EventRecorder.open(argus.port);
  client = await RawClient.open(argus.port);
});

test.after.always(async () => {
  events?.close();
  client?.close();
  master?.child.kill('SIGCONT');
  await argus?.cleanup();
  for (const res of hanging) res.destroy();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await Promise.all([master, other].map((p) => p?.stop()));
});

test.serial('webhooks: the * receiver gets each +monitor as JSON with the event fields', async (t) => {
  const monitors = await waitFor(() => (seen('/all', '+monitor').length === 2 ? seen('/all', '+monitor') : null), { what: '2 × +monitor' });
  const mine = monitors.find((r) => r.body.master === 'mymaster')!;
  const myid = String((await client.call('SENTINEL', 'MYID')).value);
  t.like(mine.body, {
    type: '+monitor',
    level: 'warning',
    master: 'mymaster',
    instance: `master mymaster ${M} ${master.port}`,
    text: `master mymaster ${M} ${master.port} quorum 2`,
    sentinel: myid,
  });
  t.true(Number.isInteger(mine.body.epoch));
  t.regex(String(mine.body.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test.serial('webhooks: events reach the receiver in the order Argus published them', async (t) => {
  t.deepEqual((await client.call('SENTINEL', 'DEBUG', 'script-retry-delay', '200', 'script-max-runtime', '1000')).value, 'OK');
  const from = events.events.length;
  master.child.kill('SIGSTOP');
  await events.wait('+sdown', `master mymaster ${M} ${master.port}`, { from });
  master.child.kill('SIGCONT');
  await events.wait('-sdown', `master mymaster ${M} ${master.port}`, { from });
  const published = events.events.slice(from).map((e) => `${e.channel} ${e.text}`);
  const got = await waitFor(() => {
    const all = seen('/all').map((r) => `${r.body.type} ${r.body.text}`);
    const tail = all.slice(all.indexOf(published[0]!));
    return tail.length >= published.length ? tail : null;
  }, { what: 'the events at /all' });
  t.deepEqual(got.slice(0, published.length), published);
});

test.serial('webhooks: a receiver answering 503 is retried after script-retry-delay and keeps its order', async (t) => {
  // +sdown failed twice (retried 200 ms, then 400 ms later); -sdown waited behind it
  const flaky = await waitFor(() => {
    const types = seen('/flaky').map((r) => r.body.type);
    return types.includes('-sdown') ? seen('/flaky') : null;
  }, { what: '-sdown at /flaky' });
  const types = flaky.map((r) => r.body.type);
  const firstSdown = types.indexOf('+sdown');
  t.deepEqual(types.slice(firstSdown), ['+sdown', '+sdown', '+sdown', '-sdown']);
  const [a, b, c] = flaky.slice(firstSdown).map((r) => r.at);
  t.true(b! - a! >= 190, `first retry after ${b! - a!} ms`);
  t.true(c! - b! >= 390, `second retry after ${c! - b!} ms`);
  t.regex(argus.stdout(), /Webhook http:\/\/127\.0\.0\.1:\d+\/\*\*\*\*\*\* \(\+sdown\) failed: HTTP 503; attempt 1 of 10, next in 200 ms/);
});

test.serial('webhooks: a receiver that never answers is aborted and retried, and blocks nothing', async (t) => {
  // other's +monitor POST has been hanging at /hang since start-up: aborted after 1 s, retried
  await waitFor(() => seen('/hang', '+monitor').length >= 2, { what: '+monitor retried at /hang' });
  t.regex(argus.stdout(), /Webhook http:\/\/127\.0\.0\.1:\d+\/\*\*\*\*\*\* \(\+monitor\) failed: no answer within 1000 ms/);
  // meanwhile the others were served and Argus answers at once
  t.true(seen('/all', '-sdown').length >= 1);
  const t0 = Date.now();
  t.is((await client.call('PING')).value, 'PONG');
  t.true(Date.now() - t0 < 500);
});
