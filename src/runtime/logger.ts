import { closeSync, openSync, writeSync } from 'node:fs';
import type { LogLevel } from '../config/server-options.js';
import type { Clock } from './clock.js';
import { JsonLines, type LogFields } from './json-log.js';

export type LineLevel = Exclude<LogLevel, 'nothing'>;

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const LEVEL_CHAR: Readonly<Record<LineLevel, string>> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `22 Nov 2026 23:19:16.477`, local time, as Redis's serverLogRaw prints it. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export type LogFormat = 'redis' | 'json';

/**
 * Redis-format log lines (`pid:X dd Mon yyyy HH:MM:SS.mmm c message`) on stdout or `logfile`,
 * or JSON lines with `argus-log-format json` (json-log.ts). Writes are synchronous, as Redis's
 * are, so the last lines before an exit are never lost. Redis-format text is written as bytes
 * (latin1), as Argus keeps all protocol and config strings.
 */
export class Logger {
  #level: LogLevel;
  #fd: number;
  readonly #ownsFd: boolean;
  readonly #clock: Clock;
  readonly #pid = process.pid;
  #json: JsonLines | null;

  constructor(clock: Clock, level: LogLevel = 'notice', logfile = '', format: LogFormat = 'redis') {
    this.#clock = clock;
    this.#level = level;
    this.#ownsFd = logfile !== '';
    this.#fd = logfile === '' ? 1 : openSync(logfile, 'a');
    this.#json = format === 'json' ? new JsonLines(this.#fd, () => clock.wall()) : null;
  }

  get level(): LogLevel {
    return this.#level;
  }

  setLevel(level: LogLevel): void {
    this.#level = level;
  }

  enabled(level: LineLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.#level];
  }

  /**
   * `fields` (an event's type, master, instance ...) go into a JSON line beside `msg`; the Redis
   * format has no place for them and shows the message only.
   */
  log(level: LineLevel, message: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    if (this.#json !== null) return this.#json.write(level, message, fields);
    this.raw(`${this.#pid}:X ${formatLogTime(this.#clock.wall())} ${LEVEL_CHAR[level]} ${message}\n`);
  }

  debug(message: string): void { this.log('debug', message); }
  verbose(message: string): void { this.log('verbose', message); }
  notice(message: string): void { this.log('notice', message); }
  warning(message: string): void { this.log('warning', message); }

  /**
   * A line without the level prefix, e.g. Redis's `pid:signal-handler (ts) ...` lines; in JSON a
   * warning whose `msg` is the line.
   */
  raw(line: string): void {
    if (this.#json !== null) return this.#json.write('warning', line.replace(/\n$/, ''));
    try {
      writeSync(this.#fd, Buffer.from(line, 'latin1'));
    } catch {
      // A closed stdout (EPIPE) must not take the sentinel down; Redis ignores it too.
    }
  }

  close(): void {
    if (this.#ownsFd) closeSync(this.#fd);
    this.#fd = 1;
    this.#json = null;
  }
}
