/** Nearest-rank percentile of `xs` (0 < p ≤ 100). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const max = (xs: readonly number[]): number => (xs.length ? Math.max(...xs) : Number.NaN);
export const min = (xs: readonly number[]): number => (xs.length ? Math.min(...xs) : Number.NaN);

/** last − first of the defined times; NaN with fewer than two */
export const spread = (ts: readonly (number | undefined)[]): number => {
  const xs = ts.filter((t): t is number => t !== undefined);
  return xs.length < 2 ? Number.NaN : max(xs) - min(xs);
};

/** A table cell: '-' for a missing or non-finite figure. */
export const fmt = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

/** a / b as a table cell; 'n/a' when either is missing, b is not positive or a is negative. */
export const ratio = (a: number | null | undefined, b: number | null | undefined, digits = 2): string =>
  a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0 || a < 0 ? 'n/a' : (a / b).toFixed(digits);

/** Prints an aligned text table. */
export function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}
