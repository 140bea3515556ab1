/**
 * `npm run bench [-- name ... [--flag ...]]`: runs the named benchmarks (all but the soak when none
 * is named: it takes an hour), passing the flags to each. Each benchmark is bounded, talks only to loopback, and prints its
 * figures.
 */
import { pathToFileURL } from 'node:url';
import { run as clientLoad } from './client-load.js';
import { run as configFlush } from './config-flush.js';
import { run as detection } from './detection-latency.js';
import { run as failover } from './failover.js';
import { run as fleetSim } from './fleet-sim.js';
import { run as httpScrape } from './http-scrape.js';
import { run as latency } from './latency.js';
import { run as linkFloor } from './link-floor.js';
import { run as scriptSpawn } from './script-spawn.js';
import { run as soak } from './soak.js';
import { run as startup } from './startup.js';
import { run as threadMessages } from './thread-messages.js';

const BENCHES: Readonly<Record<string, (args: string[]) => Promise<void>>> = {
  startup,
  'config-flush': configFlush,
  detection,
  failover,
  latency,
  'link-floor': linkFloor,
  'thread-messages': () => threadMessages(),
  'script-spawn': () => scriptSpawn(),
  'fleet-sim': fleetSim,
  'client-load': clientLoad,
  'http-scrape': httpScrape,
  soak,
};
/** run only when named */
const ON_REQUEST = new Set(['soak']);

/** Leading words name benchmarks; everything from the first `-`-word on goes to each of them. */
async function main(argv: string[]): Promise<void> {
  const cut = argv.findIndex((a) => a.startsWith('-'));
  const names = cut < 0 ? argv : argv.slice(0, cut);
  const args = cut < 0 ? [] : argv.slice(cut);
  const chosen = names.length ? names : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n));
  for (const name of chosen) {
    const bench = BENCHES[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`== ${name}\n`);
    await bench(args);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
