/**
 * Everything a bench starts is registered here, so it is killed and removed however the bench
 * ends: normal return (`reapAll`), an exception (the caller's finally), Ctrl-C or SIGTERM (exit
 * with 130/143 through the 'exit' hook), or a crash (the 'exit' hook). The 'exit' hook is
 * synchronous: SIGKILL to every live child (a SIGSTOPped one dies too), then rm -rf every dir.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function killAllSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  dirs.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllSync);
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    process.stderr.write(`\n${signal}: stopping every process this bench started and removing its temp dirs\n`);
    process.exit(code); // runs killAllSync through the 'exit' hook
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('SIGHUP', onSignal('SIGHUP', 129));
}

/** Registers a child; it leaves the registry when it exits. */
export function trackChild(child: ChildProcess): ChildProcess {
  hook();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A fresh temp dir, removed at the latest when the process exits. */
export function trackedTempDir(prefix: string): string {
  hook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Kills every registered child (SIGKILL), waits for them to be gone, removes every dir. */
export async function reapAll(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    waits.push(new Promise((res) => child.once('exit', res)));
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5_000).unref())]);
  killAllSync();
}
