import { unlinkSync, writeFileSync } from 'node:fs';

/** Redis writes its pid file at start and removes it on a clean exit; failures are only logged. */
export function writePidfile(path: string): string | null {
  try {
    writeFileSync(path, `${process.pid}\n`);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function removePidfile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone: nothing to clean up
  }
}
