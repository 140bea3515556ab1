import test from 'ava';
import { err, ok } from '../../../../src/resp/reply.js';
import { SRI } from '../../../../src/sentinel/instance.js';
import { addKnownReplica, addKnownSentinel, createMaster } from '../../../../src/sentinel/state.js';
import { harness, one } from '../../../helpers/fake-context.js';

const PEER = 'b'.repeat(40);

function setup() {
  const h = harness();
  const created = createMaster(h.state, 'mymaster', '127.0.0.1', 16379, 2, h.clock.monotonic());
  if (!created.ok) throw new Error(created.error);
  const master = created.value;
  addKnownReplica(h.state, master, '127.0.0.1', 16380, h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26380, PEER, h.clock.monotonic());
  addKnownSentinel(h.state, master, '127.0.0.1', 26381, 'c'.repeat(40), h.clock.monotonic());
  return { h, master };
}

test('sentinel forget: refuses a reachable peer, forgets an SDOWN one, saves, then publishes; CKQUORUM counts one voter fewer', async (t) => {
  const { h, master } = setup();
  t.deepEqual(
    one(await h.run('sentinel', 'forget', 'mymaster', PEER)),
    err(`ERR ${PEER} is reachable (not SDOWN): stop it and wait for +sdown, or add FORCE (a live sentinel comes back with its next hello, a live replica with the next INFO of its master)`),
  );
  t.is(h.saves, 0);
  t.deepEqual(h.events, []);
  master.sentinels.get(PEER)!.flags |= SRI.S_DOWN;
  master.sentinels.get('c'.repeat(40))!.flags |= SRI.S_DOWN;
  t.deepEqual(one(await h.run('sentinel', 'ckquorum', 'mymaster')).t, 'error', '1 usable of 3: no majority');
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', PEER)), ok);
  t.is(h.saves, 1);
  t.deepEqual(h.events.map((e) => `${e.type} ${e.text}`), [`+forget-sentinel sentinel ${PEER} 127.0.0.1 26380 @ mymaster 127.0.0.1 16379`]);
  t.false(master.sentinels.has(PEER));
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', 'c'.repeat(40), 'force')), ok);
  t.deepEqual(
    one(await h.run('sentinel', 'ckquorum', 'mymaster')),
    err('NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master'),
    'one voter left (this sentinel): the majority holds, only quorum 2 fails',
  );
});

test('sentinel forget: a replica by address with FORCE; unknown names and bad options refused', async (t) => {
  const { h, master } = setup();
  t.deepEqual(one(await h.run('sentinel', 'forget', 'nope', PEER)), err('ERR No such master with that name'));
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', 'd'.repeat(40))), err('ERR No such sentinel with that run id for this master'));
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', '127.0.0.1:1')), err('ERR No such replica with that address for this master'));
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', '127.0.0.1:16380', 'now')), err('ERR syntax error'));
  t.deepEqual(one(await h.run('sentinel', 'forget', 'mymaster', '127.0.0.1:16380', 'FORCE')), ok);
  t.is(master.replicas.size, 0);
  t.deepEqual(h.events.map((e) => e.type), ['+forget-slave']);
});
