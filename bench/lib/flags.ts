/** An integer command-line flag reader: the default when absent, else an integer in range or a usage error. */
export function intFlag(usage: string) {
  return (name: string, v: string | undefined, dflt: number, min: number, max: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max} (got '${v}')\n${usage}`);
    return n;
  };
}
