import { LOG_LEVELS, type LogLevel } from '../../config/server-options.js';
import type { SentinelContext } from '../types.js';

/**
 * The global parameters of SENTINEL CONFIG (config.md §8), in the order CONFIG GET reports them
 * (sentinelConfigGetCommand). `validate` says whether SET accepts a value; `set` applies it.
 */
export interface ConfigParam {
  readonly name: string;
  get(ctx: SentinelContext): string;
  validate(value: string): boolean;
  set(ctx: SentinelContext, value: string): void;
  /** sentinel-user/pass: peers must be reconnected with the new credentials */
  readonly peerAuth?: boolean;
}

/** config.c yesnotoi */
const yesNo = (v: string): boolean | null => (v.toLowerCase() === 'yes' ? true : v.toLowerCase() === 'no' ? false : null);
const anyString = (): boolean => true;

export const CONFIG_PARAMS: readonly ConfigParam[] = [
  {
    name: 'resolve-hostnames',
    get: (ctx) => (ctx.state.resolveHostnames ? 'yes' : 'no'),
    validate: (v) => yesNo(v) !== null,
    set: (ctx, v) => (ctx.state.resolveHostnames = yesNo(v)!),
  },
  {
    name: 'announce-hostnames',
    get: (ctx) => (ctx.state.announceHostnames ? 'yes' : 'no'),
    validate: (v) => yesNo(v) !== null,
    set: (ctx, v) => (ctx.state.announceHostnames = yesNo(v)!),
  },
  {
    name: 'announce-ip',
    get: (ctx) => ctx.state.announceIp ?? '',
    validate: anyString,
    // Argus: "" unsets at once; Redis keeps an empty announce-ip (hellos with an empty address)
    // until a restart loads the rewritten `""` as unset
    set: (ctx, v) => (ctx.state.announceIp = v === '' ? null : v),
  },
  {
    name: 'announce-port',
    get: (ctx) => String(ctx.state.announcePort),
    validate: (v) => /^(0|[1-9][0-9]{0,4})$/.test(v) && Number(v) <= 65535,
    set: (ctx, v) => (ctx.state.announcePort = Number(v)),
  },
  {
    name: 'sentinel-user',
    get: (ctx) => ctx.state.sentinelUser ?? '',
    validate: anyString,
    set: (ctx, v) => (ctx.state.sentinelUser = v === '' ? null : v),
    peerAuth: true,
  },
  {
    name: 'sentinel-pass',
    get: (ctx) => ctx.state.sentinelPass ?? '',
    validate: anyString,
    set: (ctx, v) => (ctx.state.sentinelPass = v === '' ? null : v),
    peerAuth: true,
  },
  {
    name: 'loglevel',
    get: (ctx) => ctx.server.getString('loglevel', 'notice').toLowerCase(),
    validate: (v) => (LOG_LEVELS as readonly string[]).includes(v.toLowerCase()),
    set: (ctx, v) => {
      const level = v.toLowerCase() as LogLevel;
      ctx.setLogLevel(level);
      // kept with the other server options so the rewrite writes the new level
      ctx.server.set('loglevel', [level]);
    },
  },
];

export const configParam = (name: string): ConfigParam | undefined =>
  CONFIG_PARAMS.find((p) => p.name === name.toLowerCase());
