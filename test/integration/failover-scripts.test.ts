import test from 'ava';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster } from '../helpers/cluster.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

test('failover: the client-reconfig script gets Sentinel\'s seven arguments, as leader and as observer', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.cleanup);
  const out = join(tmp.dir, 'reconfig.log');
  const script = join(tmp.dir, 'reconfig.sh');
  writeFileSync(script, `#!/bin/sh\necho "$@" >> ${out}\n`);
  chmodSync(script, 0o755);
  const c = await startCluster({ argus: 3, extra: `sentinel client-reconfig-script mymaster ${script}\n` });
  t.teardown(() => c.stop());
  await c.settled();
  const oldPort = c.master.port;
  c.master.child.kill('SIGKILL');
  const sw = await c.sentinels[0]!.events.wait('+switch-master', /^mymaster /, { timeout: 30_000 });
  const newPort = sw.text.split(' ')[4];
  const lines = await waitFor(() => {
    const text = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : [];
    return text.length >= 3 ? text : null;
  }, { timeout: 15_000, what: 'three script runs' });
  const roles = lines.map((l) => l.split(' ')[1]).sort();
  t.deepEqual(roles, ['leader', 'observer', 'observer']);
  for (const l of lines) t.regex(l, new RegExp(`^mymaster (leader|observer) start 127\\.0\\.0\\.1 ${oldPort} 127\\.0\\.0\\.1 ${newPort}$`));
});
