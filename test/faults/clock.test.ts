/**
 * Clock trouble, Argus and redis-sentinel side by side. Each sentinel runs on a shifted clock
 * (test/helpers/clock-shift.ts: libfaketime for Argus, a small preload shim for redis-sentinel,
 * both reading one offset file), each watches the same real-clock redis-server under its own
 * master name (so they never act on each other's hellos).
 *
 * - A wall-clock step (NTP, `date -s`): Argus's timers are monotonic, so it must not act on it
 *   and only warns; redis-sentinel 7.0 compares wall-clock readings between timer ticks and
 *   enters TILT (30 s blind) on a jump of more than 2 s either way.
 * - A jump of the whole clock, monotonic too (a VM resumed after a suspend): both must enter
 *   TILT, start nothing from it, and leave it; Argus once every instance answered again,
 *   redis-sentinel after its 30 s tilt-period.
 */
import test, { type ExecutionContext } from 'ava';
import { ClockShift } from '../helpers/clock-shift.js';
import { EventRecorder } from '../helpers/events.js';
import { startRedisServer, startSentinel, type Proc, type SentinelProc } from '../helpers/processes.js';
import { fields, RawClient } from '../helpers/raw-client.js';
import { ms, recordScore } from '../helpers/scorecard.js';
import { waitFor } from '../helpers/wait-for.js';

const DOWN_AFTER = 2_000;
/** how long a step has to produce a false verdict: three down-after periods */
const WATCH_MS = 3 * DOWN_AFTER;
/** events that must not follow a clock fault on a healthy master */
const ACTING = /^[+-](sdown|odown|try-failover|failover-state-.*|elected-leader|switch-master|new-epoch)$/;

interface Side {
  readonly sentinel: SentinelProc;
  readonly events: EventRecorder;
  readonly client: RawClient;
  readonly master: string;
}

interface Rig {
  readonly shift: ClockShift;
  readonly server: Proc;
  readonly argus: Side;
  readonly redis: Side;
}

async function side(t: ExecutionContext, impl: 'argus' | 'redis', port: number, env: NodeJS.ProcessEnv): Promise<Side> {
  const master = `clock-${impl}`;
  const sentinel = await startSentinel(
    `sentinel monitor ${master} 127.0.0.1 ${port} 1\nsentinel down-after-milliseconds ${master} ${DOWN_AFTER}\n`,
    { impl, env },
  );
  t.teardown(() => sentinel.cleanup());
  const events = await EventRecorder.open(sentinel.port);
  t.teardown(() => events.close());
  const client = await RawClient.open(sentinel.port);
  t.teardown(() => client.close());
  // a fresh reply from the master, so what follows is measured from a healthy start
  await waitFor(async () => {
    const f = fields((await client.call('SENTINEL', 'MASTER', master)).value);
    return f.flags === 'master' && Number(f['last-ok-ping-reply']) < 1_000;
  }, { timeout: 20_000, what: `${impl} sees the master` });
  return { sentinel, events, client, master };
}

async function rig(t: ExecutionContext, monotonic: boolean): Promise<Rig> {
  const shift = new ClockShift();
  t.teardown(() => shift.cleanup());
  const server = await startRedisServer();
  t.teardown(() => server.stop());
  const [argus, redis] = await Promise.all([
    side(t, 'argus', server.port, shift.argusEnv({ monotonic })),
    side(t, 'redis', server.port, shift.redisEnv({ monotonic })),
  ]);
  return { shift, server, argus, redis };
}

const acting = (s: Side): string[] => s.events.events.filter((e) => ACTING.test(e.channel)).map((e) => `${e.channel} ${e.text}`);

/** `totalTilt` is null for redis-sentinel 7.0, whose INFO has no sentinel_total_tilt (7.2 added it) */
async function sentinelInfo(s: Side): Promise<{ tilt: boolean; totalTilt: number | null }> {
  const info = String((await s.client.call('INFO', 'sentinel')).value);
  const total = /sentinel_total_tilt:(\d+)/.exec(info)?.[1];
  return { tilt: /\r\nsentinel_tilt:1\r\n/.test(info), totalTilt: total === undefined ? null : Number(total) };
}

async function lastPingReply(s: Side): Promise<number> {
  return Number(fields((await s.client.call('SENTINEL', 'MASTER', s.master)).value)['last-ok-ping-reply']);
}

async function wallStep(t: ExecutionContext, seconds: number): Promise<void> {
  const r = await rig(t, false);
  const argusLogBefore = r.argus.sentinel.stdout().length;
  const stepAt = Date.now();
  r.shift.set(seconds);

  // Argus: the warning names the step, and nothing else happens
  const line = await waitFor(
    () => /Wall clock stepped ([+-]\d+) ms; not entering TILT.*/.exec(r.argus.sentinel.stdout().slice(argusLogBefore)),
    { timeout: 10_000, what: 'the wall-step warning' },
  ).catch((e: unknown) => {
    t.log(r.argus.sentinel.stdout().slice(-1500));
    throw e;
  });
  const warnedAfter = Date.now() - stepAt;
  const measured = Number(line[1]);
  t.true(Math.abs(measured - seconds * 1000) < 1_000, `warned of a ${measured} ms step for a ${seconds} s step`);
  // redis-sentinel: a wall-clock jump of more than tilt-trigger either way is TILT
  const redisTilt = await r.redis.events.wait('+tilt', '#tilt mode entered', { timeout: 10_000 });
  const redisTiltAfter = redisTilt.at - stepAt;

  // the step must not turn into a verdict on the healthy master within three down-after periods
  await new Promise((res) => setTimeout(res, WATCH_MS));
  t.deepEqual(acting(r.argus), [], 'Argus acted on nothing');
  t.deepEqual(acting(r.redis), [], 'redis-sentinel acted on nothing');
  t.is(r.argus.events.count('+tilt'), 0, 'Argus did not enter TILT');
  const argusInfo = await sentinelInfo(r.argus);
  t.deepEqual(argusInfo, { tilt: false, totalTilt: 0 });
  const redisInfo = await sentinelInfo(r.redis);
  t.true(redisInfo.tilt, `redis-sentinel still in TILT ${WATCH_MS} ms later (tilt-period 30 s)`);
  const argusPing = await lastPingReply(r.argus);
  t.true(argusPing < DOWN_AFTER, `Argus still hears the master (last-ok-ping-reply ${argusPing} ms)`);
  const redisPing = await lastPingReply(r.redis);

  const id = seconds > 0 ? 'clock/wall-forward' : 'clock/wall-backward';
  recordScore({
    id,
    group: 'Clock',
    fault: `wall clock stepped ${seconds > 0 ? '+' : ''}${seconds} s (an NTP or operator step; monotonic clock unchanged)`,
    holds: `no +sdown/+odown/failover on the healthy master for ${WATCH_MS / 1000} s; Argus logs a warning naming the step and does not enter TILT`,
    argus:
      `no TILT, kept monitoring (last-ok-ping-reply ${argusPing} ms); warned "${line[0]}" ${ms(warnedAfter)} after the step.`,
    sentinel:
      `entered TILT ${ms(redisTiltAfter)} after the step and was still blind ${WATCH_MS / 1000} s later (tilt-period 30 s); ` +
      `last-ok-ping-reply ${redisPing} ms (its ages follow the wall clock).`,
    verdict: 'better',
    figures: {
      argusWarnedMs: warnedAfter,
      argusStepMeasuredMs: measured,
      argusTotalTilt: argusInfo.totalTilt,
      argusLastOkPingMs: argusPing,
      sentinelTiltAfterMs: redisTiltAfter,
      sentinelTotalTilt: redisInfo.totalTilt,
      sentinelLastOkPingMs: redisPing,
    },
  });
}

test.serial('clock: wall clock stepped +60 s: Argus warns and keeps watching, redis-sentinel goes into TILT', (t) =>
  wallStep(t, 60));

test.serial('clock: wall clock stepped -60 s: Argus warns and keeps watching, redis-sentinel goes into TILT', (t) =>
  wallStep(t, -60));

test.serial('clock: the whole clock jumps +10 s (a resumed VM): TILT with its reason, nothing started, TILT left', async (t) => {
  t.timeout(150_000);
  const JUMP_S = 10;
  const r = await rig(t, true);
  const argusLogBefore = r.argus.sentinel.stdout().length;
  const redisLogBefore = r.redis.sentinel.stdout().length;
  r.shift.set(JUMP_S);

  const [argusIn, redisIn] = await Promise.all([
    r.argus.events.wait('+tilt', '#tilt mode entered', { timeout: 15_000 }),
    r.redis.events.wait('+tilt', '#tilt mode entered', { timeout: 15_000 }),
  ]);
  const reason = await waitFor(() => /TILT entered: event loop stalled (\d+) ms/.exec(r.argus.sentinel.stdout().slice(argusLogBefore)), {
    timeout: 5_000,
    what: "Argus's TILT reason",
  });
  const stalled = Number(reason[1]);
  t.true(stalled >= JUMP_S * 1000 - 500, `the reason names the jump (${stalled} ms)`);
  t.notRegex(r.argus.sentinel.stdout().slice(argusLogBefore), /Wall clock stepped/, 'both clocks moved: no wall step');

  const argusOut = await r.argus.events.wait('-tilt', '#tilt mode exited', { timeout: 45_000 });
  // redis-sentinel stays blind for its whole tilt-period (30 s, not settable in 7.0)
  const redisOut = await r.redis.events.wait('-tilt', '#tilt mode exited', { timeout: 90_000 });
  const argusTiltMs = argusOut.at - argusIn.at;
  const redisTiltMs = redisOut.at - redisIn.at;
  t.true(argusTiltMs < 30_000, `Argus left TILT before tilt-period (${argusTiltMs} ms)`);

  // nothing was started from the jump, and after TILT the master is still seen as healthy
  t.deepEqual(acting(r.argus), [], 'Argus acted on nothing');
  t.deepEqual(acting(r.redis), [], 'redis-sentinel acted on nothing');
  const argusInfo = await sentinelInfo(r.argus);
  const redisInfo = await sentinelInfo(r.redis);
  t.deepEqual(argusInfo, { tilt: false, totalTilt: 1 });
  t.is(redisInfo.tilt, false);
  const redisReason = /#tilt mode entered.*$/m.exec(r.redis.sentinel.stdout().slice(redisLogBefore))?.[0] ?? '';
  t.regex(redisReason, /#tilt mode entered/);

  recordScore({
    id: 'clock/monotonic-jump',
    group: 'Clock',
    fault: `the whole process clock (monotonic too) jumps +${JUMP_S} s, as a VM resumed after a suspend`,
    holds: 'TILT entered (+tilt, the reason logged), no +sdown/+odown/failover, TILT left (-tilt)',
    argus:
      `+tilt, logged "event loop stalled ${stalled} ms"; left TILT after ${ms(argusTiltMs)} (every instance answered again); nothing started.`,
    sentinel: `+tilt (no reason in its log), left TILT after ${ms(redisTiltMs)} (tilt-period 30 s); nothing started.`,
    verdict: 'better',
    figures: { argusTiltMs, sentinelTiltMs: redisTiltMs, argusStallLoggedMs: stalled, argusTotalTilt: argusInfo.totalTilt, sentinelTotalTilt: redisInfo.totalTilt },
  });
});
