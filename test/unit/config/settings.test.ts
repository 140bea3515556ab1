import test from 'ava';
import { loadConfig } from '../../../src/config/load.js';
import { readSettings, SENTINEL_DEFAULT_PORT } from '../../../src/config/settings.js';

const settingsOf = (text: string) => readSettings(loadConfig(text, '/etc/sentinel.conf', [], 0).server);

test('readSettings: starts from the sentinel defaults when nothing is configured', (t) => {
  t.like(settingsOf(''), {
    port: SENTINEL_DEFAULT_PORT, bind: ['*', '-::*'], protectedMode: false, dir: null, pidfile: null, logfile: '',
    loglevel: 'notice', daemonize: false, requirepass: null, maxclients: 10000, timeout: 0, tcpKeepalive: 300,
    tcpBacklog: 511, hz: 10, syslogEnabled: false, syslogIdent: 'redis', syslogFacility: 'local0', tlsPort: 0,
    unixsocket: null, unixsocketperm: 0, tlsAuthClients: 'yes', tlsReplication: false,
    clientOutputBufferLimitPubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
  });
});

test('readSettings: reads the configured values', (t) => {
  const s = settingsOf([
    'port 26380', 'bind 127.0.0.1 -::1', 'protected-mode yes', 'dir /var/lib/redis', 'pidfile /run/s.pid',
    'logfile "/var/log/s.log"', 'loglevel warning', 'daemonize yes', 'requirepass secret', 'maxclients 50',
    'timeout 30', 'tcp-keepalive 60', 'tcp-backlog 128', 'hz 20', 'syslog-enabled yes', 'syslog-ident sentinel',
    'syslog-facility local3', 'unixsocket /run/s.sock', 'unixsocketperm 770', 'tls-port 26390',
    'tls-cert-file c.pem', 'tls-key-file k.pem', 'tls-ca-cert-file ca.pem', 'tls-auth-clients optional',
    'tls-replication yes', 'client-output-buffer-limit pubsub 1gb 512mb 30',
  ].join('\n'));
  t.like(s, {
    port: 26380, bind: ['127.0.0.1', '-::1'], protectedMode: true, dir: '/var/lib/redis', pidfile: '/run/s.pid',
    logfile: '/var/log/s.log', loglevel: 'warning', daemonize: true, requirepass: 'secret', maxclients: 50,
    timeout: 30, tcpKeepalive: 60, tcpBacklog: 128, hz: 20, syslogEnabled: true, syslogIdent: 'sentinel',
    syslogFacility: 'local3', unixsocket: '/run/s.sock', unixsocketperm: 0o770, tlsPort: 26390,
    tlsCertFile: 'c.pem', tlsKeyFile: 'k.pem', tlsCaCertFile: 'ca.pem', tlsAuthClients: 'optional',
    tlsReplication: true, clientOutputBufferLimitPubsub: { hard: 1024 ** 3, soft: 512 * 1024 ** 2, softSeconds: 30 },
  });
});

test('readSettings: treats empty strings as unset and bind "" as no address', (t) => {
  t.like(settingsOf('requirepass ""\npidfile ""\nbind ""\n'), { requirepass: null, pidfile: null, bind: [] });
});

test('readSettings: reads memory units in output buffer limits', (t) => {
  t.deepEqual(settingsOf('client-output-buffer-limit pubsub 64MB 8k 0\n').clientOutputBufferLimitPubsub,
    { hard: 64 * 1024 * 1024, soft: 8000, softSeconds: 0 });
});
