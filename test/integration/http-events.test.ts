import test from 'ava';
import { startCluster } from '../helpers/cluster.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'ev-token';

async function getJson(port: number, path: string, token: string | null = TOKEN): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, json: await res.json() };
}

test.serial('http: /events and /audit serve the history and the audit trail behind the token', async (t) => {
  const httpPort = await freePort();
  const c = await startCluster({ argus: 1, replicas: 0, quorum: 1, extra: `argus-http-port ${httpPort}\nargus-http-token ${TOKEN}\n` });
  t.teardown(() => c.stop());
  t.is((await getJson(httpPort, '/events', null)).status, 401);
  t.is((await getJson(httpPort, '/audit', null)).status, 401);
  t.is((await getJson(httpPort, '/events?count=0')).status, 400);

  const all = (await getJson(httpPort, '/events')).json as { id: number; type: string; master: string | null; text: string }[];
  const monitor = all.find((e) => e.type === '+monitor');
  t.like(monitor, { master: c.name });
  t.is((await c.sentinels[0]!.client.call('SENTINEL', 'SET', c.name, 'quorum', '1')).value, 'OK');
  await waitFor(async () => (await getJson(httpPort, `/events?since=${monitor!.id}&master=${c.name}`)).json.some((e: { type: string }) => e.type === '+set'), {
    what: '+set in /events?since=',
  });
  const later = (await getJson(httpPort, `/events?since=${monitor!.id}`)).json as { id: number }[];
  t.true(later.every((e) => e.id > monitor!.id));
  t.deepEqual((await getJson(httpPort, '/events?master=nosuch')).json, []);

  const audit = (await getJson(httpPort, '/audit')).json as { id: number; command: string; user: string; ok: boolean }[];
  t.like(audit.at(-1), { command: `SENTINEL SET ${c.name} quorum 1`, user: 'default', ok: true });
  t.deepEqual((await getJson(httpPort, `/audit?since=${audit.at(-1)!.id}`)).json, []);
});
