import test from 'ava';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { ARGUS_BIN, REDIS_SERVER, spawnProc, waitForPort, type Proc } from '../helpers/processes.js';
import { redisCli } from '../helpers/redis-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * TLS end to end with certificates made here by Debian's openssl: clients → Argus (tls-port),
 * Argus → a TLS-only redis-server and Argus ↔ Argus (tls-replication yes).
 */

const certs = tempDir('argus-tls-certs-');
const file = (name: string): string => join(certs.dir, name);

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: certs.dir, stdio: 'ignore' });
}

/** A key and a certificate signed by the test CA (no host name: Redis's client does not check it). */
function issue(name: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=argus-test-${name}`]);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2']);
}

test.before(() => {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Argus Test CA']);
  issue('server');
  issue('client');
  // the server key encrypted, for tls-key-file-pass
  openssl(['rsa', '-in', 'server.key', '-aes256', '-passout', 'pass:s3cret', '-out', 'server-enc.key']);
  // a certificate from another CA: it verifies against nothing Argus trusts
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=rogue']);
});

test.after.always(() => certs.cleanup());

/** redis-cli over TLS with the test client certificate. */
const tlsCli = (port: number, args: string[], cert: 'client' | 'rogue' | null = 'client') =>
  redisCli(port, args, ['--tls', '--cacert', file('ca.crt'), ...(cert ? ['--cert', file(`${cert}.crt`), '--key', file(`${cert}.key`)] : [])]);

/** SENTINEL MASTER's flat reply as a map (redis-cli prints one element a line). */
async function masterFields(port: number, name: string): Promise<Record<string, string>> {
  const lines = (await tlsCli(port, ['SENTINEL', 'MASTER', name])).out.split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) out[lines[i]!] = lines[i + 1]!;
  return out;
}

/** A redis-server listening with TLS only (`--port 0`), its own links TLS too. */
async function startTlsRedis(extra: string[] = []): Promise<Proc & { cleanup(): Promise<void> }> {
  const port = await freePort();
  const tmp = tempDir('redis-server-tls-');
  const proc = spawnProc(REDIS_SERVER, [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no',
    '--dir', tmp.dir, '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'),
    '--tls-ca-cert-file', file('ca.crt'), '--tls-replication', 'yes', ...extra,
  ], port, tmp.dir);
  await waitForPort(port);
  return { ...proc, async cleanup() { await proc.stop(); tmp.cleanup(); } };
}

/**
 * Whether `proc`'s log gets `text`: the lines of a process that has just exited can still be on
 * their way through the pipe, so wait a little for them.
 */
const logs = (proc: Proc, text: string): Promise<boolean> =>
  waitFor(() => proc.stdout().includes(text), { timeout: 3_000, what: text }).then(() => true, () => false);

const TLS_LINES = (certFile: string, keyFile: string): string =>
  `tls-cert-file ${certFile}\ntls-key-file ${keyFile}\ntls-ca-cert-file ${file('ca.crt')}\n`;

/** Argus with TLS only (`port 0`, `tls-port`) and tls-replication yes; `body` is appended to the config. */
async function startTlsArgus(
  body: string,
  { wait = true, certFile = file('server.crt'), keyFile = file('server.key') }: { wait?: boolean; certFile?: string; keyFile?: string } = {},
): Promise<Proc & { cleanup(): Promise<void> }> {
  const port = await freePort();
  const tmp = tempDir('argus-sentinel-tls-');
  const configPath = join(tmp.dir, 'sentinel.conf');
  writeFileSync(configPath, `port 0\nbind 127.0.0.1\ntls-port ${port}\ntls-replication yes\n${TLS_LINES(certFile, keyFile)}${body}`, 'latin1');
  const proc = spawnProc(process.execPath, [ARGUS_BIN, configPath], port, tmp.dir);
  const cleanup = async (): Promise<void> => {
    await proc.stop();
    tmp.cleanup();
  };
  if (wait) {
    try {
      await waitForPort(port);
    } catch (e) {
      await cleanup();
      throw e;
    }
  }
  return { ...proc, cleanup };
}

test('tls: redis-cli with a client certificate gets PONG and SENTINEL MASTER on tls-port when Argus listens with TLS only', async (t) => {
  const argus = await startTlsArgus('sentinel monitor m 127.0.0.1 6 1\n');
  t.teardown(() => argus.cleanup());

  t.deepEqual(await tlsCli(argus.port, ['PING']), { out: 'PONG\n', code: 0 });
  const m = await masterFields(argus.port, 'm');
  t.is(m.name, 'm');
  t.is(m.port, '6');
  // tls-auth-clients defaults to yes: no client certificate, no session
  t.not((await tlsCli(argus.port, ['PING'], null)).out, 'PONG\n');
  t.not((await tlsCli(argus.port, ['PING'], 'rogue')).out, 'PONG\n');
  // and a plain client gets nothing from a TLS port
  t.not((await redisCli(argus.port, ['PING'])).out, 'PONG\n');
  t.regex(argus.stdout(), new RegExp(`Running mode=sentinel, port=${argus.port}\\.`));
});

test('tls: a client without a certificate is served when tls-auth-clients is no', async (t) => {
  const argus = await startTlsArgus('tls-auth-clients no\n');
  t.teardown(() => argus.cleanup());
  t.deepEqual(await tlsCli(argus.port, ['PING'], null), { out: 'PONG\n', code: 0 });
});

test('tls: a client without a certificate is served but one with an unverified certificate is not when tls-auth-clients is optional', async (t) => {
  const argus = await startTlsArgus('tls-auth-clients optional\n');
  t.teardown(() => argus.cleanup());
  t.deepEqual(await tlsCli(argus.port, ['PING'], null), { out: 'PONG\n', code: 0 });
  t.deepEqual(await tlsCli(argus.port, ['PING']), { out: 'PONG\n', code: 0 });
  t.not((await tlsCli(argus.port, ['PING'], 'rogue')).out, 'PONG\n');
});

test('tls: Argus monitors a TLS-only master and its replica and sees both connected when tls-replication is yes', async (t) => {
  const master = await startTlsRedis();
  t.teardown(() => master.cleanup());
  // the replica syncs over TLS and announces its tls-port (REPLCONF listening-port)
  const replica = await startTlsRedis(['--replicaof', '127.0.0.1', String(master.port)]);
  t.teardown(() => replica.cleanup());
  const argus = await startTlsArgus(`sentinel monitor m 127.0.0.1 ${master.port} 1\n`);
  t.teardown(() => argus.cleanup());

  const m = await waitFor(async () => {
    const f = await masterFields(argus.port, 'm');
    return f.flags === 'master' && /^[0-9a-f]{40}$/.test(f.runid ?? '') ? f : null;
  }, { what: 'the TLS master connected', timeout: 15_000 });
  t.is(m['role-reported'], 'master');
  // both links (command and pub/sub) are TLS sessions the server accepted
  const list = (await tlsCli(master.port, ['CLIENT', 'LIST'])).out;
  t.is([...list.matchAll(/ name=sentinel-[0-9a-f]{8}-(?:cmd|pubsub) /g)].length, 2);

  // the replica, found through INFO, is reached over TLS too: flags `slave`, no `disconnected`
  await waitFor(async () => {
    const lines = (await tlsCli(argus.port, ['SENTINEL', 'REPLICAS', 'm'])).out.split('\n');
    return lines[lines.indexOf('port') + 1] === String(replica.port) && lines[lines.indexOf('flags') + 1] === 'slave' &&
      /^[0-9a-f]{40}$/.test(lines[lines.indexOf('runid') + 1] ?? '');
  }, { what: 'the TLS replica connected', timeout: 20_000 });
  t.pass();
});

test('tls: two Argus sentinels discover each other through hellos over TLS when tls-replication is yes', async (t) => {
  const master = await startTlsRedis();
  t.teardown(() => master.cleanup());
  const config = `sentinel monitor m 127.0.0.1 ${master.port} 2\n`;
  const a = await startTlsArgus(config);
  t.teardown(() => a.cleanup());
  const b = await startTlsArgus(config);
  t.teardown(() => b.cleanup());

  for (const s of [a, b]) {
    await waitFor(async () => (await masterFields(s.port, 'm'))['num-other-sentinels'] === '1', {
      what: `sentinel on ${s.port} sees its peer`, timeout: 20_000,
    });
  }
  // the peer is known at its tls-port (the hello announces tls-port with tls-replication) and linked
  const peers = (await tlsCli(a.port, ['SENTINEL', 'SENTINELS', 'm'])).out.split('\n');
  t.is(peers[peers.indexOf('port') + 1], String(b.port));
  await waitFor(async () => {
    const lines = (await tlsCli(a.port, ['SENTINEL', 'SENTINELS', 'm'])).out.split('\n');
    return lines[lines.indexOf('flags') + 1] === 'sentinel';
  }, { what: 'the peer link up (no disconnected flag)', timeout: 15_000 });
  t.pass();
});

test('tls: start-up stops with Redis\'s messages and status 1 when the certificate or key cannot be loaded', async (t) => {
  const missing = file('nonexistent.crt');
  const noCert = await startTlsArgus('', { wait: false, certFile: missing });
  t.teardown(() => noCert.cleanup());
  t.is(await noCert.exited, 1);
  t.true(await logs(noCert, `Failed to load certificate: ${missing}: error:80000002:system library::No such file or directory`), noCert.stdout());
  t.true(await logs(noCert, '# Failed to configure TLS. Check logs for more info.'), noCert.stdout());

  // the CA's key with the server's certificate: OpenSSL's own text, as redis-server prints it
  const mismatch = await startTlsArgus('', { wait: false, keyFile: file('ca.key') });
  t.teardown(() => mismatch.cleanup());
  t.is(await mismatch.exited, 1);
  t.true(
    await logs(mismatch, `Failed to load private key: ${file('ca.key')}: error:05800074:x509 certificate routines::key values mismatch`),
    mismatch.stdout(),
  );
  t.true(await logs(mismatch, '# Failed to configure TLS. Check logs for more info.'), mismatch.stdout());
});

test('tls: an encrypted key is used with tls-key-file-pass and a wrong pass stops start-up with OpenSSL\'s text', async (t) => {
  const ok = await startTlsArgus('tls-key-file-pass s3cret\n', { keyFile: file('server-enc.key') });
  t.teardown(() => ok.cleanup());
  t.deepEqual(await tlsCli(ok.port, ['PING']), { out: 'PONG\n', code: 0 });

  const wrong = await startTlsArgus('tls-key-file-pass wrong\n', { wait: false, keyFile: file('server-enc.key') });
  t.teardown(() => wrong.cleanup());
  t.is(await wrong.exited, 1);
  t.true(
    await logs(wrong, `Failed to load private key: ${file('server-enc.key')}: error:1C800064:Provider routines::bad decrypt`),
    wrong.stdout(),
  );
});
