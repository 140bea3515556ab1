import test from 'ava';
import { performance } from 'node:perf_hooks';
import { EventRecorder } from '../helpers/events.js';
import { FakeDnsServer } from '../helpers/fake-dns.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Hostname monitoring through a deliberately slow DNS server (sentinel resolve-hostnames yes,
 * argus-dns-servers). Redis resolves on its only thread, so a lookup that takes longer than
 * two seconds stalls it into TILT; Argus must keep answering clients within a few
 * milliseconds and never enter TILT, whether the resolver hangs or answers late.
 */
const MASTER_NAME = 'master.argus.test';
const REPLICA_NAME = 'replica.argus.test';
const HANG_NAME = 'hang.argus.test';
/** above the 2 s TILT trigger: a blocking lookup this slow would put Redis in TILT */
const DNS_DELAY_MS = 2_500;
const DNS_TIMEOUT_MS = 4_000;
/** a PING every PING_EVERY_MS; no round trip may take PING_MAX_MS or more */
const PING_EVERY_MS = 50;
const PING_MAX_MS = 200;

let dns: FakeDnsServer;
let master: Proc;
let replica: Proc;
let argus: SentinelProc;
let events: EventRecorder;
let client: RawClient;
let pinger: Pinger;

/** PINGs Argus on its own connection at a fixed pace and keeps every round trip. */
class Pinger {
  readonly rtts: number[] = [];
  #stopped = false;
  readonly #done: Promise<void>;

  constructor(readonly client: RawClient) {
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const t0 = performance.now();
      const r = await this.client.call('PING');
      if (r.value !== 'PONG') throw new Error(`PING answered ${r.raw}`);
      const rtt = performance.now() - t0;
      this.rtts.push(rtt);
      await new Promise((res) => setTimeout(res, Math.max(0, PING_EVERY_MS - rtt)));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
    this.client.close();
  }

  get max(): number {
    return Math.max(...this.rtts);
  }

  percentile(p: number): number {
    const s = [...this.rtts].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  }
}

const logCount = (re: RegExp): number => argus.stdout().split('\n').filter((l) => re.test(l)).length;

async function masterFields(): Promise<Record<string, unknown>> {
  return fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
}

test.before(async () => {
  dns = await FakeDnsServer.start({ [MASTER_NAME]: '127.0.0.1', [REPLICA_NAME]: '127.0.0.1' }, { delayMs: DNS_DELAY_MS });
  dns.hang.add(MASTER_NAME);
  dns.hang.add(HANG_NAME);
  master = await startRedisServer();
  // the master's INFO lists the replica under its name, so Argus must resolve that one too
  replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port), '--replica-announce-ip', REPLICA_NAME]);
  argus = await startSentinel(
    // debug: the -cmd-link-reconnection lines say why each attempt failed
    'loglevel debug\n' +
      'sentinel resolve-hostnames yes\n' +
      `argus-dns-servers ${dns.address}\n` +
      `argus-dns-timeout ${DNS_TIMEOUT_MS}\n` +
      `sentinel monitor mymaster ${MASTER_NAME} ${master.port} 1\n`,
  );
  events = await EventRecorder.open(argus.port);
  client = await RawClient.open(argus.port);
  pinger = new Pinger(await RawClient.open(argus.port));
});

test.after.always(async () => {
  await pinger?.stop().catch(() => {});
  events?.close();
  client?.close();
  await argus?.cleanup();
  await Promise.all([master?.stop(), replica?.stop()]);
  await dns?.close();
});

test.serial('hostnames: a hanging resolver fails connection attempts at the timeout, one lookup at a time, logged once', async (t) => {
  // three lookups = two timed-out attempts and the retry after the second
  await waitFor(() => dns.queriesFor(MASTER_NAME, 'A').length >= 3, { timeout: 3 * DNS_TIMEOUT_MS + 5_000, what: 'three lookups of the master' });
  const at = dns.queriesFor(MASTER_NAME, 'A').map((q) => q.at);
  const gaps = at.slice(1).map((a, i) => a - at[i]!);
  t.log(`lookups of ${MASTER_NAME} ${gaps.join(' ms, ')} ms apart (timeout ${DNS_TIMEOUT_MS} ms)`);
  t.log(argus.stdout().split('\n').filter((l) => l.includes(MASTER_NAME) && !l.includes('-cmd-link') && !l.includes('-pubsub-link')).join('\n'));
  // the cc and the pc share one lookup, and no retry starts another while it is unanswered
  for (const g of gaps) t.true(g >= DNS_TIMEOUT_MS - 500, `lookups ${g} ms apart`);
  t.is(
    logCount(new RegExp(`Can't resolve hostname ${MASTER_NAME}: DNS lookup timed out after ${DNS_TIMEOUT_MS} ms; its links stay down until it resolves`)),
    1,
  );
  // each attempt failed on the lookup, not on the connect timeout (which starts at the socket)
  const attempt = `-cmd-link-reconnection master mymaster ${MASTER_NAME} ${master.port} #`;
  t.true(logCount(new RegExp(`${attempt}DNS lookup timed out after ${DNS_TIMEOUT_MS} ms`)) >= 2);
  t.is(logCount(new RegExp(`${attempt}(?!DNS lookup timed out)`)), 0);
  const m = await masterFields();
  t.is(m.flags, 'master,disconnected');
});

test.serial('hostnames: once the slow resolver answers, the master is monitored and its replica discovered by name', async (t) => {
  dns.hang.delete(MASTER_NAME);
  const m = await waitFor(async () => {
    const f = await masterFields();
    return f.flags === 'master' && /^[0-9a-f]{40}$/.test(String(f.runid)) ? f : null;
  }, { timeout: 2 * DNS_TIMEOUT_MS + 5_000, what: 'master connected' });
  t.is(m['role-reported'], 'master');
  t.is(logCount(new RegExp(`Hostname ${MASTER_NAME} resolves again, to 127\\.0\\.0\\.1`)), 1);

  const name = `${REPLICA_NAME}:${replica.port}`;
  // Discovered before its name resolved, so its +slave shows the name where Redis, resolving
  // on the spot, shows the IP (announce-hostnames no); the master is shown by its IP.
  await events.wait('+slave', new RegExp(`^slave ${name.replace(/\./g, '\\.')} ${REPLICA_NAME.replace(/\./g, '\\.')} ${replica.port} @ mymaster 127\\.0\\.0\\.1 ${master.port}$`));
  const r = await waitFor(async () => {
    const list = (await client.call('SENTINEL', 'REPLICAS', 'mymaster')).value as string[][];
    const f = fields(list.find((x) => fields(x).port === String(replica.port)) ?? []);
    return f.flags === 'slave' && f['master-link-status'] === 'ok' ? f : null;
  }, { timeout: DNS_TIMEOUT_MS + 15_000, what: 'replica connected' });
  // once resolved, shown by its IP (announce-hostnames no), as Redis names it
  t.is(r.name, `127.0.0.1:${replica.port}`);
  t.is(r.ip, '127.0.0.1');
  // master_host 127.0.0.1 names the master: the rules compare it with the cached address
  t.is(r['master-host'], '127.0.0.1');
  t.is(dns.queriesFor(REPLICA_NAME, 'A').length >= 1, true);
});

test.serial('hostnames: hellos announce the resolved master address, or its name with announce-hostnames yes', async (t) => {
  const sub = await RawClient.open(master.port);
  t.teardown(() => sub.close());
  await sub.call('SUBSCRIBE', '__sentinel__:hello');
  const nextHello = () =>
    waitFor(async () => {
      const v = (await sub.read(5_000)).value;
      return Array.isArray(v) && v[0] === 'message' ? String(v[2]).split(',') : null;
    }, { what: 'a hello' });
  // <ip>,<port>,<runid>,<epoch>,<master-name>,<master-ip>,<master-port>,<master-epoch>
  const parts = await nextHello();
  t.is(parts[4], 'mymaster');
  t.is(parts[5], '127.0.0.1', 'the cached address (RuleContext.lookupIp)');
  t.is(parts[6], String(master.port));

  t.is((await client.call('SENTINEL', 'CONFIG', 'SET', 'announce-hostnames', 'yes')).value, 'OK');
  t.teardown(async () => void (await client.call('SENTINEL', 'CONFIG', 'SET', 'announce-hostnames', 'no')));
  const named = await waitFor(async () => {
    const p = await nextHello();
    return p[5] === MASTER_NAME ? p : null;
  }, { what: 'a hello naming the master' });
  t.is(named[6], String(master.port));
});

test.serial('hostnames: SENTINEL MONITOR with a name the resolver never answers is refused after the timeout', async (t) => {
  const other = await RawClient.open(argus.port);
  t.teardown(() => other.close());
  const t0 = performance.now();
  other.send(`*6\r\n$8\r\nSENTINEL\r\n$7\r\nMONITOR\r\n$5\r\nother\r\n$${HANG_NAME.length}\r\n${HANG_NAME}\r\n$4\r\n6379\r\n$1\r\n1\r\n`);
  // meanwhile other clients are served at once
  const during = fields((await client.call('SENTINEL', 'MASTER', 'mymaster')).value);
  t.true(performance.now() - t0 < 1_000);
  t.is(during.flags, 'master');
  const reply = await other.read(DNS_TIMEOUT_MS + 5_000);
  const took = performance.now() - t0;
  t.log(`SENTINEL MONITOR ${HANG_NAME} refused after ${Math.round(took)} ms`);
  t.is(reply.raw, '-ERR Invalid IP address or hostname specified\r\n');
  t.true(took >= DNS_TIMEOUT_MS - 100, `refused after ${took} ms`);
  t.true(dns.queriesFor(HANG_NAME, 'A').length >= 1, 'the configured DNS server was asked');
  t.deepEqual((await client.call('SENTINEL', 'MASTER', 'other')).value, { error: 'ERR No such master with that name' });
});

test.serial('hostnames: PING stayed prompt and Argus never entered TILT', async (t) => {
  await pinger.stop();
  const { rtts } = pinger;
  t.log(`${rtts.length} PINGs: p50 ${pinger.percentile(50).toFixed(1)} ms, p99 ${pinger.percentile(99).toFixed(1)} ms, max ${pinger.max.toFixed(1)} ms`);
  t.true(rtts.length > 100);
  t.true(pinger.max < PING_MAX_MS, `slowest PING ${pinger.max} ms`);
  const info = String((await client.call('INFO', 'sentinel')).value);
  t.regex(info, /sentinel_tilt:0\r\n/);
  t.regex(info, /sentinel_total_tilt:0\r\n/);
  t.is(events.count('+tilt'), 0);
  t.notRegex(argus.stdout(), /TILT/);
});
