import test from 'ava';
import { addrEqualsHostname, announceHost, announceName, canonicalIp } from '../../../src/sentinel/addr-match.js';
import { newMasterRecord, newReplicaRecord } from '../../../src/sentinel/instance.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';

const noResolve = { resolveHostnames: false };
const resolve = { resolveHostnames: true };

test('addr-match: IP literals compare as addresses', (t) => {
  t.true(addrEqualsHostname({ host: '10.0.0.1', port: 1 }, '10.0.0.1', noResolve));
  t.false(addrEqualsHostname({ host: '10.0.0.1', port: 1 }, '10.0.0.2', noResolve));
  t.true(addrEqualsHostname({ host: '::1', port: 1 }, '0:0:0:0:0:0:0:1', noResolve));
  t.true(addrEqualsHostname({ host: 'FE80::A', port: 1 }, 'fe80::a', noResolve));
});

test('addr-match: without resolve-hostnames a name never equals an IP record', (t) => {
  t.false(addrEqualsHostname({ host: '10.0.0.1', port: 1 }, 'redis-1', noResolve));
});

test('addr-match: with resolve-hostnames an unresolved name compares with the record name, case-insensitively', (t) => {
  t.true(addrEqualsHostname({ host: 'Redis-1.Example', port: 1 }, 'redis-1.example', resolve));
  t.false(addrEqualsHostname({ host: 'redis-1', port: 1 }, 'redis-2', resolve));
});

test('addr-match: with the resolver cache, names and IPs meet on the IP', (t) => {
  const ctx = { resolveHostnames: true, lookupIp: (h: string) => ({ 'redis-1': '10.0.0.1', alias: '10.0.0.1' })[h] };
  t.true(addrEqualsHostname({ host: 'redis-1', port: 1 }, '10.0.0.1', ctx));
  t.true(addrEqualsHostname({ host: 'redis-1', port: 1 }, 'alias', ctx));
  t.true(addrEqualsHostname({ host: '10.0.0.1', port: 1 }, 'redis-1', ctx));
  t.false(addrEqualsHostname({ host: 'redis-1', port: 1 }, '10.0.0.2', ctx));
});

test('addr-match: no reported host matches nothing', (t) => {
  t.false(addrEqualsHostname({ host: '10.0.0.1', port: 1 }, null, noResolve));
});

test('addr-match: the announced host is the hostname with announce-hostnames, else the IP', (t) => {
  t.is(announceHost({ host: 'redis-1', port: 1 }, { announceHostnames: true }), 'redis-1');
  t.is(announceHost({ host: 'redis-1', port: 1 }, { announceHostnames: false, lookupIp: () => '10.0.0.1' }), '10.0.0.1');
  t.is(announceHost({ host: 'redis-1', port: 1 }, { announceHostnames: false }), 'redis-1');
  t.is(announceHost({ host: '10.0.0.9', port: 1 }, { announceHostnames: false, lookupIp: () => 'x' }), '10.0.0.9');
});

test('addr-match: announceHost falls back to the IP the address carries from its shard, then to the name', (t) => {
  const carried = { host: 'redis-1', port: 1, ip: '10.0.0.2' };
  t.is(announceHost(carried, { announceHostnames: false }), '10.0.0.2');
  t.is(announceHost(carried, { announceHostnames: false, lookupIp: () => '10.0.0.3' }), '10.0.0.3', 'the cache is fresher');
  t.is(announceHost(carried, { announceHostnames: true }), 'redis-1');
});

test('addr-match: announceName shows a replica known by name by its IP with announce-hostnames no', (t) => {
  const m = newMasterRecord('m', { host: 'redis-0', port: 6379 }, 1, defaultTimings(), 0);
  const r = newReplicaRecord('redis-1:6380', { host: 'redis-1', port: 6380 }, m, 0);
  const v6 = newReplicaRecord('redis-2:6380', { host: 'redis-2', port: 6380 }, m, 0);
  const lookupIp = (h: string): string | undefined => ({ 'redis-1': '10.0.0.1', 'redis-2': 'fe80::2' })[h];
  t.is(announceName(r, { announceHostnames: false, lookupIp }), '10.0.0.1:6380');
  t.is(announceName(v6, { announceHostnames: false, lookupIp }), '[fe80::2]:6380');
  t.is(announceName(r, { announceHostnames: true, lookupIp }), 'redis-1:6380');
  t.is(announceName(r, { announceHostnames: false }), 'redis-1:6380', 'not resolved yet: the name');
  t.is(announceName(m, { announceHostnames: false, lookupIp }), 'm', 'a master keeps its configured name');
});

test('addr-match: canonical IPv6, IPv4 unchanged', (t) => {
  t.is(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  t.is(canonicalIp('2001:DB8::0001'), '2001:db8::1');
  t.is(canonicalIp('127.0.0.1'), '127.0.0.1');
  t.is(canonicalIp('FE80::1%eth0'), 'fe80::1%eth0', 'a zone id is kept, lower-cased');
});
