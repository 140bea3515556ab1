import test from 'ava';
import { CONNECT_TIMEOUT_MS } from '../../../src/actors/master-coordinator.js';
import { defaultTimings } from '../../../src/sentinel/timings.js';

/** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT). */
const FIRST_SYN_RETRY_MS = 1_000;

test('a connect attempt outlives its first SYN retry, so a partition that heals mid-attempt is seen by that attempt', (t) => {
  // At exactly the retry time, the timeout and the retry raced and the attempt was abandoned:
  // the partition test measured up to 2 s from heal to -sdown instead of about 1 s.
  t.true(CONNECT_TIMEOUT_MS > FIRST_SYN_RETRY_MS + 250, `${CONNECT_TIMEOUT_MS} ms leaves the retry time to land`);
});

test('a connect attempt ends within two ping periods, so a hung connect still gets replaced by a fresh one', (t) => {
  // Reconnects are paced once per ping period; an attempt still pending after the second one
  // would leave the link waiting on the kernel's exponential SYN backoff (3 s, 7 s, …).
  t.true(CONNECT_TIMEOUT_MS < 2 * defaultTimings().pingPeriod);
});
