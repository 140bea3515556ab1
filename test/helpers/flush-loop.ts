/**
 * Child process for test/integration/config-crash.test.ts: rewrites one config file in a loop,
 * alternating two contents, until it is killed (or a bounded number of writes is done).
 *
 * argv: <config path> <content A file> <content B file> [max writes]
 * Prints `ready` once the first write is done, so the parent kills during later writes.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/config/flush.js';

const [path, aFile, bFile, max = '100000'] = process.argv.slice(2);
if (!path || !aFile || !bFile) throw new Error('usage: flush-loop <config> <a> <b> [max]');
const contents = [readFileSync(aFile, 'latin1'), readFileSync(bFile, 'latin1')] as const;
const limit = Number(max);
for (let i = 0; i < limit; i++) {
  writeFileAtomic(path, contents[i % 2]!);
  if (i === 0) process.stdout.write('ready\n');
}
