import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { rewriteConfig } from '../../../src/config/rewrite.js';
import { readSettings } from '../../../src/config/settings.js';
import { ConfigLineError } from '../../../src/errors.js';

const io = {
  isExecutable: () => false,
  readFile: () => ({ ok: false as const, error: 'No such file or directory' }),
  glob: () => [],
};
const load = (text: string) => loadConfig(text, '/etc/argus/sentinel.conf', [], 1000, io);
const rewrite = (text: string) => {
  const l = load(text);
  l.state.myid = 'a'.repeat(40);
  return rewriteConfig(text, l.server, l.state, { cwd: '/tmp' });
};

test('argus-dns-timeout: defaults to 2000 ms and loads from 10 to 60000', (t) => {
  t.is(readSettings(load('').server).dnsTimeoutMs, 2_000);
  t.is(readSettings(load('argus-dns-timeout 500\n').server).dnsTimeoutMs, 500);
  t.is(readSettings(load('ARGUS-DNS-TIMEOUT 60000\n').server).dnsTimeoutMs, 60_000);
  t.like(t.throws(() => load('argus-dns-timeout 5\n'), { instanceOf: ConfigLineError }), {
    line: 1,
    reason: 'argument must be between 10 and 60000 inclusive',
  });
  t.like(t.throws(() => load('argus-dns-timeout soon\n'), { instanceOf: ConfigLineError }), {
    reason: "argument couldn't be parsed into an integer",
  });
  t.like(t.throws(() => load('argus-dns-timeout 1 2\n'), { instanceOf: ConfigLineError }), {
    reason: 'wrong number of arguments',
  });
});

test('argus-dns-servers: takes IPs with optional ports, IPv4 and IPv6', (t) => {
  t.deepEqual(readSettings(load('').server).dnsServers, []);
  const line = 'argus-dns-servers 10.0.0.53 127.0.0.1:5353 ::1 [fd00::53] [fd00::53]:5353\n';
  t.deepEqual(readSettings(load(line).server).dnsServers, ['10.0.0.53', '127.0.0.1:5353', '::1', '[fd00::53]', '[fd00::53]:5353']);
  t.deepEqual(readSettings(load('argus-dns-servers "10.0.0.1 10.0.0.2"\n').server).dnsServers, ['10.0.0.1', '10.0.0.2']);
  // an empty value goes back to the system resolver
  t.deepEqual(readSettings(load('argus-dns-servers 10.0.0.1\nargus-dns-servers ""\n').server).dnsServers, []);
});

test('argus-dns-servers: refuses names, bad ports and scope ids with the offending address', (t) => {
  for (const bad of ['dns.example', '10.0.0.1:0', '10.0.0.1:65536', '10.0.0.1:53:1', '[fd00::53]:x', 'fe80::1%eth0', '999.0.0.1']) {
    t.like(t.throws(() => load(`argus-dns-servers 10.0.0.1 ${bad}\n`), { instanceOf: ConfigLineError }), {
      line: 1,
      reason: `Invalid argus-dns-servers address '${bad}': expected an IP address, <ipv4>:<port> or [<ipv6>]:<port>`,
    }, bad);
  }
});

test('argus-dns-*: the rewrite keeps set values and writes nothing at the defaults', (t) => {
  const text = 'argus-dns-timeout 750\nargus-dns-servers 127.0.0.1:5353 [::1]:53\nsentinel monitor m 127.0.0.1 6379 2\n';
  const out = rewrite(text);
  t.regex(out, /^argus-dns-timeout 750$/m);
  t.regex(out, /^argus-dns-servers 127\.0\.0\.1:5353 \[::1\]:53$/m);
  // and the file reads back the same
  const again = readSettings(load(out).server);
  t.is(again.dnsTimeoutMs, 750);
  t.deepEqual(again.dnsServers, ['127.0.0.1:5353', '[::1]:53']);

  const plain = rewrite('sentinel monitor m 127.0.0.1 6379 2\n');
  t.notRegex(plain, /argus-dns/);
  // a line at the default is kept where it is (Redis rewrites such lines in place)
  t.regex(rewrite('argus-dns-timeout 2000\n'), /^argus-dns-timeout 2000$/m);
});
