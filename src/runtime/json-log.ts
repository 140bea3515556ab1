import { pino, type Logger as Pino } from 'pino';
import type { LineLevel } from './logger.js';

/** Extra fields of a JSON line; undefined ones are left out. */
export type LogFields = Readonly<Record<string, string | number | undefined>>;

/**
 * JSON lines through pino (argus-log-format json): one object per line with `time` (epoch ms,
 * the process's wall clock), `level` (Redis's names: debug, verbose, notice, warning), `pid` and
 * `msg`, plus whatever fields the caller adds (an event's `event`, `master`, `instance`, `role`,
 * `epoch`, `text`). Writes are synchronous, as the Redis format's are.
 */
export class JsonLines {
  readonly #pino: Pino<LineLevel>;

  constructor(fd: number, wall: () => number) {
    const dest = pino.destination({ dest: fd, sync: true });
    // a closed stdout (EPIPE) must not take the sentinel down
    dest.on('error', () => {});
    this.#pino = pino<LineLevel>(
      {
        // filtering is the Logger's (loglevel, CONFIG SET loglevel): pino writes whatever it is given
        level: 'debug',
        customLevels: { debug: 10, verbose: 20, notice: 30, warning: 40 },
        useOnlyCustomLevels: true,
        base: { pid: process.pid },
        timestamp: () => `,"time":${wall()}`,
        formatters: { level: (label) => ({ level: label }) },
      },
      dest,
    );
  }

  write(level: LineLevel, msg: string, fields?: LogFields): void {
    if (fields === undefined) return this.#pino[level](utf8(msg));
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = typeof v === 'string' ? utf8(v) : v;
    this.#pino[level](out, utf8(msg));
  }
}

/**
 * Argus keeps protocol and config strings as latin1 (one char per byte); a JSON line is UTF-8, so
 * the bytes are read back as UTF-8 (a master named in UTF-8 shows as typed).
 */
export const utf8 = (s: string): string => (/[\x80-\xff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);
