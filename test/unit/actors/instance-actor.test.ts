import test from 'ava';
import { InstanceActor, RETRY_AFTER_DROP_MS, type ActorHost } from '../../../src/actors/instance-actor.js';
import type { InstanceLink } from '../../../src/links/instance-link.js';
import type { ConnectionKind, LinkReply } from '../../../src/links/types.js';
import type { Effect } from '../../../src/sentinel/effects.js';
import { onLinkConnected } from '../../../src/sentinel/ping.js';
import { ctxAt, eventLines, masterAt, replicaOf, T0 } from '../sentinel/helpers.js';

/**
 * An instance actor against a link that never touches a socket: what it asks the link for and
 * what the rules it runs emit. Time stands still at `now` unless the test moves it.
 */
function setup() {
  const master = masterAt();
  const replica = replicaOf(master, '127.0.0.1', 6380);
  let now = T0;
  const effects: Effect[] = [];
  const connected = new Set<ConnectionKind>();
  let connects = 0;
  const link = {
    pubsub: true,
    pendingCommands: 0,
    pubsubLastActivity: 0,
    isConnected: (kind: ConnectionKind) => connected.has(kind),
    connectedSince: (kind: ConnectionKind) => (connected.has(kind) ? now : 0),
    connect: () => void connects++,
    send: (): Promise<LinkReply> => new Promise(() => {}),
    close: () => {},
    destroy: () => {},
    localAddress: () => '127.0.0.1',
  } as unknown as InstanceLink;
  const host: ActorHost = {
    master,
    ruleContext: () => ctxAt(now),
    apply: (e) => effects.push(...e),
    changed: () => {},
    atRest: () => true,
    freshReply: () => {},
    helloIdentity: () => ({ ip: '127.0.0.1', port: 26379, runid: 'a'.repeat(40), currentEpoch: 0 }),
  };
  const actor = new InstanceActor(replica, link, host);
  return {
    actor,
    replica,
    effects,
    at: (t: number) => (now = t),
    /** connect attempts the actor asked the link for */
    connects: () => connects,
    linkDown: (kind: ConnectionKind) => connected.delete(kind),
    linkUp: (kind: ConnectionKind) => {
      connected.add(kind);
      onLinkConnected(replica, kind, now);
    },
  };
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const sdowns = (effects: readonly Effect[]) => eventLines(effects).filter((l) => l.startsWith('+sdown'));

test.serial('instance actor: a connect completed while the thread was busy is read before the instance is called down', async (t) => {
  const { actor, effects, at, linkUp } = setup();
  t.teardown(() => actor.stop());
  actor.wake(); // the first connect attempt, at T0
  // silent since then and still disconnected here: the deadline has passed when the timer fires
  at(T0 + 40_000); // past down-after (30 s by default)
  actor.wake();
  t.deepEqual(sdowns(effects), [], 'not in the same turn: pending I/O first');
  // the connect the kernel completed meanwhile is handled in the poll phase
  linkUp('cc');
  linkUp('pc');
  actor.connected('cc');
  await nextTurn();
  t.deepEqual(sdowns(effects), []);
});

test.serial('instance actor: an instance that stays silent is called down one turn later', async (t) => {
  const { actor, effects, at } = setup();
  t.teardown(() => actor.stop());
  actor.wake();
  at(T0 + 40_000); // past down-after (30 s by default)
  actor.wake();
  t.deepEqual(sdowns(effects), []);
  await nextTurn();
  t.is(sdowns(effects).length, 1);
});

test.serial('instance actor: a connection that was up and dropped is retried after the next-tick pause, not a ping period', (t) => {
  const { actor, replica, at, linkUp, linkDown, connects } = setup();
  t.teardown(() => actor.stop());
  actor.wake(); // the first connect attempt, at T0
  t.is(connects(), 1);
  linkUp('cc');
  linkUp('pc');
  actor.connected('cc');
  actor.connected('pc');
  const dropAt = T0 + 5_000;
  at(dropAt);
  actor.wake();
  t.is(connects(), 1, 'both connections up: nothing to connect');
  linkDown('cc');
  actor.disconnected('cc', 'Connection reset by peer');
  t.true(RETRY_AFTER_DROP_MS < 100, "no later than sentinel.c's next tick, which is at most 100 ms away");
  at(dropAt + RETRY_AFTER_DROP_MS - 1);
  actor.wake();
  t.is(connects(), 1, 'not in the same millisecond: a restarting server would refuse it');
  at(dropAt + RETRY_AFTER_DROP_MS);
  actor.wake();
  t.is(connects(), 2, 'retried after the pause');
  t.true(replica.link.ccConnected === false);
});
