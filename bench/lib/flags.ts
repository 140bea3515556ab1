import { parseArgs } from 'node:util';

/** An integer command-line flag reader: the default when absent, else an integer in range or a usage error. */
export function intFlag(usage: string) {
  return (name: string, v: string | undefined, dflt: number, min: number, max: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max} (got '${v}')\n${usage}`);
    return n;
  };
}

/**
 * `--name value` flags, every one a string (unknown flags are an error); `-h` / `--help` prints
 * `usage` and exits.
 */
export function stringFlags<const N extends string>(args: string[], names: readonly N[], usage: string): Partial<Record<N, string>> {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  const { values } = parseArgs({ args, strict: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values as Partial<Record<N, string>>;
}
