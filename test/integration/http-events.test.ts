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

/** Reads an SSE response until `until` matches what arrived (or the stream ends). */
async function readUntil(res: Response, until: RegExp, timeout = 15_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = setTimeout(() => void reader.cancel(), timeout);
  try {
    while (!until.test(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
  return text;
}

test.serial('http: /events/stream sends events live, replays after Last-Event-ID, takes ?token= and ends at shutdown', async (t) => {
  const httpPort = await freePort();
  const c = await startCluster({ argus: 1, replicas: 0, quorum: 1, extra: `argus-http-port ${httpPort}\nargus-http-token ${TOKEN}\n` });
  t.teardown(() => c.stop());
  const base = `http://127.0.0.1:${httpPort}/events/stream`;
  t.is((await fetch(base)).status, 401);
  t.is((await fetch(`${base}?token=wrong`)).status, 401);

  const live = await fetch(`${base}?token=${TOKEN}`);
  t.is(live.status, 200);
  t.regex(live.headers.get('content-type')!, /^text\/event-stream/);
  await readUntil(live, /argus event stream/);
  await c.sentinels[0]!.client.call('SENTINEL', 'SET', c.name, 'quorum', '1');
  const text = await readUntil(live, /event: \+set\n/);
  const id = Number(/id: (\d+)\nevent: \+set\n/.exec(text)![1]);
  const data = JSON.parse(/event: \+set\ndata: (.*)\n/.exec(text)![1]!);
  t.like(data, { id, type: '+set', master: c.name });

  // a reconnect with Last-Event-ID gets what came after it from the history, header token this time
  await c.sentinels[0]!.client.call('SENTINEL', 'SET', c.name, 'quorum', '1');
  const again = await fetch(base, { headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': String(id) } });
  const replayed = await readUntil(again, /event: \+set\n/);
  t.regex(replayed, new RegExp(`id: ${id + 1}\\nevent: \\+set\\n`));
  t.notRegex(replayed, new RegExp(`id: ${id}\\n`));

  // shutdown ends the streams (rather than leaving them to the socket's close)
  const ended = (async () => {
    const reader = live.body!.getReader();
    for (;;) if ((await reader.read()).done) return true;
  })().catch(() => false);
  c.sentinels[0]!.proc.child.kill('SIGTERM');
  const outcome = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
  t.is(outcome, true, 'the stream ended cleanly at shutdown');
});
