/**
 * How soon after a master dies does every sentinel of a group name the new master? Three Argus
 * and three Debian redis-sentinel processes fail over real redis-server groups in the same run,
 * quorum 2: the `latency` engine (lib/sentinel-groups.ts) with issue 5's sizes and flags, and
 * issue 5's targets printed against the switch overshoot.
 *
 *   npm run bench -- failover [--groups N=5] [--replicas R=1] [--down-after MS=1000]
 *     [--failover-timeout MS=5000] [--faults kill,hang] [--simultaneous K] [--count F=16]
 *     [--bound MS] [--deadline S=170] [--seed N] [--json PATH] [--chart PATH] [--logs DIR]
 *
 * One group of each family at a time (F faults per family, the kinds in turn, shuffled), or
 * `--simultaneous K` groups of each family per round, both families in step (one random phase,
 * one kind per round; rounds = max(number of kinds, ⌈F / K⌉)).
 *
 *   switch    = last sentinel's first +switch-master − fault      (the client-visible end)
 *   overshoot = switch − down-after                                 (the targets of issue 5)
 */
import { FAULT_KINDS, type FaultKind } from './lib/faults.js';
import { intFlag, stringFlags } from './lib/flags.js';
import { report } from './lib/latency-report.js';
import { availableImpls } from './lib/monitors.js';
import { runGroups, type GroupsOptions } from './lib/sentinel-groups.js';

const USAGE =
  'failover [--groups N=5] [--replicas R=1] [--down-after MS=1000] [--failover-timeout MS=5000] [--faults kill,hang]\n' +
  '         [--simultaneous K] [--count F=16] [--bound MS] [--deadline S=170] [--seed N] [--json PATH] [--chart PATH] [--logs DIR]';

/** Issue 5: Argus's switch overshoot as a fraction of redis-sentinel's. */
const TARGET: Record<FaultKind, number> = { kill: 0.3, hang: 0.6 };

function parseOptions(args: string[]): GroupsOptions & { json: string | null; chart: string | null } {
  const values = stringFlags(args, ['groups', 'replicas', 'down-after', 'failover-timeout', 'faults', 'simultaneous', 'count', 'bound', 'deadline', 'seed', 'json', 'chart', 'logs'], USAGE);
  const int = intFlag(USAGE);
  const groups = int('groups', values.groups, 5, 1, 200);
  const downAfter = int('down-after', values['down-after'], 1000, 100, 60_000);
  const failoverTimeout = int('failover-timeout', values['failover-timeout'], 5000, 1000, 600_000);
  const kinds = (values.faults ?? 'kill,hang').split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) if (!FAULT_KINDS.includes(k as FaultKind)) throw new Error(`--faults takes ${FAULT_KINDS.join(',')} (got '${k}')\n${USAGE}`);
  if (kinds.length === 0) throw new Error(`--faults names no fault\n${USAGE}`);
  return {
    masters: groups,
    replicas: int('replicas', values.replicas, 1, 1, 4),
    sentinels: 3,
    quorum: 2,
    downAfter,
    failoverTimeout,
    argusPingPeriod: null,
    kinds: [...new Set(kinds)] as FaultKind[],
    count: int('count', values.count, 16, 1, 10_000),
    simultaneous: int('simultaneous', values.simultaneous, 0, 0, groups),
    parallel: 1,
    stallMs: downAfter - 300,
    // one failed election plus its retry, 2 × failover-timeout after the first start, fits
    boundMs: int('bound', values.bound, downAfter + 2 * failoverTimeout + 5_000, 1_000, 3_600_000),
    deadlineS: int('deadline', values.deadline, 170, 10, 86_400),
    quietS: 3,
    hz: 10,
    impls: ['argus', 'redis'],
    seed: int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31),
    json: values.json ?? null,
    chart: values.chart ?? null,
    logs: values.logs ?? null,
  };
}

export async function run(args: string[] = []): Promise<void> {
  let o: ReturnType<typeof parseOptions>;
  try {
    o = parseOptions(args);
  } catch (e) {
    process.stderr.write(`failover: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const avail = availableImpls(o.impls);
  if (avail.note) process.stdout.write(`note: ${avail.note}\n`);
  o.impls = avail.impls;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const rounds = o.simultaneous > 0 ? Math.max(o.kinds.length, Math.ceil(o.count / o.simultaneous)) : 0;
  out(
    `groups ${o.masters} per family (master + ${o.replicas} replica${o.replicas > 1 ? 's' : ''}), 3 sentinels per family (${o.impls.join(', ')}), ` +
      `quorum 2, down-after-milliseconds ${o.downAfter}, failover-timeout ${o.failoverTimeout}`,
  );
  out(
    `faults ${o.kinds.join(',')}, ` +
      (o.simultaneous > 0 ? `${o.simultaneous} groups of each family at once, ${rounds} rounds` : `one group of each family at a time, ${o.count} per family`) +
      `, failed after ${o.boundMs} ms, deadline ${o.deadlineS} s, seed ${o.seed}`,
  );
  try {
    report(await runGroups(o, 'failover'), { bench: 'failover', json: o.json, chart: o.chart, targets: TARGET });
  } catch (e) {
    process.stderr.write(`failover: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
