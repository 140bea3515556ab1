/**
 * One progress line on stderr: rewritten in place on a terminal (every 250 ms), a plain line
 * every 5 s otherwise (CI logs). `note()` prints a permanent line above it.
 */
export class Progress {
  readonly #tty = !!process.stderr.isTTY;
  readonly #render: () => string;
  readonly #t0 = performance.now();
  #timer: NodeJS.Timeout | null = null;
  #shown = false;

  constructor(render: () => string) {
    this.#render = render;
  }

  start(): this {
    this.#timer = setInterval(() => this.#draw(), this.#tty ? 250 : 5_000);
    this.#timer.unref();
    return this;
  }

  #line(): string {
    return `[${((performance.now() - this.#t0) / 1000).toFixed(1).padStart(5)} s] ${this.#render()}`;
  }

  #draw(): void {
    if (this.#tty) {
      const cols = process.stderr.columns || 120;
      process.stderr.write(`\r\x1b[K${this.#line().slice(0, cols - 1)}`);
      this.#shown = true;
    } else process.stderr.write(`${this.#line()}\n`);
  }

  #clear(): void {
    if (this.#tty && this.#shown) process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }

  /** A permanent line (a phase finished, a warning). */
  note(text: string): void {
    this.#clear();
    process.stderr.write(`[${((performance.now() - this.#t0) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#clear();
  }
}
