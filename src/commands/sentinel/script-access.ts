import { isExecutable } from '../../runtime/config-io.js';

/**
 * access(path, X_OK), the check SENTINEL SET applies to script paths. An object with a
 * replaceable method so handler tests need no files.
 */
export const scriptAccess = { isExecutable };
