/**
 * SENTINEL SIMULATE-FAILURE on the forced path: a failover started by SENTINEL FAILOVER passes
 * sentinel.c's leader check in sentinelFailoverWaitStart (crash-after-election) and sees its
 * replica promoted (crash-after-promotion), and the process exits there with status 99, as
 * sentinelSimFailureCrash does. What it saved loads again on restart.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { roleOf } from '../helpers/cluster.js';
import { ARGUS_BIN, spawnProc, startRedisServer, startSentinel, waitForPort } from '../helpers/processes.js';
import { encodeCommand, fields, RawClient, type Value } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

const CRASH_LINE = '# Sentinel CRASH because of SENTINEL simulate-failure';

const cases = [
  { flag: 'crash-after-election', before: '+elected-leader', replicaRole: 'slave', configEpoch: '0' },
  { flag: 'crash-after-promotion', before: '+promoted-slave', replicaRole: 'master', configEpoch: '1' },
] as const;

for (const { flag, before, replicaRole, configEpoch } of cases) {
  test.serial(`simulate-failure: ${flag} makes a forced failover exit 99 after ${before}, and the saved config loads on restart`, async (t) => {
    const master = await startRedisServer(['--repl-diskless-sync-delay', '0']);
    const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(master.port)]);
    const argus = await startSentinel(`sentinel monitor m 127.0.0.1 ${master.port} 1\nsentinel down-after-milliseconds m 60000\n`);
    const clients: RawClient[] = [];
    let restarted: ReturnType<typeof spawnProc> | null = null;
    t.teardown(async () => {
      for (const c of clients) c.close();
      await restarted?.stop();
      await argus.cleanup();
      await Promise.all([replica.stop(), master.stop()]);
    });
    const c = await RawClient.open(argus.port);
    clients.push(c);
    await waitFor(async () => {
      const r = ((await c.call('SENTINEL', 'REPLICAS', 'm')).value as Value[]).map(fields);
      return r.length === 1 && r[0]!.flags === 'slave' && r[0]!['master-link-status'] === 'ok';
    }, { what: 'the replica known and ready to promote' });

    // Back to back, as a test harness sends them: the flag must be in force for the failover.
    c.send(Buffer.concat([encodeCommand('SENTINEL', 'SIMULATE-FAILURE', flag), encodeCommand('SENTINEL', 'FAILOVER', 'm')]));
    t.is((await c.read()).value, 'OK');
    t.is((await c.read()).value, 'OK');
    await waitFor(() => argus.child.exitCode !== null || argus.child.signalCode !== null, { what: 'the process gone' });
    t.is(await argus.exited, 99);

    const lines = argus.stdout().trimEnd().split('\n');
    t.true(lines.at(-1)!.endsWith(CRASH_LINE), `the last line says why: ${lines.at(-1)}`);
    const at = lines.findIndex((l) => l.includes(`# ${before} `));
    t.true(at >= 0 && at < lines.length - 1, `${before} before the crash`);
    t.false(argus.stdout().includes('+failover-end'), 'the failover went no further');
    t.regex(argus.stdout(), /# Failure simulation: this Sentinel will crash after /, "the flag logged with redis-sentinel's line");
    t.is(await roleOf(replica.port), replicaRole);

    // redis-sentinel's crash saves nothing itself; what was flushed up to here (the vote, and
    // for a promotion the new config epoch) is on disk and loads.
    const saved = readFileSync(argus.configPath, 'latin1');
    t.regex(saved, /^sentinel current-epoch 1$/m);
    t.regex(saved, new RegExp(`^sentinel config-epoch m ${configEpoch}$`, 'm'));
    restarted = spawnProc(process.execPath, [ARGUS_BIN, argus.configPath], argus.port, argus.dir);
    await waitForPort(argus.port);
    const again = await RawClient.open(argus.port);
    clients.push(again);
    t.is((await again.call('PING')).value, 'PONG');
    const m = fields((await again.call('SENTINEL', 'MASTER', 'm')).value);
    t.is(m.name, 'm');
    t.is(m['config-epoch'], configEpoch);
    t.is(restarted.child.exitCode, null);
  });
}
