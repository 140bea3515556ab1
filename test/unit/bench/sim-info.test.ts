import test from 'ava';
import { DEFAULT_SECTIONS, infoText } from '../../../bench/sim/info.js';
import { parseInfo } from '../../../src/sentinel/info-parse.js';
import { group } from './sim-helpers.js';

const WALL = 1_800_000_000_000;

test('sim-info: a master lists its live replicas as Sentinel reads them', (t) => {
  const { world, m, r1, r2 } = group();
  const text = infoText(world, m, [], 20_000, WALL);
  t.regex(text, /^connected_slaves:2\r$/m);
  t.regex(text, /^slave0:ip=127\.9\.0\.2,port=6379,state=online,offset=\d+,lag=0\r$/m);
  const info = parseInfo(text);
  t.is(info.role, 'master');
  t.is(info.runId, m.runId);
  t.deepEqual(info.replicas, [{ host: r1.ip, port: 6379 }, { host: r2.ip, port: 6379 }]);
  t.is(info.masterLinkDownTime, 0);
});

test('sim-info: a replica reports its master, link up, priority and the master offset', (t) => {
  const { world, m, r2 } = group();
  const info = parseInfo(infoText(world, r2, [], 20_000, WALL));
  t.like(info, { role: 'slave', masterHost: m.ip, masterPort: 6379, masterLinkStatusUp: true, slavePriority: 50, masterLinkDownTime: 0 });
  t.is(info.slaveReplOffset, world.offset(m, 20_000));
  t.true(info.slaveReplOffset! > 0);
});

test('sim-info: the default reply has every default section, about the size of redis-server 7.0s', (t) => {
  const { world, m } = group();
  const text = infoText(world, m, [], 1_000, WALL);
  t.deepEqual([...text.matchAll(/^# (\w+)\r$/gm)].map((x) => x[1]!.toLowerCase()), [...DEFAULT_SECTIONS]);
  t.true(text.length > 4_500 && text.length < 5_500, `${text.length} bytes`);
  t.regex(text, /\r\n\r\n# Clients\r\n/, 'sections are separated by an empty line');
  t.true(text.endsWith('\r\n'));
  t.is(infoText(world, m, ['all'], 1_000, WALL), text);
});

test('sim-info: named sections only, case-insensitive; an unknown name gives nothing', (t) => {
  const { world, m } = group();
  const repl = infoText(world, m, ['Replication'], 1_000, WALL);
  t.true(repl.startsWith('# Replication\r\nrole:master\r\n'));
  t.false(repl.includes('# Server'));
  t.is(infoText(world, m, ['nosuchsection'], 1_000, WALL), '');
  t.regex(infoText(world, m, ['server', 'clients'], 1_000, WALL), /^# Server\r\n[^]*\r\n\r\n# Clients\r\n/);
});

test('sim-info: after its master is killed a replica reports the link down and for how long', (t) => {
  const { world, m, r1 } = group();
  const before = world.offset(m, 10_000);
  world.kill(m, 10_000);
  const info = parseInfo(infoText(world, r1, [], 13_500, WALL));
  t.like(info, { role: 'slave', masterLinkStatusUp: false, masterLinkDownTime: 3_000, slaveReplOffset: before });
  t.regex(infoText(world, r1, ['replication'], 13_500, WALL), /^master_link_down_since_seconds:3\r$/m);
});

test('sim-info: a dead replica drops out of its master list; recovered, it is back with a new run id', (t) => {
  const { world, m, r1, r2 } = group();
  const oldRunId = r1.runId;
  world.kill(r1, 5_000);
  t.deepEqual(parseInfo(infoText(world, m, [], 6_000, WALL)).replicas, [{ host: r2.ip, port: 6379 }]);
  world.recover(r1, 7_000);
  t.is(parseInfo(infoText(world, m, [], 8_000, WALL)).replicas.length, 2);
  t.not(r1.runId, oldRunId);
  t.regex(infoText(world, r1, ['server'], 9_000, WALL), /^uptime_in_seconds:2\r$/m);
});
