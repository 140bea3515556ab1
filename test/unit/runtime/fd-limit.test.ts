import test from 'ava';
import { fdLimitWarning, linkDescriptors, openFilesLimit, RESERVED_FDS } from '../../../src/runtime/fd-limit.js';
import { addKnownReplica, addKnownSentinel, createMaster, newSentinelState } from '../../../src/sentinel/state.js';

const LIMITS = [
  'Limit                     Soft Limit           Hard Limit           Units     ',
  'Max cpu time              unlimited            unlimited            seconds   ',
  'Max open files            20000                20000                files     ',
].join('\n');

test('fd-limit: the soft open-files limit is read from /proc/self/limits, null when unreadable', (t) => {
  t.is(openFilesLimit(() => LIMITS), 20000);
  t.is(openFilesLimit(() => LIMITS.replace('20000                20000', 'unlimited            unlimited')), Infinity);
  t.is(openFilesLimit(() => 'nothing here'), null);
  t.is(openFilesLimit(() => {
    throw new Error('ENOENT');
  }), null);
  t.true((openFilesLimit() ?? 1) > 0, 'this machine answers');
});

test('fd-limit: two descriptors per master and replica, one per peer record; a warning only when they and maxclients do not fit', (t) => {
  const state = newSentinelState();
  for (let i = 0; i < 3; i++) {
    const m = createMaster(state, `m${i}`, '127.0.0.1', 7000 + i, 2, 0);
    if (!m.ok) return t.fail();
    addKnownReplica(state, m.value, '127.0.0.1', 8000 + i, 0);
    addKnownSentinel(state, m.value, '127.0.0.1', 26380, 'b'.repeat(40), 0);
  }
  t.is(linkDescriptors(state), 3 * (2 + 2 + 1));
  const needed = 15 + 100 + RESERVED_FDS;
  t.is(fdLimitWarning(needed, state, 100), null);
  t.is(fdLimitWarning(null, state, 100), null);
  t.is(fdLimitWarning(Infinity, state, 100), null);
  t.regex(fdLimitWarning(needed - 1, state, 100)!, /^Open files limit is 178, but the links to 3 masters .* need 15 and maxclients 100 more \(179 with 64 reserved\)/);
});
