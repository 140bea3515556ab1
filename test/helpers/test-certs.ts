import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './tmp.js';

export interface TestCerts {
  /** the path of `ca.crt`, `server.crt`, `server.key`, … */
  file(name: string): string;
  cleanup(): void;
}

/**
 * A test CA and a server certificate signed by it, made with Debian's openssl (P-256 keys: an
 * RSA key takes seconds on this machine). No host name: Redis's TLS client does not check it.
 */
export function makeTestCerts(): TestCerts {
  const tmp = tempDir('argus-test-certs-');
  const openssl = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: tmp.dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Argus Test CA']);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=argus-test-server']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2']);
  return { file: (name) => join(tmp.dir, name), cleanup: tmp.cleanup };
}
