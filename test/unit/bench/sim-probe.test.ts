import test from 'ava';
import { ReplyCounter } from '../../../bench/sim/probe.js';
import { linearFit, sizeFleet } from '../../../bench/sim/sizing.js';

const STREAM = Buffer.from(
  '+PONG\r\n' +
    '*2\r\n*4\r\n$4\r\nname\r\n$2\r\nm0\r\n$5\r\nflags\r\n$0\r\n\r\n*0\r\n' +
    '$-1\r\n' +
    '$6\r\nab\r\ncd\r\n' + // CRLF inside a bulk is payload, not a line end
    '%1\r\n+k\r\n*1\r\n:1\r\n' +
    '-ERR x\r\n',
  'latin1',
);

test('sim-probe: the reply counter finds every top-level reply, fed whole', (t) => {
  t.is(new ReplyCounter().feed(STREAM), 6);
});

test('sim-probe: the reply counter gives the same count split at every offset and byte by byte', (t) => {
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const c = new ReplyCounter();
    t.is(c.feed(STREAM.subarray(0, cut)) + c.feed(STREAM.subarray(cut)), 6, `cut at ${cut}`);
  }
  const c = new ReplyCounter();
  let n = 0;
  for (let i = 0; i < STREAM.length; i++) n += c.feed(STREAM.subarray(i, i + 1));
  t.is(n, 6);
});

test('sim-sizing: a straight line through exact points', (t) => {
  t.deepEqual(linearFit([0, 1000, 2000], [2, 22, 42]), { a: 2, b: 0.02, points: 3 });
  t.is(linearFit([1000, 1000], [1, 2]), null);
});

test('sim-sizing: processes come from the tightest of descriptors, CPU and what was measured', (t) => {
  const base = {
    fleet: 100_000, sentinelsPerMaster: 3, replicas: 0, cores: 2, cpuBudgetPct: 50, maxPerProcess: 100_000,
    rss: { a: 100, b: 0.1, points: 2 }, fds: { a: 32, b: 2, points: 2 },
  };
  // CPU-bound: half of 2 cores is 100 % of one; at 0.02 %/master that is 5000 masters, one process
  const cpu = sizeFleet({ ...base, nofile: 20_000, cpu: { a: 0, b: 0.02, points: 2 } });
  t.like(cpu, { mastersPerProcessByFds: 9984, mastersPerBoxByCpu: 5000, mastersPerProcess: 5000, processesPerBox: 1, groups: 20, processes: 60, boxes: 60 });
  // descriptor-bound: a process holds 4984 and costs 1 % of a core; 9 of them leave room for
  // (100 − 9) / 0.002 = 45 500 masters, so each is full: 21 groups, 63 processes, 7 boxes
  const fd = sizeFleet({ ...base, nofile: 10_000, cpu: { a: 1, b: 0.002, points: 2 } });
  t.like(fd, { mastersPerProcessByFds: 4984, processesPerBox: 9, mastersPerBoxByCpu: 45_500, mastersPerProcess: 4984, groups: 21, processes: 63, boxes: 7 });
  // never more per process than was measured
  const capped = sizeFleet({ ...base, nofile: 20_000, maxPerProcess: 2000, cpu: { a: 0, b: 0.02, points: 2 } });
  t.like(capped, { processesPerBox: 3, mastersPerProcess: 1666, groups: 61, processes: 183, boxes: 61 });
  // a group's three processes need three boxes, however small the fleet
  t.is(sizeFleet({ ...base, fleet: 10, nofile: 20_000, cpu: { a: 0, b: 0.02, points: 2 } }).boxes, 3);
});
