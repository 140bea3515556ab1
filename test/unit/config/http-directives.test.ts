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

test('argus-http-*: off, loopback and no token by default', (t) => {
  const s = readSettings(load('').server);
  t.is(s.httpPort, 0);
  t.deepEqual(s.httpBind, ['127.0.0.1']);
  t.is(s.httpToken, null);
});

test('argus-http-*: load, refuse bad values with the line, and survive the rewrite', (t) => {
  const text = 'argus-http-port 8080\nargus-http-bind 0.0.0.0 ::1\nargus-http-token abc\n';
  const l = load(text);
  const s = readSettings(l.server);
  t.is(s.httpPort, 8080);
  t.deepEqual(s.httpBind, ['0.0.0.0', '::1']);
  t.is(s.httpToken, 'abc');
  t.like(t.throws(() => load('argus-http-port 65536\n'), { instanceOf: ConfigLineError }), {
    reason: 'argument must be between 0 and 65535 inclusive',
  });
  t.like(t.throws(() => load('argus-http-bind localhost\n'), { instanceOf: ConfigLineError }), {
    reason: "Invalid argus-http-bind address 'localhost': expected an IP address",
  });
  l.state.myid = 'a'.repeat(40);
  const out = rewriteConfig(text, l.server, l.state, { cwd: '/tmp' });
  t.regex(out, /^argus-http-port 8080$/m);
  t.regex(out, /^argus-http-bind 0\.0\.0\.0 ::1$/m);
  t.regex(out, /^argus-http-token "abc"$/m);
  // and from the command line, as every directive
  const cl = loadConfig('', '/etc/argus/sentinel.conf', ['--argus-http-port', '9000'], 1000, io);
  t.is(readSettings(cl.server).httpPort, 9000);
});
