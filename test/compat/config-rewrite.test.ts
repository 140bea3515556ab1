/**
 * The config rewrite against a live redis-sentinel: every RewriteCase is run through the real
 * binary and through Argus's loader + rewriteConfig on the same input (same port, same working
 * directory), and the files must be equal after normalizeRewrite (which names the exclusions).
 * Also checks that the stored goldens the unit test uses still match the live binary.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { rewriteConfig } from '../../src/config/rewrite.js';
import { freePort } from '../helpers/ports.js';
import { inputPort, runRedisCase, withPort } from '../helpers/redis-rewrite.js';
import { FIXTURES, knownReplicas, normalizeRewrite, REWRITE_CASES, type RewriteCase } from '../helpers/rewrite-cases.js';
import { tempDir } from '../helpers/tmp.js';

const LOAD_IO = { isExecutable: () => true, readFile: () => ({ ok: false as const, error: 'No such file or directory' }), chdir: () => null };

function argusOutput(c: RewriteCase, input: string, cwd: string, startupMyid: string | null): string {
  const { server, state, myidLoaded } = loadConfig(input, join(cwd, 'sentinel.conf'), [], 0, LOAD_IO);
  const opts = { cwd: server.get('dir')?.[0] ?? cwd };
  let text = input;
  if (!myidLoaded) {
    state.myid = startupMyid ?? '';
    text = rewriteConfig(text, server, state, opts);
  }
  if (c.appendWhileRunning !== undefined) text += c.appendWhileRunning;
  for (const step of c.steps) {
    step.argus?.(state, server);
    text = rewriteConfig(text, server, state, opts);
  }
  return text;
}

const myidOf = (text: string): string | null => /^sentinel myid (\S+)$/m.exec(text)?.[1] ?? null;

for (const c of REWRITE_CASES) {
  test.serial(`config rewrite: Argus writes what redis-sentinel writes, case ${c.name}`, async (t) => {
    const tmp = tempDir(`argus-rewrite-${c.name}-`);
    t.teardown(tmp.cleanup);
    const port = await freePort();
    const input = withPort(c.input, port);
    const redis = await runRedisCase(c, input, tmp.dir);
    const argus = argusOutput(c, input, tmp.dir, myidOf(redis));
    t.is(normalizeRewrite(argus, c), normalizeRewrite(redis, c));
    if (c.ignoreKnownReplicas) t.deepEqual(knownReplicas(argus), knownReplicas(redis));

    // the stored golden is what this binary writes (modulo port, directory and a fresh myid)
    const golden = readFileSync(join(FIXTURES, 'rewrite', `${c.name}.redis-7.0.15.conf`), 'latin1');
    let live = withPort(redis, inputPort(c.input)).split(`dir "${tmp.dir}"`).join('dir "@CWD@"');
    const goldenMyid = myidOf(golden);
    if (c.startupRewrite && goldenMyid !== null) live = live.replace(/^sentinel myid \S+$/m, `sentinel myid ${goldenMyid}`);
    t.is(normalizeRewrite(live, c), normalizeRewrite(golden, c), 'golden up to date');
  });
}
