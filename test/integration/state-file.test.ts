/**
 * `sentinel state-config-file`: with a real master and replica and one Argus, discovery, a
 * SENTINEL SET and a forced failover leave the main file byte for byte as it was; the runtime
 * state is in the state file, and a restart on the same files restores it.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { roleOf } from '../helpers/cluster.js';
import { EventRecorder } from '../helpers/events.js';
import { freePort } from '../helpers/ports.js';
import { ARGUS_BIN, spawnProc, startRedisServer, waitForPort, type Proc } from '../helpers/processes.js';
import { fields, RawClient, type Value } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

async function startArgus(configPath: string, dir: string, port: number): Promise<{ proc: Proc; client: RawClient; events: EventRecorder }> {
  const proc = spawnProc(process.execPath, [ARGUS_BIN, configPath], port, dir);
  await waitForPort(port);
  const [client, events] = await Promise.all([RawClient.open(port), EventRecorder.open(port)]);
  return { proc, client, events };
}

test.serial('state-file: failover and SET leave the main file untouched; a restart restores myid, epochs and the SET', async (t) => {
  const master = await startRedisServer();
  const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port)]);
  const tmp = tempDir('argus-state-file-');
  const port = await freePort();
  t.teardown(async () => {
    await Promise.all([master.stop(), replica.stop()]);
    tmp.cleanup();
  });
  const configPath = join(tmp.dir, 'sentinel.conf');
  const statePath = join(tmp.dir, 'state.conf');
  const main =
    `# managed by config management\nport ${port}\n` +
    `sentinel monitor ${NAME} 127.0.0.1 ${master.port} 1\n` +
    `sentinel down-after-milliseconds ${NAME} 1000\nsentinel failover-timeout ${NAME} 10000\n` +
    'sentinel state-config-file state.conf\n';
  writeFileSync(configPath, main);
  // read-only, as a ConfigMap is (root may write it all the same: the bytes are compared below)
  chmodSync(configPath, 0o444);

  let s = await startArgus(configPath, tmp.dir, port);
  t.teardown(async () => {
    s.client.close();
    s.events.close();
    await s.proc.stop();
  });
  const myid = String((await s.client.call('SENTINEL', 'MYID')).value);
  // discovered from the master's INFO is not enough for SENTINEL FAILOVER: the replica must have
  // answered on its own link (a replica not yet linked is no good replica: NOGOODSLAVE)
  await waitFor(async () => {
    const rows = (await s.client.call('SENTINEL', 'REPLICAS', NAME)).value as Value[];
    const r = rows.length === 1 ? fields(rows[0]!) : null;
    return r !== null && r.flags === 'slave' && r['master-link-status'] === 'ok';
  }, { what: 'the replica is discovered and linked' });
  t.is((await s.client.call('SENTINEL', 'SET', NAME, 'parallel-syncs', '3')).value, 'OK');
  t.is((await s.client.call('SENTINEL', 'FAILOVER', NAME)).value, 'OK');
  await s.events.wait('+switch-master', `${NAME} 127.0.0.1 ${master.port} 127.0.0.1 ${replica.port}`, { timeout: 30_000 });
  await waitFor(async () => (await roleOf(replica.port)) === 'master', { what: 'the replica is promoted' });

  const state = (): string => readFileSync(statePath, 'latin1');
  // the old master becomes a known replica of the new one once the switch is saved
  await waitFor(() => new RegExp(`^sentinel known-replica ${NAME} 127\\.0\\.0\\.1 ${master.port}$`, 'm').test(state()), {
    what: 'the switch in the state file',
  });
  t.is(readFileSync(configPath, 'latin1'), main, 'the main file is byte-identical');
  const saved = state();
  t.regex(saved, new RegExp(`^sentinel myid ${myid}$`, 'm'));
  t.regex(saved, new RegExp(`^sentinel monitor ${NAME} 127\\.0\\.0\\.1 ${replica.port} 1$`, 'm'));
  t.regex(saved, new RegExp(`^sentinel parallel-syncs ${NAME} 3$`, 'm'));
  t.regex(saved, new RegExp(`^sentinel config-epoch ${NAME} 1$`, 'm'));
  t.regex(saved, new RegExp(`^sentinel leader-epoch ${NAME} 1$`, 'm'));
  t.regex(saved, /^sentinel current-epoch 1$/m);
  t.notRegex(saved, /^port /m, 'no server options in the state file');

  s.client.close();
  s.events.close();
  t.is(await s.proc.stop(), 0);
  s = await startArgus(configPath, tmp.dir, port);
  t.is((await s.client.call('SENTINEL', 'MYID')).value, myid);
  const m = fields((await s.client.call('SENTINEL', 'MASTER', NAME)).value);
  t.like(m, { port: String(replica.port), 'config-epoch': '1', 'parallel-syncs': '3', quorum: '1' });
  t.is(readFileSync(configPath, 'latin1'), main, 'still byte-identical after the restart');
  t.regex(state(), /^sentinel current-epoch 1$/m);
  t.is(s.proc.stderr(), '');
});

test('state-file: a state file that is the main config file stops start-up with a FATAL block', async (t) => {
  const tmp = tempDir('argus-state-file-');
  t.teardown(tmp.cleanup);
  const path = join(tmp.dir, 'sentinel.conf');
  const config = 'port 0\nsentinel monitor m 127.0.0.1 6379 1\nsentinel state-config-file ./sentinel.conf\n';
  writeFileSync(path, config);
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [ARGUS_BIN, path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
  t.is(r.code, 1);
  t.regex(
    r.stderr,
    /^\n\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.2\.\d+\) \*\*\*\nReading the configuration file, at line 3\n>>> 'sentinel state-config-file \.\/sentinel\.conf'\nThe state config file must differ from the main config file\.\n$/,
  );
  t.is(readFileSync(path, 'latin1'), config);
});
