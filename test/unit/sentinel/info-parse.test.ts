import test from 'ava';
import { parseInfo } from '../../../src/sentinel/info-parse.js';
import { info } from './helpers.js';

const RUNID = '0123456789abcdef0123456789abcdef01234567';

const MASTER_INFO = info(
  '# Server',
  'redis_version:7.0.15',
  `run_id:${RUNID}`,
  '',
  '# Replication',
  'role:master',
  'connected_slaves:2',
  'slave0:ip=127.0.0.1,port=6380,state=online,offset=100,lag=0',
  'slave1:ip=::1,port=6381,state=online,offset=100,lag=1',
  'master_failover_state:no-failover',
  'master_replid:x',
);

const REPLICA_INFO = info(
  `run_id:${RUNID}`,
  'role:slave',
  'master_host:10.0.0.1',
  'master_port:6379',
  'master_link_status:up',
  'master_link_down_since_seconds:-1',
  'slave_repl_offset:12345',
  'slave_priority:50',
  'replica_announced:0',
);

test('info-parse: reads a master INFO (run id, role, replicas in the new form, failover state)', (t) => {
  const p = parseInfo(MASTER_INFO);
  t.is(p.runId, RUNID);
  t.is(p.role, 'master');
  t.deepEqual(p.replicas, [
    { host: '127.0.0.1', port: 6380 },
    { host: '::1', port: 6381 },
  ]);
  t.is(p.failoverState, 'no-failover');
  t.is(p.masterLinkDownTime, 0);
  t.is(p.masterHost, null);
});

test('info-parse: reads a replica INFO (master address, link, offset, priority, announced, link-down)', (t) => {
  const p = parseInfo(REPLICA_INFO);
  t.is(p.role, 'slave');
  t.is(p.masterHost, '10.0.0.1');
  t.is(p.masterPort, 6379);
  t.true(p.masterLinkStatusUp);
  t.is(p.slaveReplOffset, 12345);
  t.is(p.slavePriority, 50);
  t.false(p.replicaAnnounced);
  t.is(p.masterLinkDownTime, -1000, 'strtoll of -1, times 1000, as sentinel.c');
  t.is(p.failoverState, null);
});

test('info-parse: run_id only from a line of at least 47 characters', (t) => {
  t.is(parseInfo(info('run_id:abc')).runId, null);
  t.is(parseInfo(info(`run_id:${RUNID}extra`)).runId, RUNID);
});

test('info-parse: replica lines in the old form, IPv4 and IPv6', (t) => {
  const p = parseInfo(info('slave0:10.0.0.2,6380,online', 'slave1:fe80::1,6381,online'));
  t.deepEqual(p.replicas, [
    { host: '10.0.0.2', port: 6380 },
    { host: 'fe80::1', port: 6381 },
  ]);
});

test('info-parse: skips replica lines without an address or port', (t) => {
  const p = parseInfo(info('slave0:10.0.0.2,6380', 'slave1:ip=10.0.0.3', 'slave2:nocomma', 'slave_read_only:1', 'slave3', 'slave40,6380,x'));
  t.deepEqual(p.replicas, []);
});

test('info-parse: new form takes ip= and port= up to the next comma or the line end', (t) => {
  t.deepEqual(parseInfo(info('slave12:state=online,port=7000,ip=10.1.1.1')).replicas, [{ host: '10.1.1.1', port: 7000 }]);
});

test('info-parse: replication fields only after role:slave', (t) => {
  const p = parseInfo(info('master_host:10.0.0.9', 'master_port:1', 'slave_priority:7', 'role:master'));
  t.is(p.masterHost, null);
  t.is(p.masterPort, null);
  t.is(p.slavePriority, null);
  t.is(p.role, 'master');
});

test('info-parse: lenient numbers like atoi and strtoull', (t) => {
  const p = parseInfo(info('role:slave', 'master_port: 6379junk', 'slave_priority:abc', 'slave_repl_offset:-5', 'master_link_down_since_seconds:12s'));
  t.is(p.masterPort, 6379);
  t.is(p.slavePriority, 0);
  t.is(p.slaveReplOffset, 0);
  t.is(p.masterLinkDownTime, 12_000);
});

test('info-parse: master_link_status is up only for "up", any case', (t) => {
  t.true(parseInfo(info('role:slave', 'master_link_status:UP')).masterLinkStatusUp);
  t.false(parseInfo(info('role:slave', 'master_link_status:down')).masterLinkStatusUp);
});

test('info-parse: replica_priority is read like slave_priority', (t) => {
  t.is(parseInfo(info('role:slave', 'replica_priority:0')).slavePriority, 0);
});

test('info-parse: master_failover_state other than no-failover means in progress', (t) => {
  t.is(parseInfo(info('master_failover_state:waiting-for-sync')).failoverState, 'failover');
  t.is(parseInfo(info('master_failover_state:')).failoverState, 'failover', 'an empty value is not no-failover');
  t.is(parseInfo(info('master_failover_state')).failoverState, null, 'shorter than 22 characters');
});

test('info-parse: the last role line wins; none gives null', (t) => {
  t.is(parseInfo(info('role:master', 'role:slave')).role, 'slave');
  t.is(parseInfo(info('# Server')).role, null);
});

test('info-parse: lines split on CRLF only', (t) => {
  t.is(parseInfo('role:slave\nmaster_host:x\n').masterHost, null);
});
