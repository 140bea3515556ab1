import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/processes.js';

/** Folders that hold pure logic: no sockets, files, timers or wall clock (STYLE.md §1). */
const PURE = ['src/resp', 'src/sentinel', 'src/config', 'src/events'];
/** The one I/O module allowed inside a pure folder. */
const ALLOWED = new Set(['src/config/flush.ts']);
const FORBIDDEN = [/from 'node:net'/, /from 'node:fs'/, /from 'ioredis'/, /from 'node:timers'/, /\bDate\.now\(/, /\bsetTimeout\(/];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

test('architecture: pure folders import no I/O and read no wall clock', (t) => {
  const offenders: string[] = [];
  for (const folder of PURE) {
    for (const file of tsFiles(join(ROOT, folder))) {
      const rel = relative(ROOT, file);
      if (ALLOWED.has(rel)) continue;
      const text = readFileSync(file, 'utf8');
      for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${rel}: ${re.source}`);
    }
  }
  t.deepEqual(offenders, []);
});

test('errors: every ArgusErrorCode is documented in docs/errors.md', (t) => {
  const source = readFileSync(join(ROOT, 'src/errors.ts'), 'utf8');
  const union = /export type ArgusErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  const codes = [...union.matchAll(/'(ARGUS_ERR_[A-Z_]+)'/g)].map((m) => m[1]!);
  t.true(codes.length > 0);
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  t.deepEqual(codes.filter((c) => !doc.includes(`\`${c}\``)), []);
});
