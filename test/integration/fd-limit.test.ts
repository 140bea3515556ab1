import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { ARGUS_BIN, spawnProc, startRedisServer, waitForPort } from '../helpers/processes.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

test('fd limit: a fleet that does not fit the open-files limit is warned about at start, and the links that fail say why', async (t) => {
  const server = await startRedisServer();
  const tmp = tempDir();
  const port = await freePort();
  t.teardown(async () => {
    await server.stop();
    tmp.cleanup();
  });
  // 200 master records on one server: 400 connections against a limit of 300
  const lines = Array.from({ length: 200 }, (_, i) => `sentinel monitor m${i} 127.0.0.1 ${server.port} 1\n`).join('');
  const config = join(tmp.dir, 'sentinel.conf');
  writeFileSync(config, `port ${port}\nmaxclients 100\n${lines}`);
  const sentinel = spawnProc('bash', ['-c', `ulimit -n 300 && exec "${process.execPath}" "${ARGUS_BIN}" "${config}"`], port, tmp.dir);
  t.teardown(() => sentinel.stop());
  await waitForPort(port);
  await waitFor(() => sentinel.stdout().includes('out of file descriptors'), { timeout: 15_000, what: 'the out-of-descriptors warning' });
  t.regex(sentinel.stdout(), /# Open files limit is 300, but the links to 200 masters .* need 400 and maxclients 100 more \(564 with 64 reserved\)/);
  t.regex(sentinel.stdout(), /# Cannot link to 127\.0\.0\.1:\d+: out of file descriptors \(raise ulimit -n/);
});
