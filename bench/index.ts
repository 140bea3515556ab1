/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all when none is named). Each
 * benchmark is bounded, talks only to loopback, and prints its figures.
 */
import { pathToFileURL } from 'node:url';
import { run as configFlush } from './config-flush.js';
import { run as startup } from './startup.js';

const BENCHES: Readonly<Record<string, () => Promise<void>>> = {
  startup,
  'config-flush': configFlush,
};

async function main(names: string[]): Promise<void> {
  const chosen = names.length ? names : Object.keys(BENCHES);
  for (const name of chosen) {
    const bench = BENCHES[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`== ${name}\n`);
    await bench();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
