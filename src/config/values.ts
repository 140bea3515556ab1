/**
 * Validation of generic directive values, ported from config.c's typed `set` functions with their
 * reason texts (checked against redis-sentinel 7.0.15). A valid value comes back normalized to
 * the form CONFIG REWRITE writes (`yes`/`no`, canonical enum names, `1gb`, octal `700`), which is
 * how ServerOptions stores it, so the rewrite can compare it with DirectiveSpec.defaultArgs.
 */
import {
  formatPercentile, memtoull, string2d, string2ll, strtoll, ULLONG_MAX,
} from './c-numbers.js';
import { formatNumber, type StringCheck, type ValueSpec } from './directives.js';
import { isIpv4, isIpv6 } from '../sentinel/address.js';

export type Checked = { ok: true; args: string[] } | { ok: false; reason: string };

const ok = (args: string[]): Checked => ({ ok: true, args });
const fail = (reason: string): Checked => ({ ok: false, reason });

/** config.c yesnotoi */
export function yesNo(s: string): boolean | null {
  const l = s.toLowerCase();
  return l === 'yes' ? true : l === 'no' ? false : null;
}

/** util.c pathIsBaseName */
const isBaseName = (p: string): boolean => !p.includes('/') && !p.includes('\\');

/** The variables server.c expandProcTitleTemplate knows; title and unixsocket may be empty. */
const PROC_TITLE_VARS: Readonly<Record<string, string>> = {
  title: '', 'listen-addr': '*:26379', 'server-mode': '[sentinel]', port: '26379', 'tls-port': '0',
  unixsocket: '', 'config-file': 'sentinel.conf',
};

/**
 * server.c validateProcTitleTemplate: sds.c sdstemplate syntax (`{var}`, `{{` for a brace), only
 * known variables, and the expansion (with an empty title, trimmed of spaces) must not be empty.
 */
function validProcTitle(template: string): boolean {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open === -1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    if (open + 1 >= template.length) return false;
    if (template[open + 1] === '{') {
      out += '{';
      i = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close === -1) return false;
    const value = PROC_TITLE_VARS[template.slice(open + 1, close)];
    if (value === undefined) return false;
    out += value;
    i = close + 1;
  }
  return out.replace(/^ +| +$/g, '') !== '';
}

/** NET_HOST_STR_LEN */
const HOST_STR_LEN = 256;

function checkString(check: StringCheck | undefined, v: string): string | null {
  switch (check) {
    case undefined: return null;
    case 'db-filename':
      return isBaseName(v) ? null : "dbfilename can't be a path, just a filename";
    case 'aof-filename':
      if (v === '') return "appendfilename can't be empty";
      return isBaseName(v) ? null : "appendfilename can't be a path, just a filename";
    case 'aof-dirname':
      if (v === '') return "appenddirname can't be empty";
      return isBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
    case 'hostname':
      if (v.length >= HOST_STR_LEN) return `Hostnames must be less than ${HOST_STR_LEN} characters`;
      return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
    case 'proc-title':
      return validProcTitle(v) ? null : 'template format is invalid or contains unknown variables';
  }
}

type Num = Extract<ValueSpec, { t: 'number' }>;

/** config.c numericParseString: memory, then percent, then octal, then a plain integer. */
function parseNumber(v: Num, s: string): bigint | string {
  if (v.format === 'memory' || v.format === 'memory-percent') {
    const m = memtoull(s);
    // stored through a long long, as setNumericType does
    if (m !== null) return BigInt.asIntN(64, m);
  }
  if (v.format === 'memory-percent' && s.length > 1 && s.endsWith('%')) {
    const p = string2ll(s.slice(0, -1));
    if (p !== null && p >= 0n) return -p; // percentages are kept negative
  }
  if (v.format === 'octal') {
    const r = strtoll(s, 8);
    if (!r.overflow && r.end === s.length) return r.value;
  }
  if (v.format === 'int') {
    const n = string2ll(s);
    if (n !== null) return n;
  }
  switch (v.format) {
    case 'memory-percent': return 'argument must be a memory or percent value';
    case 'memory': return 'argument must be a memory value';
    case 'octal': return "argument couldn't be parsed as an octal number";
    case 'int': return "argument couldn't be parsed into an integer";
  }
}

/** config.c numericBoundaryCheck */
function checkBounds(v: Num, n: bigint): string | null {
  if (v.unsigned) {
    const u = BigInt.asUintN(64, n);
    if (u > v.max || u < v.min) {
      const f = (x: bigint): string => (v.format === 'octal' ? x.toString(8) : String(x));
      return `argument must be between ${f(v.min)} and ${f(v.max)} inclusive`;
    }
    return null;
  }
  if (v.format === 'memory-percent' && n < 0n) {
    return n < v.min ? `percentage argument must be less or equal to ${-v.min}` : null;
  }
  if (n > v.max || n < v.min) return `argument must be between ${v.min} and ${v.max} inclusive`;
  return null;
}

const enumError = (values: readonly string[]): string =>
  `argument(s) must be one of the following: ${values.join(', ')}`;

/**
 * Validates the arguments of a bool, string, enum or numeric config (one argument each, except
 * the bit-flag enums). Special configs go through load.ts, which owns their accumulated state.
 */
export function checkValue(v: Exclude<ValueSpec, { t: 'special' }>, args: readonly string[]): Checked {
  const [a = ''] = args;
  switch (v.t) {
    case 'bool': {
      const b = yesNo(a);
      return b === null ? fail("argument must be 'yes' or 'no'") : ok([b ? 'yes' : 'no']);
    }
    case 'string': {
      const err = checkString(v.check, a);
      return err ? fail(err) : ok([a]);
    }
    case 'enum': {
      if (!v.bitflags) {
        const hit: string | undefined = v.values.find((e) => e === a.toLowerCase());
        return hit === undefined ? fail(enumError(v.values)) : ok([hit]);
      }
      // configEnumGetValue with bit flags: every argument must name a flag; "default" is 0.
      if (args.length === 0) return fail(enumError(v.values));
      const set = new Set<string>();
      for (const arg of args) {
        const hit: string | undefined = v.values.find((e) => e === arg.toLowerCase());
        if (hit === undefined) return fail(enumError(v.values));
        if (hit !== v.def) set.add(hit);
      }
      // isValidShutdownOnSigFlags
      if (set.has('save') && set.has('nosave')) return fail("shutdown options SAVE and NOSAVE can't be used simultaneously");
      // stored as separate words, which the rewrite writes unquoted, as Redis does
      return ok(set.size === 0 ? [v.def] : v.values.filter((e) => set.has(e)));
    }
    case 'number': {
      const n = parseNumber(v, a);
      if (typeof n === 'string') return fail(n);
      const err = checkBounds(v, n);
      if (err) return fail(err);
      return ok([formatNumber(v, v.unsigned ? BigInt.asUintN(64, n) : n)]);
    }
  }
}

// ------------------------------------------------------------------------------------------
// Pieces of the special configs that need no loader state
// ------------------------------------------------------------------------------------------

/**
 * setConfigSaveOption's check: even count, seconds >= 1, changes >= 0, each read by strtoll to
 * its end (so "" reads as 0 and " 5" as 5, as in C).
 */
export function checkSavePairs(args: readonly string[]): string[][] | null {
  if (args.length % 2 !== 0) return null;
  const pairs: string[][] = [];
  for (let j = 0; j < args.length; j += 2) {
    const s = args[j]!;
    const c = args[j + 1]!;
    const secs = strtoll(s);
    const changes = strtoll(c);
    if (secs.end !== s.length || changes.end !== c.length) return null;
    if (secs.value < 1n || changes.value < 0n) return null;
    // appendServerSaveParams keeps the changes in an int
    pairs.push([String(secs.value), String(BigInt.asIntN(32, changes.value))]);
  }
  return pairs;
}

/** networking.c getClientTypeByName, as the rewrite names the classes. */
const OBUF_CLASSES: Readonly<Record<string, string>> = {
  normal: 'normal', slave: 'replica', replica: 'replica', pubsub: 'pubsub',
};
export const OBUF_CLASS_ORDER = ['normal', 'replica', 'pubsub'] as const;

/** updateClientOutputBufferLimit's checks; returns [class, hard, soft, seconds] tuples. */
export function checkOutputBufferLimits(args: readonly string[]): string[][] | string {
  if (args.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  const out: string[][] = [];
  for (let j = 0; j < args.length; j += 4) {
    const cls = OBUF_CLASSES[args[j]!.toLowerCase()];
    if (cls === undefined) return 'Invalid client class specified in buffer limit configuration.';
    const hard = memtoull(args[j + 1]!);
    const soft = memtoull(args[j + 2]!);
    const secsText = args[j + 3]!;
    const secs = strtoll(secsText);
    const secsInt = BigInt.asIntN(32, secs.value); // stored in an int
    if (hard === null || soft === null || secs.end !== secsText.length || secsInt < 0n) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
    out.push([cls, formatNumber(MEMORY, hard), formatNumber(MEMORY, soft), String(secsInt)]);
  }
  return out;
}

const MEMORY: Num = { t: 'number', min: 0n, max: ULLONG_MAX, def: 0n, unsigned: true, format: 'memory' };

/** setConfigOOMScoreAdjValuesOption */
export function checkOomScoreAdjValues(args: readonly string[]): Checked {
  if (args.length !== 3) return fail('wrong number of arguments');
  const out: string[] = [];
  for (const a of args) {
    const r = strtoll(a);
    if (r.end !== a.length || r.value < -2000n || r.value > 2000n) {
      return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    }
    out.push(String(r.value));
  }
  return ok(out);
}

/**
 * notify.c keyspaceEventsStringToFlags, and keyspaceEventsFlagsToString for the stored form
 * ('A' when every class it covers is set; 'n' is written only without 'A', as in Redis).
 */
const KEYSPACE_ALL = 'g$lshzxetd';
export function checkNotifyKeyspaceEvents(s: string): Checked {
  const flags = new Set<string>();
  for (const c of s) {
    if (c === 'A') for (const k of KEYSPACE_ALL) flags.add(k);
    else if ('g$lshzxeKEtmdn'.includes(c)) flags.add(c);
    else return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  let out = [...KEYSPACE_ALL].every((k) => flags.has(k)) ? 'A' : [...`${KEYSPACE_ALL}n`].filter((k) => flags.has(k)).join('');
  for (const k of 'KEm') if (flags.has(k)) out += k;
  return ok([out]);
}

/** setConfigLatencyTrackingInfoPercentilesOutputOption */
export function checkPercentiles(args: readonly string[]): Checked {
  // a single "" is the empty list, kept as [''] so the rewrite writes it back as ""
  if (args.length === 1 && args[0] === '') return ok(['']);
  const out: string[] = [];
  for (const a of args) {
    const v = string2d(a);
    if (v === null) return fail('Invalid latency-tracking-info-percentiles parameters');
    if (v > 100 || v < 0) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(formatPercentile(v));
  }
  return ok(out);
}

/** setConfigReplicaOfOption; null args = `no one` (unset). */
export function checkReplicaOf(args: readonly string[]): { ok: true; args: string[] | null } | { ok: false; reason: string } {
  if (args.length !== 2) return fail('wrong number of arguments');
  const [host, port] = args as [string, string];
  if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') return { ok: true, args: null };
  const r = strtoll(port);
  if (r.value < 0n || r.value > 65535n || r.end !== port.length) return fail('Invalid master port');
  return ok([host, String(r.value)]);
}

/**
 * argus-http-bind: IP addresses to listen on (`0.0.0.0` / `::` for all); names are refused so
 * the endpoint never listens somewhere a resolver chose. One empty argument = unset (loopback).
 */
export function checkHttpBind(args: readonly string[]): Checked {
  if (args.length === 0 || (args.length === 1 && args[0] === '')) return ok([]);
  if (args.length > 16) return fail('Too many argus-http-bind addresses specified.');
  for (const a of args) {
    if (!isIpv4(a) && !isIpv6(a)) return fail(`Invalid argus-http-bind address '${a}': expected an IP address`);
  }
  return ok([...args]);
}

/**
 * argus-dns-servers: resolver addresses as node:dns setServers takes them, checked here so a
 * bad one stops start-up with its line instead of failing in a shard: `ip`, `ip:port`, an IPv6
 * address bare or bracketed, `[ipv6]:port`. Host names are refused (resolving the resolver
 * would need a resolver). One empty argument (or none) means unset: the system resolver.
 */
export function checkDnsServers(args: readonly string[]): Checked {
  if (args.length === 0 || (args.length === 1 && args[0] === '')) return ok([]);
  for (const a of args) {
    if (!validDnsServer(a)) {
      return fail(`Invalid argus-dns-servers address '${a}': expected an IP address, <ipv4>:<port> or [<ipv6>]:<port>`);
    }
  }
  return ok([...args]);
}

function validDnsServer(a: string): boolean {
  const port = (p: string): boolean => /^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  // scope ids (fe80::1%eth0) are not taken by c-ares' server list
  if (a.includes('%')) return false;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(a);
  if (bracketed) return isIpv6(bracketed[1]!) && (bracketed[2] === undefined || port(bracketed[2]));
  if (isIpv6(a)) return true;
  const [host = '', p, extra] = a.split(':');
  return extra === undefined && isIpv4(host) && (p === undefined || port(p));
}

/** CONFIG_BINDADDR_MAX */
export const BIND_ADDR_MAX = 16;
