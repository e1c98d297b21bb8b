import type { BenchResults } from './results.js';
import { mb, rowsShort } from './stats.js';

export interface Series {
  name: string;
  color: string;
  dash?: string;
  /** [x, y] pairs; non-positive or missing values are left out (log scale). */
  points: [number, number][];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  series: Series[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fix = (n: number) => +n.toFixed(1);

/** Log-scale domain: the whole decades around the values, at least one decade wide. */
export function logDomain(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length) return [1, 10];
  const lo = Math.floor(Math.log10(Math.min(...positive)) + 1e-9);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive)) - 1e-9));
  return [+(10 ** lo).toPrecision(6), +(10 ** hi).toPrecision(6)];
}

/** Tick values of a log axis: 1-2-5 per decade for up to two decades, powers of ten otherwise. */
export function logTicks([lo, hi]: [number, number]): number[] {
  const decades = Math.log10(hi / lo);
  const steps = decades <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const s of steps) {
      const v = s * 10 ** k;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(+v.toPrecision(6));
    }
  }
  return ticks;
}

/** Panels side by side, log-log, one polyline with markers per series, a shared legend on top. */
export function chartSvg(panels: Panel[], options: { title: string; subtitle?: string } = { title: '' }): string {
  const panelW = 470;
  const panelH = 340;
  const margin = { left: 76, right: 26, top: 34, bottom: 46 };
  const legendH = 26;
  const headH = options.subtitle ? 48 : 30;
  const width = panelW * panels.length;
  const height = headH + legendH + panelH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${esc(options.title)}</text>`,
  ];
  if (options.subtitle) {
    out.push(`<text x="${width / 2}" y="38" text-anchor="middle" fill="#555">${esc(options.subtitle)}</text>`);
  }
  // Legend: every series name once, in order of first appearance.
  const legend = new Map<string, Series>();
  for (const p of panels) for (const s of p.series) if (!legend.has(s.name)) legend.set(s.name, s);
  const itemW = Math.min(220, width / Math.max(1, legend.size));
  let lx = (width - itemW * legend.size) / 2;
  for (const s of legend.values()) {
    const y = headH + 13;
    out.push(
      `<line x1="${fix(lx)}" y1="${y}" x2="${fix(lx + 26)}" y2="${y}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<circle cx="${fix(lx + 13)}" cy="${y}" r="3.5" fill="${s.color}"/>`,
      `<text x="${fix(lx + 32)}" y="${y + 4}">${esc(s.name)}</text>`,
    );
    lx += itemW;
  }

  panels.forEach((panel, i) => {
    const ox = i * panelW + margin.left;
    const oy = headH + legendH + margin.top;
    const w = panelW - margin.left - margin.right;
    const h = panelH - margin.top - margin.bottom;
    const xs = panel.series.flatMap((s) => s.points.map((p) => p[0]));
    const ys = panel.series.flatMap((s) => s.points.map((p) => p[1]));
    const xd = logDomain(xs);
    const yd = logDomain(ys);
    const sx = (x: number) => ox + (w * Math.log10(x / xd[0])) / Math.log10(xd[1] / xd[0]);
    const sy = (y: number) => oy + h - (h * Math.log10(y / yd[0])) / Math.log10(yd[1] / yd[0]);
    out.push(
      `<g>`,
      `<text x="${ox + w / 2}" y="${oy - 12}" text-anchor="middle" font-size="13" font-weight="600">${esc(panel.title)}</text>`,
    );
    out.push(`<rect x="${ox}" y="${oy}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
    for (const t of logTicks(xd)) {
      const x = fix(sx(t));
      out.push(
        `<line x1="${x}" y1="${oy}" x2="${x}" y2="${oy + h}" stroke="#e4e4e4"/>`,
        `<text x="${x}" y="${oy + h + 16}" text-anchor="middle" fill="#333">${esc(panel.formatX(t))}</text>`,
      );
    }
    for (const t of logTicks(yd)) {
      const y = fix(sy(t));
      out.push(
        `<line x1="${ox}" y1="${y}" x2="${ox + w}" y2="${y}" stroke="#e4e4e4"/>`,
        `<text x="${ox - 6}" y="${y + 4}" text-anchor="end" fill="#333">${esc(panel.formatY(t))}</text>`,
      );
    }
    out.push(
      `<text x="${ox + w / 2}" y="${oy + h + 36}" text-anchor="middle">${esc(panel.xLabel)}</text>`,
      `<text transform="translate(${ox - 62} ${oy + h / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`,
    );
    for (const s of panel.series) {
      const pts = s.points
        .filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y))
        .sort((a, b) => a[0] - b[0]);
      if (!pts.length) continue;
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2.5"${dash} points="${pts.map(([x, y]) => `${fix(sx(x))},${fix(sy(y))}`).join(' ')}"/>`,
      );
      for (const [x, y] of pts) {
        out.push(
          `<circle cx="${fix(sx(x))}" cy="${fix(sy(y))}" r="3.5" fill="${s.color}"><title>${esc(`${s.name}: ${panel.formatX(x)} rows → ${panel.formatY(y)}`)}</title></circle>`,
        );
      }
    }
    out.push(`</g>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const COLORS = { memory: '#1f77b4', fleet: '#d62728', straightforward: '#7f7f7f', tuned: '#2ca02c' };

const seconds = (s: number) => (s >= 1 ? `${+s.toPrecision(3)} s` : `${+(s * 1000).toPrecision(3)} ms`);
const megabytes = (m: number) => (m >= 1024 ? `${+(m / 1024).toPrecision(3)} GB` : `${+m.toPrecision(3)} MB`);

/** The benchmark's chart: wall time and peak RSS against rows, one line per path. */
export function benchChart(results: BenchResults): string {
  const sizes = results.sizes;
  const series = (pick: (s: (typeof sizes)[number]) => number | undefined): [number, number][] =>
    sizes.flatMap((s) => {
      const v = pick(s);
      return v === undefined ? [] : [[s.rows, v] as [number, number]];
    });
  const fleetRss = (s: (typeof sizes)[number]) => {
    const peaks = s.fleet?.processes.map((p) => p.peakRssBytes ?? 0) ?? [];
    return peaks.length ? mb(Math.max(...peaks)) : undefined;
  };
  const time: Series[] = [
    {
      name: 'memory (ocpsum run)',
      color: COLORS.memory,
      points: series((s) => s.memory && s.memory.wall.median / 1000),
    },
    {
      name: 'fleet (enqueue → output)',
      color: COLORS.fleet,
      points: series((s) => s.fleet && s.fleet.wall.median / 1000),
    },
    {
      name: 'baseline straightforward',
      color: COLORS.straightforward,
      dash: '6 4',
      points: series((s) => s.baselines.straightforward && s.baselines.straightforward.wall.median / 1000),
    },
    {
      name: 'baseline tuned',
      color: COLORS.tuned,
      dash: '6 4',
      points: series((s) => s.baselines.tuned && s.baselines.tuned.wall.median / 1000),
    },
  ];
  const rss: Series[] = [
    { ...time[0], points: series((s) => s.memory && mb(s.memory.peakRssBytes)) },
    { ...time[1], points: series(fleetRss) },
    { ...time[2], points: series((s) => s.baselines.straightforward && mb(s.baselines.straightforward.peakRssBytes)) },
    { ...time[3], points: series((s) => s.baselines.tuned && mb(s.baselines.tuned.peakRssBytes)) },
  ];
  const m = results.machine;
  return chartSvg(
    [
      {
        title: 'Wall time (median)',
        xLabel: 'pod usage rows',
        yLabel: 'seconds',
        formatX: rowsShort,
        formatY: seconds,
        series: time,
      },
      {
        title: 'Peak RSS (fleet: largest process)',
        xLabel: 'pod usage rows',
        yLabel: 'MB',
        formatX: rowsShort,
        formatY: megabytes,
        series: rss,
      },
    ],
    {
      title: 'ocpsum benchmark',
      subtitle:
        `${results.startedAt} · ${m.nproc} CPUs, Node ${m.node} · fleet ${results.options.workers} workers × ` +
        `${results.options.threads} threads · in memory ${results.options.memoryThreads} threads · ` +
        `baselines: DuckDB query, ${results.options.baselineThreads} threads`,
    },
  );
}
