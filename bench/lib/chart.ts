/**
 * Latency CDFs as one self-contained SVG: no script, no external stylesheet or font, so the file
 * opens the same in a browser, an image viewer or a code review. Pure: data in, text out.
 *
 * One panel per event stage, laid out in a grid; in each panel one step curve per series (the
 * share of samples at or below x ms), a linear x axis with round ticks over the panel's own
 * range, faint lines at p90 and p99 (a linear y axis squeezes the tail, these lines find it),
 * and a legend under the plot with each series' n, p50 and p99.
 */

export interface CdfSeries {
  readonly label: string;
  readonly values: readonly number[];
  /** any SVG colour; a palette colour by position when absent */
  readonly color?: string;
  /** an SVG stroke-dasharray, e.g. '6 3'; solid when absent */
  readonly dash?: string;
}

export interface CdfPanel {
  readonly title: string;
  readonly series: readonly CdfSeries[];
}

export interface CdfChart {
  readonly title: string;
  /** lines under the title: what was measured, with which sizes and timings */
  readonly subtitle?: readonly string[];
  readonly xLabel: string;
  /**
   * 'log' spreads values that differ by orders of magnitude (a 5 ms and a 500 ms overshoot);
   * values below `logFloor` (default 1) are drawn at it
   */
  readonly xScale?: 'linear' | 'log';
  readonly logFloor?: number;
  readonly panels: readonly CdfPanel[];
  /** lines under the panels */
  readonly notes?: readonly string[];
  readonly columns?: number;
  readonly panelWidth?: number;
  readonly plotHeight?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';
const PAD = 16;
const LINE = 16;
/** inside a panel: room for the title above, y tick labels left, x ticks and label below */
const INSET = { top: 30, left: 52, right: 30, bottom: 46 };

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Coordinates with one decimal: smaller files, and no float noise in the markup. */
const n1 = (x: number): string => String(Math.round(x * 10) / 10);

/** Round tick positions (1, 2 or 5 × 10^k apart) covering [lo, hi], about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step * 0.999; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

/** 1-2-5 steps from the largest at or below `lo` to the smallest at or above `hi` (both > 0). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [1, 10];
  if (hi < lo) [lo, hi] = [hi, lo];
  const steps: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) for (const m of [1, 2, 5]) steps.push(+(m * 10 ** k).toPrecision(6));
  const first = steps.filter((t) => t <= lo).pop() ?? steps[0]!;
  const last = steps.find((t) => t >= hi) ?? steps[steps.length - 1]!;
  const ticks = steps.filter((t) => t >= first && t <= last);
  return ticks.length >= 2 ? ticks : [first, steps[steps.indexOf(first) + 1]!];
}

interface Scale {
  readonly x: (v: number) => number;
  /** grid positions; a label only where there is room */
  readonly ticks: readonly { v: number; label: string | null }[];
}

function scaleFor(values: readonly number[], kind: 'linear' | 'log', floor: number, left: number, width: number): Scale {
  if (kind === 'log') {
    const clamp = (v: number) => Math.max(v, floor);
    const ticks = logTicks(clamp(Math.min(...values)), clamp(Math.max(...values)));
    const [lo, hi] = [Math.log10(ticks[0]!), Math.log10(ticks[ticks.length - 1]!)];
    // past eight ticks only the powers of ten are labelled
    const sparse = ticks.length > 8;
    return {
      x: (v) => left + ((Math.log10(clamp(v)) - lo) / (hi - lo)) * width,
      ticks: ticks.map((v) => ({ v, label: !sparse || Number.isInteger(+Math.log10(v).toFixed(9)) ? tickLabel(v) : null })),
    };
  }
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const [lo, hi] = [ticks[0]!, ticks[ticks.length - 1]!];
  return { x: (v) => left + ((v - lo) / (hi - lo)) * width, ticks: ticks.map((v) => ({ v, label: tickLabel(v) })) };
}

/** Nearest-rank percentile of sorted values. */
const rank = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

const tickLabel = (t: number): string => (Math.abs(t) >= 1000 || Number.isInteger(t) ? String(Math.round(t)) : String(+t.toPrecision(3)));

interface Geometry {
  readonly width: number;
  readonly plotHeight: number;
  readonly legendRows: number;
}

function panelSvg(panel: CdfPanel, g: Geometry, chart: CdfChart, x0: number, y0: number): string {
  const out: string[] = [];
  const pw = g.width - INSET.left - INSET.right;
  const ph = g.plotHeight;
  const left = x0 + INSET.left;
  const top = y0 + INSET.top;
  const bottom = top + ph;
  const series = panel.series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    sorted: s.values.filter(Number.isFinite).slice().sort((a, b) => a - b),
  }));
  const all = series.flatMap((s) => s.sorted);
  out.push(`<text x="${n1(x0 + g.width / 2)}" y="${n1(y0 + 18)}" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`);
  out.push(`<rect x="${n1(left)}" y="${n1(top)}" width="${n1(pw)}" height="${n1(ph)}" fill="#ffffff" stroke="#888888" stroke-width="1"/>`);

  // y: share of samples, 0..1
  const y = (q: number) => bottom - q * ph;
  for (const q of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${n1(left)}" x2="${n1(left + pw)}" y1="${n1(y(q))}" y2="${n1(y(q))}" stroke="#e4e4e4" stroke-width="1"/>`);
    out.push(`<text x="${n1(left - 6)}" y="${n1(y(q) + 4)}" text-anchor="end" font-size="11">${q * 100}%</text>`);
  }
  for (const [q, name] of [[0.9, 'p90'], [0.99, 'p99']] as const) {
    out.push(`<line x1="${n1(left)}" x2="${n1(left + pw)}" y1="${n1(y(q))}" y2="${n1(y(q))}" stroke="#bbbbbb" stroke-width="1" stroke-dasharray="2 3"/>`);
    // outside the plot on the right: no curve runs there, and no 100% label sits next to p99
    out.push(`<text x="${n1(left + pw + 3)}" y="${n1(y(q) + (q === 0.99 ? 8 : 3))}" font-size="9" fill="#888888">${name}</text>`);
  }
  out.push(
    `<text transform="translate(${n1(x0 + 13)} ${n1(top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="11">samples ≤ x</text>`,
  );

  if (all.length === 0) {
    out.push(`<text x="${n1(left + pw / 2)}" y="${n1(top + ph / 2)}" text-anchor="middle" font-size="12" fill="#888888">no samples</text>`);
  } else {
    const { x, ticks } = scaleFor(all, chart.xScale ?? 'linear', chart.logFloor ?? 1, left, pw);
    for (const t of ticks) {
      out.push(`<line x1="${n1(x(t.v))}" x2="${n1(x(t.v))}" y1="${n1(top)}" y2="${n1(bottom)}" stroke="#ececec" stroke-width="1"/>`);
      if (t.label === null) continue;
      out.push(`<line x1="${n1(x(t.v))}" x2="${n1(x(t.v))}" y1="${n1(bottom)}" y2="${n1(bottom + 4)}" stroke="#888888" stroke-width="1"/>`);
      out.push(`<text x="${n1(x(t.v))}" y="${n1(bottom + 16)}" text-anchor="middle" font-size="11">${t.label}</text>`);
    }
    for (const s of series) {
      if (s.sorted.length === 0) continue;
      // a step curve: flat to each sample, then up by 1/n
      let d = `M${n1(x(s.sorted[0]!))} ${n1(y(0))}`;
      s.sorted.forEach((v, i) => (d += ` H${n1(x(v))} V${n1(y((i + 1) / s.sorted.length))}`));
      const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : '';
      out.push(`<path d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}><title>${escapeXml(s.label)}</title></path>`);
    }
  }
  out.push(`<text x="${n1(left + pw / 2)}" y="${n1(bottom + 34)}" text-anchor="middle" font-size="11">${escapeXml(chart.xLabel)}</text>`);

  // legend under the plot: swatch, label, n, p50, p99
  const ly = bottom + INSET.bottom + 4;
  series.forEach((s, i) => {
    const yy = ly + i * LINE;
    const dash = s.dash ? ` stroke-dasharray="${escapeXml(s.dash)}"` : '';
    out.push(`<line x1="${n1(left)}" x2="${n1(left + 24)}" y1="${n1(yy - 4)}" y2="${n1(yy - 4)}" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/>`);
    const stats = s.sorted.length ? `n=${s.sorted.length}  p50 ${Math.round(rank(s.sorted, 50))}  p99 ${Math.round(rank(s.sorted, 99))}` : 'no samples';
    out.push(`<text x="${n1(left + 30)}" y="${n1(yy)}" font-size="11">${escapeXml(s.label)}: ${stats}</text>`);
  });
  return out.join('\n');
}

/** The whole chart as an SVG document. */
export function cdfSvg(chart: CdfChart): string {
  const columns = Math.max(1, Math.min(chart.columns ?? 3, chart.panels.length || 1));
  const g: Geometry = {
    width: chart.panelWidth ?? 420,
    plotHeight: chart.plotHeight ?? 240,
    legendRows: Math.max(1, ...chart.panels.map((p) => p.series.length)),
  };
  const panelHeight = INSET.top + g.plotHeight + INSET.bottom + g.legendRows * LINE + 8;
  const rows = Math.max(1, Math.ceil(chart.panels.length / columns));
  const subtitle = chart.subtitle ?? [];
  const notes = chart.notes ?? [];
  const headHeight = 34 + subtitle.length * LINE + 6;
  const width = 2 * PAD + columns * g.width;
  const height = headHeight + rows * panelHeight + (notes.length ? notes.length * LINE + 8 : 0) + PAD;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${n1(height)}" viewBox="0 0 ${width} ${n1(height)}" ${FONT} fill="#222222">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${n1(height)}" fill="#ffffff"/>`,
    `<text x="${PAD}" y="26" font-size="17" font-weight="bold">${escapeXml(chart.title)}</text>`,
    ...subtitle.map((s, i) => `<text x="${PAD}" y="${26 + (i + 1) * LINE + 2}" font-size="12" fill="#444444">${escapeXml(s)}</text>`),
  ];
  if (chart.panels.length === 0) {
    out.push(`<text x="${PAD}" y="${n1(headHeight + 20)}" font-size="12" fill="#888888">no panels</text>`);
  }
  chart.panels.forEach((p, i) => {
    const x0 = PAD + (i % columns) * g.width;
    const y0 = headHeight + Math.floor(i / columns) * panelHeight;
    out.push(`<g>\n${panelSvg(p, g, chart, x0, y0)}\n</g>`);
  });
  const ny = headHeight + rows * panelHeight + 4;
  notes.forEach((s, i) => out.push(`<text x="${PAD}" y="${n1(ny + i * LINE)}" font-size="11" fill="#444444">${escapeXml(s)}</text>`));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
