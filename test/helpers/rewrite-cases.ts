/**
 * Config-rewrite cases run through both redis-sentinel 7.0.15 and Argus, shared by the golden
 * generator (make-rewrite-goldens.ts), the unit test (against the stored goldens) and the compat
 * test (against a live redis-sentinel).
 *
 * A case is an input file plus steps. On redis-sentinel each step is one redis-cli command that
 * flushes the config once (SENTINEL SET/REMOVE/CONFIG SET/FLUSHCONFIG); on Argus the same step
 * is a change to the loaded state followed by one rewrite. Inputs hold a `sentinel myid` (so
 * nothing is rewritten at start) unless `startupRewrite` says Redis rewrites at start.
 *
 * Each case is deterministic in Redis: at most one master, replica, peer and renamed command
 * (Redis walks its dicts in a random order), except where the comparison ignores the order.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../../src/config/server-options.js';
import type { SentinelState } from '../../src/sentinel/state.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

export interface RewriteStep {
  /** the redis-cli arguments for redis-sentinel */
  readonly redis: readonly string[];
  /** the same change on Argus's state (none for FLUSHCONFIG) */
  readonly argus?: (state: SentinelState, server: ServerOptions) => void;
}

export interface RewriteCase {
  readonly name: string;
  readonly input: string;
  /** no myid in the input: redis-sentinel generates one and rewrites at start */
  readonly startupRewrite?: boolean;
  /** appended to the file after start, before the steps (lines Redis never loaded) */
  readonly appendWhileRunning?: string;
  readonly steps: readonly RewriteStep[];
  /** AUTH for redis-cli */
  readonly password?: string;
  /** the comparison ignores known-replica/known-slave lines (7.0 keeps known-slave lines) */
  readonly ignoreKnownReplicas?: boolean;
}

const MYID = 'e5c2d16d41150e07d8f2e95159c69cb0075a3b87';
const PEER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const FLUSH: RewriteStep = { redis: ['SENTINEL', 'FLUSHCONFIG'] };

const master = (state: SentinelState, name: string) => {
  const m = state.masters.get(name);
  if (!m) throw new Error(`no master ${name}`);
  return m;
};

export const REWRITE_CASES: readonly RewriteCase[] = [
  {
    // redis/redis sentinel.conf (commit 0047702aabdf53651e65cda8f1e7f7ed432353e7, the 6.2-era
    // example file), unchanged: pidfile/dir get quoted, the three default-valued per-master
    // lines are blanked, state is appended.
    name: 'shipped-sentinel-conf',
    input: readFileSync(join(FIXTURES, 'redis-sentinel.conf'), 'latin1'),
    startupRewrite: true,
    steps: [],
  },
  {
    // config.md §6 "observed 7.0.15 example": indentation, three blank lines, two known-slave
    // lines and a default parallel-syncs line. 7.0 keeps the known-slave lines and appends
    // known-replica ones; Argus (7.2+) replaces them in place, so those lines are compared apart.
    name: 'config-md-example',
    input: [
      '# example from config.md',
      '   port 26379',
      '\tsentinel monitor mymaster 127.0.0.1 6379 2   ',
      '',
      '',
      '',
      'sentinel known-slave mymaster 127.0.0.1 6380',
      '  sentinel known-slave mymaster 127.0.0.1 6381',
      'sentinel parallel-syncs mymaster 1',
      '',
    ].join('\n'),
    startupRewrite: true,
    steps: [],
    ignoreKnownReplicas: true,
  },
  {
    name: 'full-state',
    input: [
      '# every per-master option, one replica, one peer, one renamed command',
      'port 26379',
      'requirepass "s3cret"',
      'loglevel warning',
      'logfile ""',
      'daemonize no',
      '',
      'sentinel myid ' + MYID,
      'sentinel deny-scripts-reconfig no',
      'SENTINEL monitor m1 127.0.0.1 6379 2',
      'sentinel down-after-milliseconds m1 5000',
      'sentinel failover-timeout m1 60000',
      'sentinel parallel-syncs m1 3',
      'sentinel notification-script m1 /bin/true',
      'sentinel client-reconfig-script m1 /bin/true',
      'sentinel auth-pass m1 MySUPER--secret-0123passw0rd',
      'sentinel auth-user m1 sentinel-user',
      'sentinel master-reboot-down-after-period m1 1000',
      'sentinel config-epoch m1 7',
      'sentinel leader-epoch m1 5',
      'sentinel known-replica m1 127.0.0.1 6380',
      `sentinel known-sentinel m1 127.0.0.1 26380 ${PEER}`,
      'sentinel rename-command m1 CONFIG GUESSME',
      'sentinel current-epoch 9',
      'sentinel announce-ip 10.0.0.5',
      'sentinel announce-port 5555',
      'sentinel sentinel-user su',
      'sentinel sentinel-pass sp',
      '',
    ].join('\n'),
    password: 's3cret',
    steps: [FLUSH],
  },
  {
    // SENTINEL SET back to the defaults: the per-master lines are blanked, quorum is rewritten
    name: 'set-defaults',
    input: [
      'port 26379',
      `sentinel myid ${MYID}`,
      'sentinel monitor m1 127.0.0.1 6379 2',
      'sentinel down-after-milliseconds m1 5000',
      'sentinel parallel-syncs m1 3',
      'sentinel auth-pass m1 pw',
      '',
    ].join('\n'),
    steps: [
      {
        redis: ['SENTINEL', 'SET', 'm1', 'down-after-milliseconds', '30000', 'parallel-syncs', '1', 'quorum', '3', 'auth-pass', ''],
        argus: (state) => {
          const m = master(state, 'm1');
          m.downAfterPeriod = 30000;
          m.parallelSyncs = 1;
          m.quorum = 3;
          m.authPass = null;
        },
      },
    ],
  },
  {
    // SENTINEL REMOVE: the removed master's lines are blanked, the other's slots are reused
    name: 'remove-master',
    input: [
      'port 26379',
      `sentinel myid ${MYID}`,
      'sentinel monitor gone 127.0.0.1 7000 2',
      'sentinel down-after-milliseconds gone 1000',
      'sentinel config-epoch gone 3',
      'sentinel monitor kept 127.0.0.1 7001 2',
      'sentinel config-epoch kept 4',
      'sentinel leader-epoch kept 0',
      'sentinel leader-epoch gone 0',
      'sentinel current-epoch 4',
      '',
    ].join('\n'),
    steps: [{ redis: ['SENTINEL', 'REMOVE', 'gone'], argus: (state) => void state.masters.delete('gone') }],
  },
  {
    // lines added to the file after load: unknown, unparsable, deprecated -> "# ??? "
    name: 'unknown-lines',
    input: ['port 26379', `sentinel myid ${MYID}`, 'sentinel monitor m1 127.0.0.1 6379 2', ''].join('\n'),
    appendWhileRunning: 'bogus-directive 1 2\n"unbalanced\nlist-max-ziplist-entries 512\nloglevel warning\n',
    steps: [FLUSH],
  },
  {
    // two flushes in a row: the second adds the trailing blank line; CONFIG SET values
    name: 'config-set-twice',
    input: ['port 26379', `sentinel myid ${MYID}`, 'sentinel monitor m1 127.0.0.1 6379 2', 'sentinel announce-port 7777', ''].join('\n'),
    steps: [
      { redis: ['SENTINEL', 'CONFIG', 'SET', 'announce-port', '0'], argus: (state) => void (state.announcePort = 0) },
      { redis: ['SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'yes'], argus: (state) => void (state.resolveHostnames = true) },
    ],
  },
  {
    // server options: normalized values, quirks of bind / replicaof / client-output-buffer-limit
    name: 'server-options',
    input: [
      'port 26379',
      'bind * -::*',
      'replicaof no one',
      'notify-keyspace-events "Kx$E"',
      'maxmemory 2097152',
      'syslog-enabled YES',
      'loglevel WARNING',
      'save 900 1',
      'save 300 10',
      'hz 50',
      'unixsocketperm 700',
      'client-output-buffer-limit pubsub 32mb 8mb 61',
      'shutdown-on-sigterm nosave force',
      'acllog-max-len 128',
      'pidfile ""',
      'oom-score-adj-values 0 200 800',
      'port 26379',
      `sentinel myid ${MYID}`,
      'sentinel monitor m1 127.0.0.1 6379 2',
      '',
    ].join('\n'),
    steps: [FLUSH],
  },
  {
    // users: a configured default user wins over requirepass and is described back
    name: 'users',
    input: [
      'port 26379',
      'requirepass x',
      'user default on nopass ~* &* +@all',
      'user alice on >pw ~* &* +@all',
      `sentinel myid ${MYID}`,
      'sentinel monitor m1 127.0.0.1 6379 2',
      '',
    ].join('\n'),
    steps: [FLUSH],
  },
];

/**
 * What the byte comparison leaves out, applied to both outputs:
 * - the server options appended after the signature are sorted: redis-sentinel appends them in
 *   its config dict's order, which changes from run to run (Argus: byte order of the name);
 * - `latency-tracking-info-percentiles 50 99 99.9`: 7.0 writes this default on every rewrite (a
 *   default-comparison bug fixed in 7.2), Argus does not;
 * - with ignoreKnownReplicas, every known-replica/known-slave line (7.0 keeps old known-slave
 *   lines beside new known-replica ones; 7.2+ and Argus replace them in place).
 * Blank-line runs left by a removal are collapsed again.
 */
export function normalizeRewrite(text: string, c: RewriteCase): string {
  let lines = text.split('\n').filter((l) => l !== 'latency-tracking-info-percentiles 50 99 99.9');
  if (c.ignoreKnownReplicas) lines = lines.filter((l) => !/^sentinel known-(replica|slave) /.test(l));
  const sig = lines.indexOf('# Generated by CONFIG REWRITE');
  if (sig !== -1) {
    let end = sig + 1;
    while (end < lines.length && lines[end] !== '' && !lines[end]!.startsWith('sentinel ')) end++;
    lines = [...lines.slice(0, sig + 1), ...lines.slice(sig + 1, end).sort(), ...lines.slice(end)];
  }
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '' && i > 0)).join('\n');
}

/** The known-replica addresses a rewrite wrote, sorted (for cases whose order Redis randomises). */
export const knownReplicas = (text: string): string[] =>
  text.split('\n').filter((l) => l.startsWith('sentinel known-replica ')).sort();
