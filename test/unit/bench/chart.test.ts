import test from 'ava';
import { cdfSvg, escapeXml, logTicks, niceTicks, type CdfChart } from '../../../bench/lib/chart.js';

/**
 * Well-formed enough for an SVG viewer: one root <svg>, every tag closed in order, every
 * attribute quoted, no bare '&' or '<' in text.
 */
function checkWellFormed(svg: string): string | null {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    if (/<|&(?!(amp|lt|gt|quot|#39);)/.test(text)) return `bad text before offset ${m.index}: ${text.slice(0, 40)}`;
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) return `</${name}> closes nothing open at offset ${m.index}`;
    } else if (!selfClose) {
      if (stack.length === 0 && name !== 'svg') return `root is <${name}>`;
      stack.push(name!);
    }
  }
  if (/</.test(svg.slice(last))) return 'a tag the checker could not read';
  return stack.length ? `unclosed <${stack.join('>, <')}>` : null;
}

const chart = (panels: CdfChart['panels']): CdfChart => ({
  title: 'fault → event',
  subtitle: ['10 masters, down-after 1000 ms'],
  xLabel: 'ms from the fault',
  panels,
  notes: ['drop: 0 false +sdown'],
});

test('chart: an SVG document with one curve and one legend entry per series', (t) => {
  const svg = cdfSvg(
    chart([
      {
        title: '+sdown',
        series: [
          { label: 'argus hang', values: [1100, 1250, 1900, 1020], color: '#1f77b4' },
          { label: 'redis-sentinel hang', values: [1300, 1500, 1990], color: '#d62728', dash: '6 3' },
        ],
      },
    ]),
  );
  t.is(checkWellFormed(svg), null);
  t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  t.is(svg.match(/<path /g)?.length, 2);
  t.regex(svg, /argus hang: n=4 {2}p50 1100 {2}p99 1900/);
  t.regex(svg, /redis-sentinel hang: n=3/);
  t.regex(svg, /stroke-dasharray="6 3"/);
  t.notRegex(svg, /NaN|Infinity|undefined/);
  t.notRegex(svg, /<script|href=/);
});

test('chart: a series with no samples keeps its legend entry and draws nothing', (t) => {
  const svg = cdfSvg(
    chart([
      { title: '+sdown', series: [{ label: 'argus kill', values: [1001, 1003] }, { label: 'redis-sentinel kill', values: [] }] },
      { title: '+switch-master', series: [{ label: 'argus kill', values: [] }, { label: 'redis-sentinel kill', values: [] }] },
    ]),
  );
  t.is(checkWellFormed(svg), null);
  t.is(svg.match(/<path /g)?.length, 1);
  t.regex(svg, /redis-sentinel kill: no samples/);
  t.regex(svg, />no samples<\/text>/);
  t.notRegex(svg, /NaN|Infinity|undefined/);
});

test('chart: no panels, one sample, or equal samples still give finite coordinates', (t) => {
  for (const panels of [[], [{ title: 'one', series: [{ label: 'a', values: [1000] }] }], [{ title: 'flat', series: [{ label: 'a', values: [5, 5, 5] }] }]]) {
    const svg = cdfSvg(chart(panels));
    t.is(checkWellFormed(svg), null);
    t.notRegex(svg, /NaN|Infinity|undefined/);
  }
});

test('chart: labels and titles are escaped', (t) => {
  const svg = cdfSvg({ title: 'a < b & c', xLabel: '"ms"', panels: [{ title: '<odown>', series: [{ label: "it's & <x>", values: [1, 2] }] }] });
  t.is(checkWellFormed(svg), null);
  t.true(svg.includes('a &lt; b &amp; c'));
  t.true(svg.includes('it&#39;s &amp; &lt;x&gt;'));
  t.is(escapeXml('<&>'), '&lt;&amp;&gt;');
});

test('chart: ticks are round and cover the range', (t) => {
  t.deepEqual(niceTicks(1003, 1987), [1000, 1200, 1400, 1600, 1800, 2000]);
  t.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const ticks = niceTicks(1000, 1000);
  t.true(ticks[0]! <= 1000 && ticks[ticks.length - 1]! >= 1000 && ticks.length >= 2);
});

test('chart: a log axis labels powers of ten and draws values below the floor at it', (t) => {
  t.deepEqual(logTicks(3, 40), [2, 5, 10, 20, 50]);
  t.deepEqual(logTicks(1, 1000).filter((v) => [1, 10, 100, 1000].includes(v)), [1, 10, 100, 1000]);
  const svg = cdfSvg({
    title: 'overshoot', xLabel: 'ms past down-after', xScale: 'log',
    panels: [{ title: '+sdown', series: [{ label: 'argus kill', values: [-3, 0.5, 4, 12] }, { label: 'redis-sentinel kill', values: [60, 90, 1300] }] }],
  });
  t.is(checkWellFormed(svg), null);
  t.notRegex(svg, /NaN|Infinity|undefined/);
  for (const label of ['1', '10', '100', '1000']) t.regex(svg, new RegExp(`>${label}</text>`));
  t.is(svg.match(/<path /g)?.length, 2);
});
