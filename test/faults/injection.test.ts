import test from 'ava';
import { readFileSync } from 'node:fs';
import { freePort } from '../helpers/ports.js';
import { startSentinel, type SentinelProc } from '../helpers/processes.js';
import { RawClient } from '../helpers/raw-client.js';
import { recordScore } from '../helpers/scorecard.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Config injection through a command (redis/redis#14970), side by side: a value carrying a
 * newline, written raw by the rewrite, becomes a directive of its own at the next start, and a
 * `notification-script` line is code execution even with `deny-scripts-reconfig yes`. Argus
 * refuses control characters before anything changes (test/integration/injection.test.ts has
 * every write command); here the same attack goes to redis-sentinel too, and the row says what
 * each one's file holds afterwards.
 */
const EVIL = 'sentinel notification-script mymaster /tmp/argus-evil.sh';
const ATTACK = ['SENTINEL', 'SET', 'mymaster', 'auth-pass', `x\n${EVIL}`];

interface Outcome {
  reply: string;
  /** the injected text stands on a line of its own in the config file */
  injected: boolean;
}

async function attack(impl: 'argus' | 'redis'): Promise<Outcome> {
  const nobody = await freePort();
  const s: SentinelProc = await startSentinel(`sentinel monitor mymaster 127.0.0.1 ${nobody} 2\n`, { impl });
  const c = await RawClient.open(s.port);
  try {
    await waitFor(() => readFileSync(s.configPath, 'latin1').includes('sentinel myid '), { what: `${impl}'s first rewrite` });
    const reply = (await c.call(...ATTACK)).raw;
    // a harmless change afterwards: its rewrite is on disk once the quorum line says 1
    await c.call('SENTINEL', 'SET', 'mymaster', 'quorum', '1');
    await waitFor(() => /^sentinel monitor mymaster \S+ \d+ 1$/m.test(readFileSync(s.configPath, 'latin1')), { what: `${impl}'s rewrite` });
    const lines = readFileSync(s.configPath, 'latin1').split('\n');
    return { reply: reply.trim(), injected: lines.includes(EVIL) };
  } finally {
    c.close();
    await s.cleanup();
  }
}

test('faults: a newline in SENTINEL SET auth-pass never reaches the config file as a directive', async (t) => {
  const [argus, redis] = await Promise.all([attack('argus'), attack('redis')]);
  t.is(argus.reply, '-ERR Invalid argument at index 4 for SENTINEL SET: control characters are not allowed');
  t.false(argus.injected);
  t.log(`redis-sentinel: ${redis.reply}, injected: ${redis.injected}`);
  recordScore({
    id: 'input/config-injection',
    group: 'Input',
    fault: 'SENTINEL SET mymaster auth-pass "x\\nsentinel notification-script mymaster /tmp/argus-evil.sh" (redis/redis#14970)',
    holds: 'the command is refused and the config file gains no directive',
    argus: `refused (${argus.reply}); file unchanged`,
    sentinel: redis.injected
      ? `accepted (${redis.reply}); the rewrite wrote the notification-script line into the file, to run at the next start`
      : `answered ${redis.reply}; no injected line in the file`,
    verdict: redis.injected ? 'better' : 'same',
  });
});
