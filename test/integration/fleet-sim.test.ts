import test from 'ava';
import { addrOf, SimFleet } from '../../bench/sim/fleet.js';
import { EventRecorder } from '../helpers/events.js';
import { freePort } from '../helpers/ports.js';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

const MASTERS = 20;

let fleet: SimFleet | null = null;
let argus: SentinelProc | null = null;
let events: EventRecorder | null = null;

test.after.always(async () => {
  events?.close();
  await argus?.cleanup();
  await fleet?.stop();
});

async function infoSentinel(port: number): Promise<string> {
  const c = await RawClient.open(port);
  try {
    return String((await c.call('INFO', 'sentinel')).value);
  } finally {
    c.close();
  }
}

test.serial('fleet-sim: Argus discovers every simulated replica, fails a killed simulated master over and sees a hung replica go down and back', async (t) => {
  // A random 127.<octet>.0.0 block and a port free on 127.0.0.1, so parallel runs do not meet.
  const octet = 100 + Math.floor(Math.random() * 100);
  fleet = await SimFleet.start({ masters: MASTERS, replicas: 1, port: await freePort(), octet });
  const conf = fleet.groups
    .map((g) =>
      [
        `sentinel monitor ${g.name} ${g.master.ip} ${g.master.port} 1`,
        `sentinel down-after-milliseconds ${g.name} 1000`,
        `sentinel failover-timeout ${g.name} 10000`,
      ].join('\n'),
    )
    .join('\n');
  argus = await startSentinel(`${conf}\n`);
  events = await EventRecorder.open(argus.port);

  await waitFor(
    async () => {
      const info = await infoSentinel(argus!.port);
      const ready = [...info.matchAll(/^master\d+:name=m\d+,status=ok,address=[^,]+,slaves=1,/gm)].length;
      return ready === MASTERS && (await fleet!.stats()).linked === MASTERS * 2;
    },
    { timeout: 15_000, interval: 200, what: 'every master ok with its replica, every instance linked' },
  );
  t.is(events.count('+sdown'), 0, 'no instance was declared down during discovery');

  const g = fleet.byName.get('m3')!;
  const replica = g.replicas[0]!;
  await fleet.fault('kill', [addrOf(g.master)]);
  const sw = await events.wait('+switch-master', `m3 ${g.master.ip} ${g.master.port} ${replica.ip} ${replica.port}`, { timeout: 15_000 });
  t.truthy(sw);
  t.is(events.count('+sdown', /^master m3 /), 1);
  t.is(events.count('-failover-abort-no-good-slave'), 0);
  const c = await RawClient.open(argus.port);
  try {
    t.deepEqual((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm3')).value, [replica.ip, String(replica.port)]);
  } finally {
    c.close();
  }
  t.is(events.count('+sdown', /^master m(?!3 )/), 0, 'no other master was declared down');

  // A hung replica is declared down and, once it answers its queued commands, up again.
  const r5 = fleet.byName.get('m5')!.replicas[0]!;
  await fleet.fault('hang', [addrOf(r5)]);
  await events.wait('+sdown', new RegExp(`^slave ${r5.ip}:${r5.port} `), { timeout: 10_000 });
  await fleet.fault('recover', [addrOf(r5)]);
  await events.wait('-sdown', new RegExp(`^slave ${r5.ip}:${r5.port} `), { timeout: 10_000 });
});
