/**
 * How a ShardToMain message is put on a MessagePort. The choice is measured, not assumed:
 * `npm run bench -- thread-messages` compares msgpackr against the port's own structured clone
 * for Argus's real batches, and docs/design.md ("Messages between threads") has the figures.
 */
// The plain-JS entries, not the package root: under Node the root also loads the native
// msgpackr-extract addon, which costs ~20 ms of every thread's start-up and decodes Argus's
// number-heavy batches no faster (measured: 2.45 ms either way for a 1000-master batch).
import { Packr } from 'msgpackr/pack';
import { Unpackr } from 'msgpackr/unpack';
import { ArgusError } from '../errors.js';
import type { ShardToMain } from './protocol.js';

export type WireEncoding = 'msgpack' | 'clone';

/** The one-line switch (see docs/design.md for the figures behind it). */
export const WIRE_ENCODING: WireEncoding = 'msgpack';

export interface Encoded {
  readonly data: unknown;
  readonly transfer: ArrayBuffer[];
}

/**
 * msgpackr's records mode: each message carries its own structure definitions, so a decoder needs
 * no shared state and a restarted shard needs no handshake.
 */
const packr = new Packr({ useRecords: true });
const unpackr = new Unpackr({ useRecords: true });

/**
 * pack() returns a view into msgpackr's reusable buffer; posting that view would clone the whole
 * 8 KiB+ backing store and the next pack() would overwrite it. A right-sized copy is transferred
 * instead, so the bytes cross the thread boundary once, without a second copy.
 */
export function encodeMessage<T>(msg: T, encoding: WireEncoding = WIRE_ENCODING): Encoded {
  if (encoding === 'clone') return { data: msg, transfer: [] };
  const copy = new Uint8Array(packr.pack(msg));
  return { data: copy, transfer: [copy.buffer] };
}

export function decodeMessage<T>(data: unknown, encoding: WireEncoding = WIRE_ENCODING): T {
  if (encoding === 'clone') return data as T;
  if (!(data instanceof Uint8Array)) throw new ArgusError('ARGUS_ERR_SHARD_PROTOCOL', 'shard message is not msgpack bytes');
  return unpackr.unpack(data) as T;
}

/** A shard message, checked for the fields the main thread switches on. */
export function decodeShardMessage(data: unknown): ShardToMain {
  const msg = decodeMessage<ShardToMain>(data);
  if (typeof msg !== 'object' || msg === null || (msg.type !== 'ready' && msg.type !== 'batch')) {
    throw new ArgusError('ARGUS_ERR_SHARD_PROTOCOL', 'unknown shard message');
  }
  return msg;
}
