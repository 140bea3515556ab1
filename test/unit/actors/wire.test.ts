import test from 'ava';
import { decodeMessage, decodeShardMessage, encodeMessage, WIRE_ENCODING } from '../../../src/actors/wire.js';
import { isArgusError } from '../../../src/errors.js';

const batch = {
  type: 'batch', shard: 0, seq: 1, events: [], snapshots: [], flushRequested: false, currentEpoch: 0,
  freshReplies: 0, freshSince: null, stalls: [], logs: [{ level: 'notice', message: 'é\u00ff' }],
};

test('encodeMessage: posts a right-sized copy of the packed bytes, never msgpackr\'s shared buffer', (t) => {
  const a = encodeMessage(batch, 'msgpack');
  const b = encodeMessage({ ...batch, seq: 2 }, 'msgpack');
  const bytes = a.data as Uint8Array;
  t.is(bytes.byteOffset, 0);
  t.is(bytes.byteLength, bytes.buffer.byteLength);
  t.deepEqual(a.transfer, [bytes.buffer]);
  t.not(bytes.buffer, (b.data as Uint8Array).buffer);
  t.deepEqual(decodeMessage(a.data, 'msgpack'), batch, 'the next pack did not overwrite it');
});

test('encodeMessage: passes the object through for structured clone', (t) => {
  t.deepEqual(encodeMessage(batch, 'clone'), { data: batch, transfer: [] });
  t.is(decodeMessage(batch, 'clone'), batch);
});

test('decodeShardMessage: refuses what is not a shard message', (t) => {
  t.deepEqual(decodeShardMessage(encodeMessage(batch).data), batch);
  const bad = WIRE_ENCODING === 'msgpack' ? encodeMessage({ type: 'nope' }).data : { type: 'nope' };
  t.true(isArgusError(t.throws(() => decodeShardMessage(bad)), 'ARGUS_ERR_SHARD_PROTOCOL'));
});
