import test from 'ava';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildSpawner, type ScriptOutput, type ScriptSpawner, type SpawnHandlers } from '../../src/scripts/spawner.js';
import { ThreadSpawner } from '../../src/scripts/thread-spawner.js';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

/** The two spawners on real processes: what a script receives and how its end is reported. */
const tmp = tempDir('argus-spawner-');
const script = (name: string, body: string): string => {
  const p = join(tmp.dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};
test.after.always(() => tmp.cleanup());

type Outcome = { pid?: number; failed?: string; code?: number; signal?: number };

function run(spawner: ScriptSpawner, id: number, argv: string[], afterSpawn?: () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = {};
    const on: SpawnHandlers = {
      spawned: (pid) => {
        out.pid = pid;
        afterSpawn?.();
      },
      failed: (reason, errno) => resolve({ ...out, failed: `${reason} ${errno}` }),
      exited: (code, signal) => resolve({ ...out, code, signal }),
    };
    spawner.spawn(id, argv, on);
  });
}

const cases: [string, (output: (o: ScriptOutput) => void) => ScriptSpawner][] = [
  ['child spawner', (output) => new ChildSpawner(output)],
  ['thread spawner', (output) => new ThreadSpawner({ output, crashed: () => {} })],
];

for (const [name, make] of cases) {
  test(`${name}: argv arrives as given, spaces and UTF-8 intact, and output comes back as lines`, async (t) => {
    const lines: ScriptOutput[] = [];
    const spawner = make((o) => lines.push(o));
    const p = script(`echo-${name.length}.sh`, `printf '[%s]\\n' "$@"; echo oops >&2; printf 'no newline'`);
    const name8 = Buffer.from('mästër', 'utf8').toString('latin1'); // Argus keeps bytes as latin1
    const r = await run(spawner, 1, [p, '+sdown', `master ${name8} 127.0.0.1 6379`]);
    t.like(r, { code: 0, signal: 0 });
    t.true(r.pid! > 0);
    await waitFor(() => lines.some((l) => l.line === 'no newline'), { what: 'the last line' }); // output may trail the exit
    const text = (s: string) => lines.filter((l) => l.stream === s).map((l) => l.line);
    t.deepEqual(text('stdout'), ['[+sdown]', `[master ${name8} 127.0.0.1 6379]`, 'no newline']);
    t.deepEqual(text('stderr'), ['oops']);
    t.true(lines.every((l) => l.pid === r.pid && l.path === p));
    await spawner.close();
  });

  test(`${name}: exit codes and signals are reported as numbers`, async (t) => {
    const spawner = make(() => {});
    t.like(await run(spawner, 1, [script(`exit3-${name.length}.sh`, 'exit 3')]), { code: 3, signal: 0 });
    t.like(await run(spawner, 2, [script(`term-${name.length}.sh`, 'kill -TERM $$')]), { code: 0, signal: 15 });
    await spawner.close();
  });

  test(`${name}: kill sends SIGKILL`, async (t) => {
    const spawner = make(() => {});
    const r = await run(spawner, 7, [script(`sleep-${name.length}.sh`, 'exec sleep 30')], () => spawner.kill(7));
    t.like(r, { code: 0, signal: 9 });
    await spawner.close();
  });

  test(`${name}: a missing or non-executable path is an exec failure, not a child`, async (t) => {
    const spawner = make(() => {});
    t.deepEqual(await run(spawner, 1, [join(tmp.dir, 'missing.sh')]), { failed: 'exec ENOENT' });
    const plain = join(tmp.dir, `plain-${name.length}.sh`);
    writeFileSync(plain, '#!/bin/sh\n');
    t.deepEqual(await run(spawner, 2, [plain]), { failed: 'exec EACCES' });
    await spawner.close();
  });
}

test('thread spawner: a thread that dies reports its scripts as killed and is replaced on the next spawn', async (t) => {
  const dying = join(tmp.dir, 'dying.mjs');
  writeFileSync(dying, 'process.exit(3);\n');
  const crashes: string[] = [];
  const spawner = new ThreadSpawner({ output: () => {}, crashed: (m) => crashes.push(m), url: pathToFileURL(dying) });
  t.like(await run(spawner, 1, [script('never.sh', 'exit 0')]), { code: 0, signal: 9 });
  t.is(crashes.length, 1);
  t.regex(crashes[0]!, /^Script spawner thread ended unexpectedly \(exit code 3\); 1 running scripts are treated as killed$/);
  await spawner.close();
});

test('thread spawner: the thread ends once no script has run for idleMs, and comes back with the next one', async (t) => {
  const crashes: string[] = [];
  const spawner = new ThreadSpawner({ output: () => {}, crashed: (m) => crashes.push(m), idleMs: 50 });
  t.false(spawner.threadRunning, 'no script yet, no thread');
  const p = script('idle.sh', 'exit 0');
  t.like(await run(spawner, 1, [p]), { code: 0 });
  await waitFor(() => !spawner.threadRunning, { what: 'the idle thread to end' });
  t.like(await run(spawner, 2, [p]), { code: 0 });
  t.true(spawner.threadRunning);
  await spawner.close();
  t.deepEqual(crashes, [], 'an idle end is not a crash');
});
