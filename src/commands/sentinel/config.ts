import { maskPairs } from '../../events/audit.js';
import { bulk, map, type Reply } from '../../resp/reply.js';
import { globMatchNoCase } from '../../server/glob.js';
import { replyError } from '../reply-errors.js';
import { SENTINEL_ADMIN, type ArgusCommandSpec } from '../spec.js';
import type { SentinelContext } from '../types.js';
import { CONFIG_PARAMS, configParam, type ConfigParam } from './config-params.js';
import { rejectControlChars } from './control-chars.js';
import { saveAndReply } from './save.js';

/**
 * sentinelConfigGetCommand: each pattern is a case-insensitive glob; every matching parameter is
 * reported once, in pattern order and within a pattern in the fixed parameter order.
 */
function configGet(ctx: SentinelContext, patterns: readonly string[]): Reply {
  const seen = new Set<string>();
  const entries: [string, Reply][] = [];
  for (const pattern of patterns) {
    for (const p of CONFIG_PARAMS) {
      if (seen.has(p.name) || !globMatchNoCase(pattern, p.name)) continue;
      seen.add(p.name);
      entries.push([p.name, bulk(p.get(ctx))]);
    }
  }
  return map(entries);
}

/**
 * sentinelConfigSetCommand (7.2 multi-parameter form): control characters, then every pair
 * validated (unknown, duplicate, missing value, bad value) before anything is applied; then all
 * applied, the file saved, and peer links dropped if the sentinel credentials changed.
 */
async function configSet(ctx: SentinelContext, argv: readonly string[]): Promise<Reply> {
  const bad = rejectControlChars(argv, 3, 'SENTINEL CONFIG SET');
  if (bad !== null) return bad;
  const pairs: [ConfigParam, string][] = [];
  const seen = new Set<string>();
  for (let i = 3; i < argv.length; i += 2) {
    const name = argv[i]!;
    const param = configParam(name);
    if (param === undefined) return replyError.configSetUnknown(name);
    if (seen.has(param.name)) return replyError.configSetDuplicate(name);
    seen.add(param.name);
    if (i + 1 === argv.length) return replyError.configSetMissingValue(name);
    const value = argv[i + 1]!;
    if (!param.validate(value)) return replyError.configSetBadValue(value, name);
    pairs.push([param, value]);
  }
  for (const [param, value] of pairs) param.set(ctx, value);
  const reply = await saveAndReply(ctx);
  // sentinelDropConnections comes after the reply in Redis; the order is not observable here
  if (pairs.some(([p]) => p.peerAuth)) ctx.monitors.peerAuthChanged();
  return reply;
}

/** SENTINEL CONFIG GET <pattern> [...] | SET <param> <value> [...]. */
export const configSubcommand: ArgusCommandSpec = {
  ...SENTINEL_ADMIN,
  name: 'config',
  audit: { when: (argv) => argv[2]?.toLowerCase() === 'set', redact: maskPairs(3) },
  arity: -4,
  summary: 'Reads or changes the global sentinel parameters.',
  since: '6.2.0',
  complexity: 'O(N) for N parameters',
  run({ sentinel }, argv) {
    const action = argv[2]!.toLowerCase();
    if (action === 'set' && argv.length >= 5) return configSet(sentinel, argv);
    if (action === 'get') return configGet(sentinel, argv.slice(3));
    return replyError.configUsage();
  },
};
