import { accessSync, constants } from 'node:fs';

/**
 * access(path, X_OK), the check SENTINEL SET applies to script paths. An object with a
 * replaceable method so handler tests need no files.
 */
export const scriptAccess = {
  isExecutable(path: string): boolean {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};
