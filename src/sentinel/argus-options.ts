/**
 * Argus-only per-master options and their value rules, shared by the config loader and
 * SENTINEL SET. Each is off (0) by default, so a sentinel.conf without them behaves as Redis's.
 */

/** `argus-ping-period`: 0 (Sentinel's ping period) or 10 ms to 60 s. */
export const ARGUS_PING_PERIOD_MIN = 10;
export const ARGUS_PING_PERIOD_MAX = 60_000;
export const ARGUS_PING_PERIOD_RANGE =
  `argus-ping-period must be 0 (use Sentinel's ping period) or between ${ARGUS_PING_PERIOD_MIN} and ${ARGUS_PING_PERIOD_MAX} milliseconds.`;

/** The value of an argus-ping-period argument, or null when it is not a valid one. */
export function argusPingPeriod(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const v = Number(text);
  return v === 0 || (v >= ARGUS_PING_PERIOD_MIN && v <= ARGUS_PING_PERIOD_MAX) ? v : null;
}
