/**
 * `sentinel state-config-file <path>`: Sentinel's runtime state in a file of its own, so the
 * operator's sentinel.conf is never rewritten (redis/redis#5226; the newest Redis and Valkey
 * sentinels spell the directive this way, so Argus does too rather than with an `argus-` prefix).
 *
 * The merge rules, applied by load.ts (docs/design.md "Config saves"):
 * - the state file is read after the main file (and its command-line options);
 * - a master the state file monitors is defined by the state file alone: every line of the main
 *   file about that master is dropped, so a migrated combined config (the main file still holding
 *   known-replica lines) boots with each replica known once;
 * - a master the main file monitors and SENTINEL REMOVE removed is named by an `argus-removed`
 *   line of the state file, which drops the main file's lines about it;
 * - global lines of the state file come after the main file's, so they win;
 * - the rewrite of the state file writes a CONFIG SET parameter only where it differs from what
 *   the main file says (MainFileBase), so an operator's later edit of the main file still
 *   counts for everything Sentinel has not changed itself.
 */
import { dirname, resolve } from 'node:path';
import type { SentinelState } from '../sentinel/state.js';

export const STATE_FILE_SUB = 'state-config-file';
/**
 * `sentinel argus-removed <master>`, state file only: a master the main file monitors was
 * removed (SENTINEL REMOVE), so the main file's lines about it are dropped at load.
 */
export const REMOVED_SUB = 'argus-removed';

export const STATE_FILE_IS_MAIN = 'The state config file must differ from the main config file.';
export const STATE_FILE_NESTED = 'state-config-file is only valid in the main config file.';
export const REMOVED_OUTSIDE_STATE = 'argus-removed is only valid in the state config file.';

/** A relative state file path is relative to the main config file's directory. */
export function stateFilePath(configPath: string, given: string): string {
  return resolve(dirname(configPath), given);
}

/**
 * What the main file (and command line) says before the state file is applied: the CONFIG SET
 * parameters and the masters it monitors.
 */
export interface MainFileBase {
  readonly masters: ReadonlySet<string>;
  readonly loglevel: string | null;
  readonly resolveHostnames: boolean;
  readonly announceHostnames: boolean;
  readonly announceIp: string | null;
  readonly announcePort: number;
  readonly sentinelUser: string | null;
  readonly sentinelPass: string | null;
}

/** `loglevel` is taken before the state file's lines are read (they set it at once). */
export function mainFileBase(state: SentinelState, loglevel: string | null, masters: ReadonlySet<string>): MainFileBase {
  return {
    masters,
    loglevel,
    resolveHostnames: state.resolveHostnames,
    announceHostnames: state.announceHostnames,
    announceIp: state.announceIp,
    announcePort: state.announcePort,
    sentinelUser: state.sentinelUser,
    sentinelPass: state.sentinelPass,
  };
}

/** The state file as the loader found it. */
export interface StateFileInfo {
  /** absolute path */
  readonly path: string;
  /** the globals before the state file was applied: the baseline of its rewrite */
  readonly mainBase: MainFileBase;
}
