/**
 * Where events are POSTed: `sentinel argus-webhook <master|*> <url>` lines and
 * `SENTINEL SET <master> argus-webhook <url>`. Pure. The lists live beside the records rather
 * than in them (WeakMaps keyed by the master record and by the state): webhooks are a
 * main-thread concern the shards never see, and a removed master takes its webhooks with it.
 */
import type { MasterRecord } from '../sentinel/instance.js';
import type { SentinelState } from '../sentinel/state.js';

/** The master-name argument that means every master (and events tied to none, like +tilt). */
export const ALL_MASTERS = '*';

export const WEBHOOK_URL_RULE = 'argus-webhook needs an http:// or https:// URL.';

const byMaster = new WeakMap<MasterRecord, string[]>();
const everyMaster = new WeakMap<SentinelState, string[]>();

const listOf = <K extends object>(map: WeakMap<K, string[]>, key: K): string[] => {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
};

/** The URL text when it is an absolute http(s) URL with a host, else null. Kept as written. */
export function webhookUrl(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' ? text : null;
}

export const masterWebhooks = (m: MasterRecord): readonly string[] => byMaster.get(m) ?? [];
export const globalWebhooks = (state: SentinelState): readonly string[] => everyMaster.get(state) ?? [];

/** Adds `url` to the master's list (a URL already there is not added twice). */
export function addMasterWebhook(m: MasterRecord, url: string): void {
  const list = listOf(byMaster, m);
  if (!list.includes(url)) list.push(url);
}

export function clearMasterWebhooks(m: MasterRecord): void {
  byMaster.delete(m);
}

export function addGlobalWebhook(state: SentinelState, url: string): void {
  const list = listOf(everyMaster, state);
  if (!list.includes(url)) list.push(url);
}

/** The URLs an event of `master` (null: no instance) goes to: `*` ones first, no duplicates. */
export function webhooksFor(state: SentinelState, master: string | null): readonly string[] {
  const all = globalWebhooks(state);
  const m = master === null ? undefined : state.masters.get(master);
  const own = m ? masterWebhooks(m) : [];
  return own.length === 0 ? all : [...new Set([...all, ...own])];
}

/**
 * A webhook URL as events and logs show it: the origin only, since the path of a Slack or
 * PagerDuty hook is its secret (`https://hooks.slack.com/******`).
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/******`;
  } catch {
    return '******';
  }
}
