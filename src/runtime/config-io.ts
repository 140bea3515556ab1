import { accessSync, closeSync, constants, openSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigIo } from '../config/load.js';
import { strerror } from '../config/flush.js';
import { globMatch } from '../server/glob.js';

/** access(path, X_OK): what Sentinel checks for notification and client-reconfig scripts. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * glob(3) as Redis uses it for `include` patterns: wildcards in the last path component only,
 * results sorted. (Node 20 has no fs.glob.)
 */
function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  const base = pattern.slice(dir === '.' && !pattern.startsWith('./') ? 0 : dir.length + 1);
  try {
    return readdirSync(dir)
      .filter((name) => !name.startsWith('.') && globMatch(base, name))
      .sort()
      .map((name) => (dir === '.' && !pattern.startsWith('./') ? name : join(dir, name)));
  } catch {
    return [];
  }
}

/** The file system as the config loader sees it: the real one, with Redis's error texts. */
export const fileConfigIo: ConfigIo = {
  isExecutable,
  readFile(path) {
    try {
      return { ok: true, text: readFileSync(path, 'latin1') };
    } catch (e) {
      return { ok: false, error: strerror(e), missing: (e as { code?: unknown }).code === 'ENOENT' };
    }
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return null;
    }
  },
  glob: globFiles,
  chdir(path) {
    try {
      process.chdir(path);
      return null;
    } catch (e) {
      return strerror(e);
    }
  },
  checkLogFile(path) {
    try {
      closeSync(openSync(path, 'a'));
      return null;
    } catch (e) {
      return strerror(e);
    }
  },
};
