/**
 * The TLS options of outgoing links (tls-replication yes), built once per shard from the PEM
 * material the main thread read (runtime/tls-config.ts): one SecureContext shared by every link,
 * so a fleet of links does not parse the certificates again on every connect.
 *
 * Redis's TLS client verifies the peer's chain against the CA (SSL_VERIFY_PEER) but not its
 * host name, so the name check is off and the chain check on.
 */
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import type { ClientTlsMaterial } from '../runtime/tls-config.js';

let cached: { src: ClientTlsMaterial; key: string; options: ConnectionOptions } | null = null;

const noHostnameCheck = (): undefined => undefined;

export function clientTlsOptions(m: ClientTlsMaterial): ConnectionOptions {
  // the same globals object for most links; a pushed copy with the same PEMs keeps the context
  if (cached?.src === m) return cached.options;
  const key = JSON.stringify(m);
  if (cached?.key === key) {
    cached = { ...cached, src: m };
    return cached.options;
  }
  const secureContext = createSecureContext({
    ...(m.ca ? { ca: m.ca } : {}),
    cert: m.cert,
    key: m.key,
    ...(m.passphrase !== null ? { passphrase: m.passphrase } : {}),
    minVersion: m.minVersion,
    maxVersion: m.maxVersion,
    ...(m.ciphers !== null ? { ciphers: m.ciphers } : {}),
    ...(m.ciphersuites !== null ? { ciphersuites: m.ciphersuites } : {}),
  });
  const options: ConnectionOptions = { secureContext, rejectUnauthorized: true, checkServerIdentity: noHostnameCheck };
  cached = { src: m, key, options };
  return options;
}
