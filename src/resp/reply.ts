/**
 * A reply as a value. Handlers build these; src/resp/reply-writer.ts renders them as RESP2 or
 * RESP3. Numbers that Sentinel sends as bulk strings (instance maps, ports) are `bulk` here:
 * the shape is decided by the handler, not by the writer.
 */
export type Reply =
  | { readonly t: 'simple'; readonly s: string }
  | { readonly t: 'error'; readonly s: string }
  | { readonly t: 'int'; readonly n: number }
  | { readonly t: 'bulk'; readonly b: string | Buffer }
  /** RESP2 `$-1`, RESP3 `_` */
  | { readonly t: 'null-bulk' }
  /** RESP2 `*-1`, RESP3 `_` */
  | { readonly t: 'null-array' }
  | { readonly t: 'array'; readonly items: readonly Reply[] }
  /** RESP3 `%n`; RESP2 renders a flat array of 2n items */
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, Reply])[] }
  /** RESP3 `>n`; RESP2 renders an array. Only pub/sub messages are pushes. */
  | { readonly t: 'push'; readonly items: readonly Reply[] }
  /**
   * Bytes already rendered in the client's protocol: a long reply built in parts between turns
   * of the event loop (SENTINEL MASTERS of thousands of masters), written as they are.
   */
  | { readonly t: 'raw'; readonly bytes: Buffer };

export const simple = (s: string): Reply => ({ t: 'simple', s });
export const ok: Reply = simple('OK');
/** `s` is the whole error line without the leading '-', e.g. 'ERR No such master with that name'. */
export const err = (s: string): Reply => ({ t: 'error', s });
export const int = (n: number): Reply => ({ t: 'int', n });
export const bulk = (b: string | Buffer): Reply => ({ t: 'bulk', b });
export const nullBulk: Reply = { t: 'null-bulk' };
export const nullArray: Reply = { t: 'null-array' };
export const array = (items: readonly Reply[]): Reply => ({ t: 'array', items });
export const arrayOf = (...items: Reply[]): Reply => ({ t: 'array', items });
export const map = (entries: readonly (readonly [string, Reply])[]): Reply => ({ t: 'map', entries });
export const push = (items: readonly Reply[]): Reply => ({ t: 'push', items });
/** A map whose values are all bulk strings, as Sentinel's instance maps are. */
export const bulkMap = (entries: readonly (readonly [string, string | number])[]): Reply =>
  map(entries.map(([k, v]) => [k, bulk(String(v))] as const));
