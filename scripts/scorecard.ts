/**
 * The reliability scorecard, docs/reliability.md, written from the rows the fault suite
 * recorded (test/helpers/scorecard.ts). A test records its row only after its assertions
 * passed, and `npm run test:faults` writes the page only when the whole suite passed, so the
 * page never claims more than the last full run showed.
 *
 *   node dist/scripts/scorecard.js          write the page from .scorecard/*.json
 *   node dist/scripts/scorecard.js --clear  forget the rows of the last run (the soak's stay:
 *                                           it is a 30-minute bench, not part of the suite)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headCommit, SCORECARD_DIR, type ScoreRow, type Verdict } from '../test/helpers/scorecard.js';
import { ROOT } from '../test/helpers/processes.js';

/** `commit` is missing from rows recorded before it was kept */
type Row = ScoreRow & { recordedAt: string; commit?: string };

/** the page's sections, in reading order; a group not listed here comes after them */
const GROUPS = ['Crashes', 'Process faults', 'Partitions', 'Clock', 'Disk', 'Input', 'Load', 'Soak'];
const KEPT_ACROSS_RUNS = new Set(['Soak']);
const VERDICTS: readonly Verdict[] = ['better', 'same', 'argus-only', 'worse'];
const VERDICT_TEXT: Record<Verdict, string> = {
  better: 'Argus better',
  same: 'same',
  'argus-only': 'Argus only',
  worse: '**Argus worse**',
};

function readRows(): Row[] {
  let files: string[];
  try {
    files = readdirSync(SCORECARD_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(SCORECARD_DIR, f), 'utf8')) as Row);
}

function clear(): void {
  for (const row of readRows()) {
    if (KEPT_ACROSS_RUNS.has(row.group)) continue;
    rmSync(join(SCORECARD_DIR, `${row.id.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`), { force: true });
  }
}

/** one line of a command's --version output, or what went wrong */
function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0]! : `${cmd}: not found`;
}

/** a table cell: no pipes or newlines may break the row */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function groupOrder(g: string): number {
  const i = GROUPS.indexOf(g);
  return i === -1 ? GROUPS.length : i;
}

function page(rows: Row[]): string {
  rows.sort((a, b) => groupOrder(a.group) - groupOrder(b.group) || a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
  const count = (v: Verdict, rs: readonly Row[] = rows) => rs.filter((r) => r.verdict === v).length;
  const commit = headCommit();
  // rows a slower run recorded earlier (the soak) are kept; the page says at which commit
  const elsewhere = rows.filter((r) => r.commit !== commit);
  const dates = rows.map((r) => r.recordedAt.slice(0, 10)).sort();
  const out: string[] = [];
  out.push(
    '# Reliability scorecard',
    '',
    'Written by `scripts/scorecard.ts` from the rows the fault suite recorded; do not edit by hand.',
    'Run `npm run test:faults` to check every row again and rewrite this page (the soak row comes',
    'from `npm run bench -- soak`, an hour). A test records its row only after its assertions',
    'passed, and the page is written only when the whole suite passed: every row below is a fault',
    'survived, with what had to hold afterwards, what Argus did and what redis-sentinel did in the',
    'same run, on the same machine.',
    '',
    `- Argus commit \`${commit}\`, ${version('node', ['--version']).replace(/^v/, 'Node.js ')}; ${version('redis-sentinel', ['--version'])}`,
    `- rows recorded ${dates[0] ?? '-'}${dates.at(-1) !== dates[0] ? ` to ${dates.at(-1)}` : ''}; machine: ${cell(machine())}`,
    ...elsewhere.map((r) => `- \`${r.id}\` was recorded at commit \`${r.commit ?? 'unknown'}\``),
    '',
    '| section | rows | Argus better | same | Argus only | Argus worse |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  const groups = [...new Set(rows.map((r) => r.group))];
  for (const g of groups) {
    const rs = rows.filter((r) => r.group === g);
    out.push(`| [${g}](#${anchor(g)}) | ${rs.length} | ${VERDICTS.map((v) => count(v, rs)).join(' | ')} |`);
  }
  out.push(`| **all** | ${rows.length} | ${VERDICTS.map((v) => count(v)).join(' | ')} |`, '');
  out.push(
    'Verdicts: *Argus better* — the figures favour Argus beyond the test\'s tolerance; *same* — both',
    'kept the guarantee and no figure separates them; *Argus only* — redis-sentinel has nothing to',
    'compare (an Argus feature, or a fault it cannot be put through; the row says what it does);',
    '*Argus worse* — listed here so it is not missed.',
    '',
  );
  const worse = rows.filter((r) => r.verdict === 'worse');
  if (worse.length > 0) {
    out.push('## Where Argus is worse', '');
    for (const r of worse) out.push(`- \`${r.id}\`: ${r.argus} (redis-sentinel: ${r.sentinel})`);
    out.push('');
  }
  for (const g of groups) {
    out.push(`## ${g}`, '', '| fault | must hold | Argus | redis-sentinel | verdict |', '| --- | --- | --- | --- | --- |');
    for (const r of rows.filter((x) => x.group === g)) {
      out.push(`| ${cell(r.fault)} <br>\`${r.id}\` | ${cell(r.holds)} | ${cell(r.argus)} | ${cell(r.sentinel)} | ${VERDICT_TEXT[r.verdict]} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

const anchor = (g: string): string => g.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

function machine(): string {
  const cpus = spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim();
  const mem = /MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  return `${cpus} cores, ${mem ? Math.round(Number(mem) / 1024 / 1024) : '?'} GiB`;
}

if (process.argv.includes('--clear')) {
  clear();
} else {
  const rows = readRows();
  if (rows.length === 0) {
    process.stderr.write(`no scorecard rows in ${SCORECARD_DIR}: run the fault suite first (npm run test:faults)\n`);
    process.exit(1);
  }
  const file = join(ROOT, 'docs', 'reliability.md');
  writeFileSync(file, page(rows));
  process.stdout.write(`${file}: ${rows.length} rows, ${VERDICTS.map((v) => `${rows.filter((r) => r.verdict === v).length} ${v}`).join(', ')}\n`);
}
