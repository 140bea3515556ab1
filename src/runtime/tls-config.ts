/**
 * TLS material for both directions, read once on the main thread (tls.c tlsConfigure).
 *
 * - Incoming (`tls-port`): the server context Redis builds from tls-cert-file/-key-file, the CA,
 *   tls-auth-clients, tls-protocols, tls-ciphers/-ciphersuites, tls-prefer-server-ciphers.
 * - Outgoing (`tls-replication yes`): the client certificate (tls-client-cert-file/-key-file,
 *   else the server's) and the CA, as PEM strings a shard can turn into a SecureContext; shards
 *   never read config files themselves.
 *
 * Checks and their log lines follow redis-server 7.0.15 (checked against Debian's build):
 * `No tls-cert-file configured!`, `No tls-key-file configured!`, `Either tls-ca-cert-file or
 * tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are
 * enabled!`, `Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1',
 * 'TLSv1.2' and 'TLSv1.3'.`, `Failed to load certificate: <file>: <openssl error>`, `Failed to
 * load private key: <file>: <openssl error>`, `Failed to configure CA certificate(s)
 * file/directory: <openssl error>`, `Failed to configure ciphers: <list>`, `Failed to configure
 * ciphersuites: <list>`; then the caller logs `Failed to configure TLS. Check logs for more
 * info.` and exits 1. OpenSSL's own error strings (`error:05800074:x509 certificate
 * routines::key values mismatch`) come from Node's OpenSSL unchanged; a file that cannot be read
 * is rendered as OpenSSL 3 renders a system error (`error:80000002:system library::No such file
 * or directory`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureVersion, type TlsOptions } from 'node:tls';
import { strerror } from '../config/flush.js';
import type { ServerSettings } from '../config/settings.js';

/** What a shard needs to open TLS links: JSON-safe, so it travels in ShardGlobals. */
export interface ClientTlsMaterial {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly passphrase: string | null;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  readonly ciphers: string | null;
  readonly ciphersuites: string | null;
}

export interface TlsSetup {
  /** options for node:tls createServer on tls-port; null when tls-port is 0 */
  readonly server: TlsOptions | null;
  /** client material for outgoing links; null unless tls-replication yes */
  readonly client: ClientTlsMaterial | null;
}

/** A start-up refusal: `message` is the line Redis logs before `Failed to configure TLS...`. */
export class TlsConfigError extends Error {}

export const TLS_FATAL_LINE = 'Failed to configure TLS. Check logs for more info.';

const PROTOCOLS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** OpenSSL 3's TLS 1.3 suites (SSL_CTX_set_ciphersuites ignores unknown names, fails on none). */
const TLS13_SUITES = new Set([
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256',
]);

/** tls.c parseProtocolsConfig: a case-insensitive list; null = the default TLSv1.2 + TLSv1.3. */
export function parseProtocols(spec: string | null): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  if (spec === null || spec.trim() === '') return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' };
  const picked = new Set<number>();
  for (const word of spec.split(/\s+/).filter(Boolean)) {
    const i = PROTOCOLS.findIndex((p) => p.toLowerCase() === word.toLowerCase());
    if (i < 0) {
      throw new TlsConfigError("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
    }
    picked.add(i);
  }
  // Node takes a range; a gap (TLSv1 TLSv1.3) becomes the whole span, as close as Node allows.
  const sorted = [...picked].sort((a, b) => a - b);
  return { minVersion: PROTOCOLS[sorted[0]!]!, maxVersion: PROTOCOLS[sorted[sorted.length - 1]!]! };
}

/** An unreadable file as OpenSSL 3 prints a system error: `error:80000002:system library::<strerror>`. */
function systemError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const errno = (osConstants.errno as Record<string, number>)[code];
  if (errno === undefined) return e instanceof Error ? e.message : String(e);
  const packed = ((0x80000000 | errno) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `error:${packed}:system library::${strerror(e)}`;
}

function opensslMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function readPem(path: string, what: (detail: string) => string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    throw new TlsConfigError(what(systemError(e)));
  }
}

/** Every certificate in a PEM text, checked by parsing; throws the parse error. */
function certificates(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) new X509Certificate(b);
  return blocks;
}

/** tls-ca-cert-file and/or tls-ca-cert-dir as one PEM bundle (Node has no CApath). */
function readCa(file: string | null, dir: string | null): string {
  const fail = (detail: string): TlsConfigError => new TlsConfigError(`Failed to configure CA certificate(s) file/directory: ${detail}`);
  const out: string[] = [];
  try {
    if (file !== null) {
      const blocks = certificates(readFileSync(file, 'latin1'));
      if (blocks.length === 0) throw fail('error:0480006C:PEM routines::no start line');
      out.push(...blocks);
    }
    if (dir !== null) {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (!statSync(path).isFile()) continue;
        try {
          out.push(...certificates(readFileSync(path, 'latin1')));
        } catch {
          // a stray file in a CApath directory is skipped, as OpenSSL's lookup skips it
        }
      }
    }
  } catch (e) {
    if (e instanceof TlsConfigError) throw e;
    throw fail((e as NodeJS.ErrnoException).code ? systemError(e) : opensslMessage(e));
  }
  return out.join('\n');
}

/** Loads a certificate and its key the way createSSLContext does, one message per failure. */
function loadPair(
  certFile: string,
  keyFile: string,
  passphrase: string | null,
  certWhat: string,
): { cert: string; key: string } {
  const cert = readPem(certFile, (d) => `Failed to load ${certWhat}: ${certFile}: ${d}`);
  try {
    createSecureContext({ cert });
  } catch (e) {
    throw new TlsConfigError(`Failed to load ${certWhat}: ${certFile}: ${opensslMessage(e)}`);
  }
  const key = readPem(keyFile, (d) => `Failed to load private key: ${keyFile}: ${d}`);
  try {
    createSecureContext({ cert, key, ...(passphrase !== null ? { passphrase } : {}) });
  } catch (e) {
    throw new TlsConfigError(`Failed to load private key: ${keyFile}: ${opensslMessage(e)}`);
  }
  return { cert, key };
}

function checkCiphers(ciphers: string | null, ciphersuites: string | null): void {
  if (ciphers !== null) {
    try {
      createSecureContext({ ciphers });
    } catch {
      throw new TlsConfigError(`Failed to configure ciphers: ${ciphers}`);
    }
  }
  if (ciphersuites !== null) {
    const known = ciphersuites.split(':').filter((s) => TLS13_SUITES.has(s.trim()));
    if (known.length === 0) throw new TlsConfigError(`Failed to configure ciphersuites: ${ciphersuites}`);
  }
}

/** Whether Redis would configure TLS at all (tls-port or tls-replication). */
export const tlsWanted = (s: ServerSettings): boolean => s.tlsPort > 0 || s.tlsReplication;

/**
 * tls.c tlsConfigure for a sentinel: throws TlsConfigError with Redis's line on the first problem.
 * Call only when tlsWanted().
 */
export function configureTls(s: ServerSettings): TlsSetup {
  if (s.tlsCertFile === null) throw new TlsConfigError('No tls-cert-file configured!');
  if (s.tlsKeyFile === null) throw new TlsConfigError('No tls-key-file configured!');
  const needCa = s.tlsAuthClients !== 'no' || s.tlsReplication;
  if (needCa && s.tlsCaCertFile === null && s.tlsCaCertDir === null) {
    throw new TlsConfigError(
      'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
    );
  }
  const versions = parseProtocols(s.tlsProtocols);
  const own = loadPair(s.tlsCertFile, s.tlsKeyFile, s.tlsKeyFilePass, 'certificate');
  const ca = s.tlsCaCertFile !== null || s.tlsCaCertDir !== null ? readCa(s.tlsCaCertFile, s.tlsCaCertDir) : null;
  checkCiphers(s.tlsCiphers, s.tlsCiphersuites);

  // The client side: its own pair when both files are set (tls.c), else the server's.
  let clientPair = { ...own, passphrase: s.tlsKeyFilePass };
  if (s.tlsClientCertFile !== null && s.tlsClientKeyFile !== null) {
    const pair = loadPair(s.tlsClientCertFile, s.tlsClientKeyFile, s.tlsClientKeyFilePass, 'client certificate');
    clientPair = { ...pair, passphrase: s.tlsClientKeyFilePass };
  }

  const common = {
    ...versions,
    ...(s.tlsCiphers !== null ? { ciphers: s.tlsCiphers } : {}),
    ...(s.tlsCiphersuites !== null ? { ciphersuites: s.tlsCiphersuites } : {}),
  };
  const server: TlsOptions | null =
    s.tlsPort > 0
      ? {
          ...common,
          cert: own.cert,
          key: own.key,
          ...(s.tlsKeyFilePass !== null ? { passphrase: s.tlsKeyFilePass } : {}),
          ...(ca !== null ? { ca } : {}),
          // tls-auth-clients: yes = a verified certificate is required, optional = verified if
          // sent, no = not asked for (SSL_VERIFY_PEER[|SSL_VERIFY_FAIL_IF_NO_PEER_CERT])
          requestCert: s.tlsAuthClients !== 'no',
          rejectUnauthorized: s.tlsAuthClients === 'yes',
          honorCipherOrder: s.tlsPreferServerCiphers,
          ...(s.tlsSessionCacheTimeout > 0 ? { sessionTimeout: s.tlsSessionCacheTimeout } : {}),
        }
      : null;
  const client: ClientTlsMaterial | null = s.tlsReplication
    ? {
        ca: ca ?? '',
        cert: clientPair.cert,
        key: clientPair.key,
        passphrase: clientPair.passphrase,
        minVersion: versions.minVersion,
        maxVersion: versions.maxVersion,
        ciphers: s.tlsCiphers,
        ciphersuites: s.tlsCiphersuites,
      }
    : null;
  return { server, client };
}
