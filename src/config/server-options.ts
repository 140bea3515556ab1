/**
 * The generic (non-`sentinel`) directives of sentinel.conf, as loaded. Every redis.conf
 * directive is accepted and kept so the rewrite can write it back; the ones that act on a
 * sentinel are read through the typed accessors below.
 *
 * Values are stored as the argument vectors of their lines (byte strings), keyed by the
 * canonical lower-case directive name. Single-line directives hold one vector (the last one
 * given wins, as in Redis); multi-line directives (`user`, `rename-command`,
 * `client-output-buffer-limit`, `save`, `include`, `loadmodule`) hold one per line.
 */
export class ServerOptions {
  readonly #values = new Map<string, string[][]>();

  /** Replace a single-line directive's value, or add a line to a multi-line directive. */
  set(name: string, args: string[], multi = false): void {
    const existing = this.#values.get(name);
    if (multi && existing) existing.push(args);
    else this.#values.set(name, [args]);
  }

  /** The value of a single-line directive (its last line), or undefined if never set. */
  get(name: string): string[] | undefined {
    const lines = this.#values.get(name);
    return lines?.[lines.length - 1];
  }

  /** Every line of a directive, in the order given. */
  all(name: string): readonly string[][] {
    return this.#values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  delete(name: string): void {
    this.#values.delete(name);
  }

  names(): IterableIterator<string> {
    return this.#values.keys();
  }

  getString(name: string, fallback: string): string {
    return this.get(name)?.[0] ?? fallback;
  }

  getInt(name: string, fallback: number): number {
    const v = this.get(name)?.[0];
    return v === undefined ? fallback : Number.parseInt(v, 10);
  }

  getBool(name: string, fallback: boolean): boolean {
    const v = this.get(name)?.[0];
    return v === undefined ? fallback : v.toLowerCase() === 'yes';
  }
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning', 'nothing'];
