import test from 'ava';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `client-output-buffer-limit pubsub` on a real Argus: a subscriber that never reads is closed at
 * the hard limit, or once over the soft limit for longer than soft-seconds, with Redis's log
 * line, while subscribers that read get every event and Argus's memory stays flat.
 *
 * Events come from `SENTINEL SET m rename-command x <name>`: each pair is one `+set` event
 * carrying the name (Redis cuts event texts at 1023 bytes, so ~1 KB each), and one command with
 * a thousand pairs publishes a megabyte without growing the config (the mapping is replaced each
 * time). The monitored master does not exist; only the events matter here.
 */
const NAME_BYTES = 960;
const PAIRS_PER_CALL = 1000;

async function startArgus(limit: string): Promise<{ argus: SentinelProc; control: RawClient; log: (id: number) => string }> {
  const nobody = await freePort();
  const argus = await startSentinel(
    `sentinel monitor m 127.0.0.1 ${nobody} 2\nsentinel down-after-milliseconds m 600000\n` +
      // the +set events go to the log too: a file, not the test's memory
      `client-output-buffer-limit pubsub ${limit}\nlogfile argus.log\n`,
  );
  const control = await RawClient.open(argus.port).catch(async (e: unknown) => {
    await argus.cleanup();
    throw e;
  });
  return { argus, control, log: (id) => logLine(join(argus.dir, 'argus.log'), `Client id=${id} `) };
}

/** The first warning whose message starts with `prefix` ('' if none), read in pieces: the log grows to 200 MB. */
function logLine(path: string, prefix: string): string {
  const needle = Buffer.from(` # ${prefix}`, 'latin1');
  const fd = openSync(path, 'r');
  try {
    const piece = Buffer.alloc(4 * 1024 * 1024);
    // a line is at most ~1.5 KB: keep that much of the previous piece in front of the next one
    let carry = Buffer.alloc(0);
    for (let pos = 0; ; ) {
      const n = readSync(fd, piece, 0, piece.length, pos);
      if (n === 0) return '';
      pos += n;
      const window = Buffer.concat([carry, piece.subarray(0, n)]);
      const at = window.indexOf(needle);
      if (at !== -1) {
        const end = window.indexOf(0x0a, at);
        if (end !== -1) return window.toString('latin1', at + 3, end);
      }
      carry = window.subarray(Math.max(0, window.length - 4096));
    }
  } finally {
    closeSync(fd);
  }
}

let round = 0;
/** One SENTINEL SET publishing PAIRS_PER_CALL events of ~1 KB; the text of each of them. */
async function publishMegabyte(control: RawClient, masterPort: number): Promise<string> {
  const name = String.fromCharCode(97 + (round++ % 26)).repeat(NAME_BYTES);
  const args = ['SENTINEL', 'SET', 'm'];
  for (let i = 0; i < PAIRS_PER_CALL; i++) args.push('rename-command', 'x', name);
  const r = await control.call(...args);
  if (r.value !== 'OK') throw new Error(`SENTINEL SET: ${r.raw}`);
  return `master m 127.0.0.1 ${masterPort} rename-command x ${name}`;
}

/** PSUBSCRIBE '*', then stop reading: the socket is paused, so the kernel buffers fill and then Argus's. */
async function slowSubscriber(port: number): Promise<{ client: RawClient; id: number }> {
  const client = await RawClient.open(port);
  const id = Number((await client.call('CLIENT', 'ID')).value);
  await client.call('PSUBSCRIBE', '*');
  client.socket.pause();
  return { client, id };
}

/** A subscriber that reads everything and only counts the bytes. */
async function countingSubscriber(port: number): Promise<{ client: RawClient; bytes: () => number }> {
  const client = await RawClient.open(port);
  await client.call('PSUBSCRIBE', '*');
  let n = 0;
  client.socket.removeAllListeners('data');
  client.socket.on('data', (d: Buffer) => (n += d.length));
  return { client, bytes: () => n };
}

const pmessageBytes = (channel: string, text: string): number =>
  `*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$${channel.length}\r\n${channel}\r\n$${text.length}\r\n${text}\r\n`.length;

/** The CLIENT LIST line of client `id`, or null once it is gone. */
async function clientLine(control: RawClient, id: number): Promise<string | null> {
  const list = String((await control.call('CLIENT', 'LIST')).value);
  return list.split('\n').find((l) => l.startsWith(`id=${id} `)) ?? null;
}

const omem = (line: string): number => Number(/ omem=(\d+) /.exec(line)?.[1] ?? NaN);

/** VmRSS of a process in bytes. */
const rss = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024;

const MB = 1024 * 1024;

test.serial('client buffers: a subscriber that never reads is closed at the pubsub hard limit while readers get every event and RSS stays flat', async (t) => {
  const { argus, control, log } = await startArgus('4mb 0 0');
  t.teardown(async () => {
    control.close();
    await argus.cleanup();
  });
  const masterPort = Number((((await control.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')).value) as string[])[1]);
  // warm-up: code paths compiled, the heap grown to its working size (RSS then swings within
  // ~30 MB as the GC runs; measured over 720 MB of events)
  for (let i = 0; i < 32; i++) await publishMegabyte(control, masterPort);
  const base = rss(argus.child.pid!);

  const reader = await countingSubscriber(argus.port);
  t.teardown(() => reader.client.close());
  const slow = await slowSubscriber(argus.port);
  t.teardown(() => slow.client.close());
  let expected = 0;
  let peak = base;
  let droppedAfter = 0;
  // 160 MB published in all: a subscriber that kept it would take Argus's RSS up by as much
  // (measured with `client-output-buffer-limit pubsub 0 0 0`: +152 MB)
  const total = 160;
  for (let mb = 1; mb <= total; mb++) {
    const text = await publishMegabyte(control, masterPort);
    expected += PAIRS_PER_CALL * pmessageBytes('+set', text);
    peak = Math.max(peak, rss(argus.child.pid!));
    if (droppedAfter === 0 && (await clientLine(control, slow.id)) === null) droppedAfter = mb;
  }
  t.true(droppedAfter > 0, 'the slow subscriber is gone from CLIENT LIST');
  const line = new RegExp(`^Client id=${slow.id} addr=127\\.0\\.0\\.1:\\d+ .* flags=P .* psub=1 .* omem=(\\d+) .* ` +
    'scheduled to be closed ASAP for overcoming of output buffer limits\\.$');
  const m = await waitFor(() => line.exec(log(slow.id)), { what: "Redis's output buffer limit log line" });
  t.true(Number(m[1]) >= 4 * MB, `closed with omem=${m[1]} at or past the 4 MB hard limit`);

  // it was closed, not merely forgotten: reading again, the client sees the end of the stream
  slow.client.socket.resume();
  await slow.client.waitClosed(10_000);

  await waitFor(() => reader.bytes() >= expected, { what: `the reader got all ${expected} bytes`, timeout: 20_000 });
  t.is(reader.bytes(), expected);
  t.false(reader.client.closed);
  const growth = peak - base;
  t.log(`dropped after ${droppedAfter} MB published; RSS ${(base / MB).toFixed(0)} MB before, peak +${(growth / MB).toFixed(1)} MB over ${total} MB of events`);
  t.true(growth < 64 * MB, `RSS grew by ${(growth / MB).toFixed(1)} MB while ${total} MB were published`);
});

test.serial('client buffers: a subscriber over the pubsub soft limit is closed only after soft-seconds', async (t) => {
  const { argus, control, log } = await startArgus('0 1mb 2');
  t.teardown(async () => {
    control.close();
    await argus.cleanup();
  });
  const masterPort = Number((((await control.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')).value) as string[])[1]);
  const slow = await slowSubscriber(argus.port);
  t.teardown(() => slow.client.close());

  // Publish until Argus itself holds more than the soft limit for the client (the kernel's
  // buffers fill first). The crossing happened after `crossingAfter`.
  let crossingAfter = 0;
  for (let i = 0; i < 200; i++) {
    crossingAfter = Date.now();
    await publishMegabyte(control, masterPort);
    const l = await clientLine(control, slow.id);
    if (l === null) break;
    if (omem(l) >= MB) break;
  }
  const over = await clientLine(control, slow.id);
  t.truthy(over, 'still connected right after crossing the soft limit');
  t.true(omem(over!) >= MB, `over the soft limit (omem=${omem(over!)})`);

  // Keep a trickle of events coming: Redis checks the limits when output is added.
  const trickle = async (): Promise<number> => {
    for (;;) {
      await publishMegabyte(control, masterPort);
      if ((await clientLine(control, slow.id)) === null) return Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const goneAt = await Promise.race([trickle(), new Promise<number>((_, rej) => setTimeout(() => rej(new Error("still connected after 15 s")), 15_000))]);
  const held = goneAt - crossingAfter;
  t.log(`closed ${held} ms after crossing the soft limit (soft-seconds 2)`);
  t.true(held >= 2_000, `not closed before soft-seconds (${held} ms)`);
  t.true(held < 8_000, `closed soon after soft-seconds (${held} ms)`);
  t.regex(log(slow.id), /^Client id=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/);
});
