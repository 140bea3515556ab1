/**
 * Sentinel's timing constants (sentinel.c `sentinel_*_period` etc.). They are variables, not
 * constants, because `SENTINEL DEBUG` changes them at run time; they are never persisted.
 */
export interface SentinelTimings {
  infoPeriod: number;
  pingPeriod: number;
  askPeriod: number;
  publishPeriod: number;
  defaultDownAfter: number;
  defaultFailoverTimeout: number;
  tiltTrigger: number;
  tiltPeriod: number;
  slaveReconfTimeout: number;
  minLinkReconnectPeriod: number;
  electionTimeout: number;
  scriptMaxRuntime: number;
  scriptRetryDelay: number;
}

export const defaultTimings = (): SentinelTimings => ({
  infoPeriod: 10_000,
  pingPeriod: 1_000,
  askPeriod: 1_000,
  publishPeriod: 2_000,
  defaultDownAfter: 30_000,
  defaultFailoverTimeout: 180_000,
  tiltTrigger: 2_000,
  tiltPeriod: 30_000,
  slaveReconfTimeout: 10_000,
  minLinkReconnectPeriod: 15_000,
  electionTimeout: 10_000,
  scriptMaxRuntime: 60_000,
  scriptRetryDelay: 30_000,
});

/**
 * The `SENTINEL DEBUG` names, in the order the no-argument reply lists them (upper-cased there).
 */
export const DEBUG_TIMERS: readonly (readonly [string, keyof SentinelTimings])[] = [
  ['info-period', 'infoPeriod'],
  ['ping-period', 'pingPeriod'],
  ['ask-period', 'askPeriod'],
  ['publish-period', 'publishPeriod'],
  ['default-down-after', 'defaultDownAfter'],
  ['default-failover-timeout', 'defaultFailoverTimeout'],
  ['tilt-trigger', 'tiltTrigger'],
  ['tilt-period', 'tiltPeriod'],
  ['slave-reconf-timeout', 'slaveReconfTimeout'],
  ['min-link-reconnect-period', 'minLinkReconnectPeriod'],
  ['election-timeout', 'electionTimeout'],
  ['script-max-runtime', 'scriptMaxRuntime'],
  ['script-retry-delay', 'scriptRetryDelay'],
];

export const SENTINEL_DEFAULT_PARALLEL_SYNCS = 1;
export const SENTINEL_DEFAULT_SLAVE_PRIORITY = 100;
