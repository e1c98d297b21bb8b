import type { BenchResults, SizeResult, TargetResult } from './results.js';
import { mb, rowsShort, type Spread } from './stats.js';
import { targetMark } from './targets.js';

export const HEADER = [
  'rows',
  'path',
  'wall median (min–max)',
  'rows/s',
  'peak RSS per process',
  'Redis peak',
  'partial bytes',
];

export const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const mbText = (bytes: number) => `${mb(bytes).toFixed(0)} MB`;

function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${mb(bytes).toFixed(1)} MB`;
}

function wallText(wall: Spread): string {
  return wall.n > 1 ? `${secs(wall.median)} (${secs(wall.min)}–${secs(wall.max)})` : `${secs(wall.median)} (1 run)`;
}

function rate(rows: number, ms: number): string {
  const perS = rows / (ms / 1000);
  if (perS >= 1e6) return `${(perS / 1e6).toFixed(2)}M`;
  if (perS >= 1e3) return `${(perS / 1e3).toFixed(0)}K`;
  return perS.toFixed(0);
}

/** The figure, then the marks of the targets that hold it: `1.92 s (…) ✗ ≤ 0.8 s`. */
function withTargets(text: string, targets: TargetResult[]): string {
  return [text, ...targets.map(targetMark)].join(' ');
}

/** The table's cells: one row per size and path. */
export function tableRows(sizes: SizeResult[]): string[][] {
  const rows: string[][] = [];
  for (const size of sizes) {
    const label = rowsShort(size.rows);
    const targets = (path: TargetResult['path'], pred: (t: TargetResult) => boolean) =>
      size.targets.filter((t) => t.path === path && pred(t));
    if (size.memory) {
      const m = size.memory;
      rows.push([
        label,
        'memory',
        withTargets(
          wallText(m.wall),
          targets('memory', (t) => t.unit === '×'),
        ),
        rate(size.rows, m.wall.median),
        withTargets(
          mbText(m.peakRssBytes),
          targets('memory', (t) => t.unit === 'MB'),
        ),
        '–',
        '–',
      ]);
    }
    if (size.fleet) {
      const f = size.fleet;
      const chunks = f.runs[0]?.chunks ?? 0;
      const mode =
        f.runs[0]?.mode === 'whole' ? 'fleet (routed to whole)' : `fleet (${chunks} chunk${chunks === 1 ? '' : 's'})`;
      const rss = f.processes
        .map((p) =>
          withTargets(
            `${p.name} ${p.peakRssBytes === undefined ? '?' : mbText(p.peakRssBytes)}`,
            targets('fleet', (t) => t.what === `${p.name} RSS`),
          ),
        )
        .join(', ');
      rows.push([
        label,
        mode,
        withTargets(
          wallText(f.wall),
          targets('fleet', (t) => t.unit !== 'MB'),
        ),
        rate(size.rows, f.wall.median),
        rss,
        bytesText(f.redisPeakBytes),
        f.partialBytes ? bytesText(f.partialBytes) : '– (whole)',
      ]);
    }
    for (const variant of ['straightforward', 'tuned'] as const) {
      const b = size.baselines[variant];
      if (!b) continue;
      rows.push([
        label,
        `baseline ${variant}`,
        wallText(b.wall),
        rate(size.rows, b.wall.median),
        mbText(b.peakRssBytes),
        '–',
        '–',
      ]);
    }
    for (const error of size.errors) rows.push([label, 'error', error.split('\n')[0].slice(0, 120), '', '', '', '']);
  }
  return rows;
}

/** Plain text, columns padded. */
export function textTable(header: string[], rows: string[][]): string {
  const width = (s: string) => [...s].length;
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell + ' '.repeat(widths[c] - width(cell)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** What the table leaves out, one line each: data, start-up, profile, checks. */
export function detailLines(size: SizeResult): string[] {
  const label = rowsShort(size.rows);
  const lines: string[] = [];
  const d = size.data;
  lines.push(
    `${label}: data ${d.files} files, ${bytesText(d.bytes)}, ${d.reused ? 'reused (generated earlier in' : 'generated in'} ` +
      `${secs(d.generatedMs)}${d.reused ? ')' : ''}${d.uploadMs === undefined ? '' : `; upload to s3rver ${secs(d.uploadMs)}`}` +
      (size.repeat > 1 ? '' : '; 1 repeat'),
  );
  if (size.memory) {
    const p = size.memory.runs[0]?.profile;
    if (p) {
      lines.push(
        `${label}: memory profile (run 1): command ${secs(size.memory.runs[0].wallMs)} = Node/CLI start-up ` +
          `${secs(Math.max(0, size.memory.runs[0].wallMs - p.took))} + discover ${secs(p.discover)}, kernel ${secs(p.kernel)}, ` +
          `finalize ${secs(p.finalize)}, sink ${secs(p.sink)}`,
      );
    }
  }
  if (size.fleet) {
    const f = size.fleet;
    lines.push(
      `${label}: fleet start-up (spawn → ready): ${f.processes.map((p) => `${p.name} ${secs(p.startupMs)}`).join(', ')}`,
    );
    const run = f.runs[0];
    if (run) {
      const phases = Object.entries(run.report.phases)
        .map(([k, v]) => `${k} ${secs(v)}`)
        .join(', ');
      lines.push(
        `${label}: fleet profile (run 1): enqueue → output ${secs(run.recordMs)}; phases (summed over chunks and days) ${phases}; ` +
          `enqueue command ${wallText(f.cliWall)}, of which ${secs(run.cliMs - run.recordMs)} before the run record ` +
          `(Node start-up, list, footers, planning) and after its end (polling)`,
      );
      if (run.report.days.length) {
        const days = run.report.days;
        const each = (of: (d: (typeof days)[number]) => number) =>
          `${secs(Math.min(...days.map(of)))}–${secs(Math.max(...days.map(of)))}`;
        lines.push(
          `${label}: fleet after the last chunk ${secs(run.afterChunksMs)} (${((run.afterChunksMs / run.recordMs) * 100).toFixed(0)}% of the run): ` +
            `${days.length} day reduces on ${new Set(days.map((d) => d.worker)).size} worker(s), per day fetch ${each((d) => d.fetchMs)}, ` +
            `merge ${each((d) => d.mergeMs)}, finalize ${each((d) => d.finalizeMs)}, stage ${each((d) => d.stageMs)}; ` +
            `then the commit ${secs(run.report.phases.commit ?? NaN)}`,
        );
      }
      if (run.report.chunks.length) {
        const kernel = run.report.chunks.map((c) => c.kernelMs);
        const fetch = run.report.chunks.map((c) => c.fetchMs);
        lines.push(
          `${label}: fleet chunks: ${run.report.chunks.length} × ~${rowsShort(run.report.chunks[0].rows)} rows; ` +
            `per chunk fetch ${secs(Math.min(...fetch))}–${secs(Math.max(...fetch))}, kernel ${secs(Math.min(...kernel))}–${secs(Math.max(...kernel))}; ` +
            `workers ${[...new Set(run.report.chunks.map((c) => c.worker))].length}`,
        );
      }
    }
  }
  const checks: string[] = [];
  for (const variant of ['straightforward', 'tuned'] as const) {
    const c = size.baselines[variant]?.check;
    if (!c) continue;
    checks.push(
      c.passed
        ? `${variant} ✓ ${c.matched.toLocaleString('en-US')} pod rows equal`
        : `${variant} ✗ ${c.matched} equal, ${c.differ} differ, ${c.onlyBaseline} only in baseline, ${c.onlyOcpsum} only in ocpsum`,
    );
  }
  const podRows = [
    size.memory && `memory ${size.memory.podRows.toLocaleString('en-US')}`,
    size.fleet && `fleet ${size.fleet.podRows.toLocaleString('en-US')}`,
  ].filter(Boolean);
  if (checks.length || podRows.length) {
    lines.push(`${label}: pod rows ${podRows.join(', ')}; baseline vs ocpsum: ${checks.join('; ') || 'not checked'}`);
  }
  return lines;
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return (
    `${m.nproc} CPUs (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GB, Node ${m.node}, ${m.redis ?? 'redis ?'}, ` +
    `DuckDB ${m.duckdb}; load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}; ` +
    `fleet ${results.options.workers} workers × ${results.options.threads} threads, chunks of ${results.options.chunkRows.toLocaleString('en-US')} rows; ` +
    `in memory ${results.options.memoryThreads} threads; baselines ${results.options.baselineThreads} threads`
  );
}

export function textReport(results: BenchResults): string {
  const lines = [textTable(HEADER, tableRows(results.sizes)), ''];
  for (const size of results.sizes) lines.push(...detailLines(size));
  lines.push('', machineLine(results), ...results.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

export function markdownReport(results: BenchResults): string {
  const lines = [
    `Benchmark of ${results.startedAt} (\`npm run bench -- --sizes ${results.options.sizes.join(',')}\`).`,
    '',
    markdownTable(HEADER, tableRows(results.sizes)),
    '',
    ...results.sizes.flatMap(detailLines).map((l) => `- ${l}`),
    '',
    `Machine: ${machineLine(results)}.`,
    ...(results.notes.length ? ['', ...results.notes.map((n) => `- ${n}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
