import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { readSettings } from '../../../src/config/settings.js';
import { configureTls, parseProtocols, TlsConfigError, tlsWanted } from '../../../src/runtime/tls-config.js';

const settingsOf = (text: string) => readSettings(loadConfig(text, '/etc/sentinel.conf', [], 0).server);

/** The line configureTls refuses with (what Argus logs before `Failed to configure TLS...`). */
function refusal(text: string): string {
  try {
    configureTls(settingsOf(text));
  } catch (e) {
    if (e instanceof TlsConfigError) return e.message;
    throw e;
  }
  return '';
}

test('parseProtocols: defaults to TLSv1.2 and TLSv1.3 when tls-protocols is unset', (t) => {
  t.deepEqual(parseProtocols(null), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
});

test('parseProtocols: takes any case and spans the listed versions', (t) => {
  t.deepEqual(parseProtocols('tlsv1.3'), { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
  t.deepEqual(parseProtocols('TLSv1.3 TLSv1.1'), { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.3' });
});

test("parseProtocols: refuses an unknown version with Redis's message", (t) => {
  const e = t.throws(() => parseProtocols('TLSv1.2 bogus'), { instanceOf: TlsConfigError });
  t.is(e?.message, "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
});

test('tlsWanted: only with tls-port or tls-replication', (t) => {
  t.false(tlsWanted(settingsOf('')));
  t.true(tlsWanted(settingsOf('tls-port 26390')));
  t.true(tlsWanted(settingsOf('tls-replication yes')));
});

test("configureTls: refuses missing settings in redis-server's order with its messages", (t) => {
  t.is(refusal('tls-port 26390'), 'No tls-cert-file configured!');
  t.is(refusal('tls-port 26390\ntls-cert-file c.pem'), 'No tls-key-file configured!');
  const noCa =
    'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!';
  t.is(refusal('tls-port 26390\ntls-cert-file c.pem\ntls-key-file k.pem'), noCa);
  t.is(refusal('tls-port 26390\ntls-cert-file c.pem\ntls-key-file k.pem\ntls-auth-clients optional'), noCa);
  t.is(refusal('tls-port 26390\ntls-cert-file c.pem\ntls-key-file k.pem\ntls-auth-clients no\ntls-replication yes'), noCa);
});

test('configureTls: reports an unreadable certificate as OpenSSL reports a system error', (t) => {
  t.is(
    refusal('tls-port 26390\ntls-cert-file /nonexistent/c.pem\ntls-key-file k.pem\ntls-auth-clients no'),
    'Failed to load certificate: /nonexistent/c.pem: error:80000002:system library::No such file or directory',
  );
});
