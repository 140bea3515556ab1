import { instanceDescription } from '../../../src/events/event.js';
import type { Effect } from '../../../src/sentinel/effects.js';
import {
  newMasterRecord,
  newReplicaRecord,
  newSentinelRecord,
  type MasterRecord,
  type ReplicaRecord,
  type SentinelRecord,
} from '../../../src/sentinel/instance.js';
import type { RuleContext } from '../../../src/sentinel/rule-context.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';

/** A monotonic start time far from 0 (0 means "never" in several record fields). */
export const T0 = 1_000_000;

export const ctxAt = (now: number, over: Partial<RuleContext> = {}): RuleContext => ({
  now,
  timings: defaultTimings(),
  tilt: false,
  resolveHostnames: false,
  announceHostnames: false,
  myid: 'a'.repeat(40),
  ...over,
});

export const masterAt = (now = T0, host = '127.0.0.1', port = 6379): MasterRecord =>
  newMasterRecord('mymaster', { host, port }, 2, defaultTimings(), now);

export function replicaOf(master: MasterRecord, host: string, port: number, now = T0): ReplicaRecord {
  const name = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const r = newReplicaRecord(name, { host, port }, master, now);
  master.replicas.set(name, r);
  return r;
}

export function sentinelOf(master: MasterRecord, runid: string, host: string, port: number, now = T0): SentinelRecord {
  const s = newSentinelRecord(runid, { host, port }, master, now);
  master.sentinels.set(runid, s);
  return s;
}

/** A link with both connections up, as onLinkConnected leaves it. */
export function connect(ri: { link: { disconnected: boolean; ccConnected: boolean; pcConnected: boolean } }): void {
  ri.link.ccConnected = true;
  ri.link.pcConnected = true;
  ri.link.disconnected = false;
}

/** Every event effect as the shell publishes it: `<type> <text>`. */
export function eventLines(effects: readonly Effect[]): string[] {
  const lines: string[] = [];
  for (const e of effects) {
    if (e.kind === 'event') {
      const desc = instanceDescription(e.instance, e.master);
      lines.push(`${e.type} ${e.detail === undefined ? desc : `${desc} ${e.detail}`}`);
    } else if (e.kind === 'event-text') {
      lines.push(`${e.type} ${e.text}`);
    }
  }
  return lines;
}

export const kinds = (effects: readonly Effect[]): string[] => effects.map((e) => e.kind);

/** INFO text as a server writes it: CRLF line ends. */
export const info = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;

/** Deterministic PRNG (mulberry32) for the property tests. */
export function prng(seed: number): (maxExclusive: number) => number {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}
