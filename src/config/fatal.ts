/**
 * The block Redis prints to stderr before exit(1) on a refused config line (config.c and
 * sentinel.c `loaderr:`), byte for byte:
 *
 *     \n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\n
 *     Reading the configuration file, at line 3\n
 *     >>> 'sentinel monitor m 127.0.0.1 6379 0'\n
 *     Quorum must be 1 or greater.\n
 *
 * The two middle lines are left out for the checks made after the last line (the logfile probe,
 * `replicaof` in cluster mode), which ConfigLineError carries as line 0. A line of the state file
 * (`sentinel state-config-file`, an Argus addition) names that file, as Redis's block never does.
 */
import type { ConfigLineError } from '../errors.js';

export function formatFatalConfigError(err: ConfigLineError, redisVersion: string): string {
  let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${redisVersion}) ***\n`;
  if (err.line > 0) {
    const file = err.file === null ? '' : ` '${err.file}'`;
    out += `Reading the ${err.file === null ? '' : 'state '}configuration file${file}, at line ${err.line}\n`;
    out += `>>> '${err.text}'\n`;
  }
  return `${out}${err.reason}\n`;
}
