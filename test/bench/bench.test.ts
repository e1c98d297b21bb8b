/**
 * The benchmark's own logic, without timing anything: the DuckDB baseline queries give ocpsum's pod rows
 * on a small generated dataset, and the table, targets and chart come out right from fixed figures.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpec } from '@ocpsum/core';
import { generateSynthetic } from '@ocpsum/generate';
import { summarize } from '@ocpsum/kernel';
import { writeOutputs } from '@ocpsum/sinks';
import { LocalStore } from '@ocpsum/storage';
import { runBaseline } from '../../apps/bench/src/baseline.js';
import { DATASET, ENABLED_KEYS } from '../../apps/bench/src/data.js';
import { markdownTable, tableRows, textTable, HEADER } from '../../apps/bench/src/report.js';
import type { BenchResults, SizeResult } from '../../apps/bench/src/results.js';
import { parseSize, sizeLabel, spread } from '../../apps/bench/src/stats.js';
import { benchChart, logDomain, logTicks } from '../../apps/bench/src/svg.js';
import { evaluateTargets } from '../../apps/bench/src/targets.js';

describe('baseline SQL', () => {
  let dir: string;
  let csv: string;
  let podRows: number;
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpsum-bench-test-'));
    const root = join(dir, 'data-root');
    await generateSynthetic({ outDir: root, id: DATASET, rows: 6000, seed: 5 });
    const spec = runSpec({ ...DATASET, reference: { enabledKeys: ENABLED_KEYS, costCategories: [], nodeRoles: [] } });
    const store = new LocalStore(root);
    try {
      const summary = await summarize({ store, spec, threads: 2 });
      try {
        podRows = summary.counts.pod;
        csv = join(dir, 'summary.csv');
        await writeOutputs([csv], summary, spec);
      } finally {
        summary.close();
      }
    } finally {
      await store.close();
    }
    files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.parquet')).map((f) => join(root, f));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const variant of ['straightforward', 'tuned'] as const) {
    it(`${variant}: the same pod rows as ocpsum, numbers within 1e-9`, async () => {
      const of = (type: string) => files.filter((f) => f.split(/[\\/]/).includes(type));
      const result = await runBaseline({
        variant,
        threads: 2,
        checkCsv: csv,
        input: {
          podFiles: of('pod_usage'),
          nodeLabelFiles: of('node_labels'),
          namespaceLabelFiles: of('namespace_labels'),
          enabledKeys: ENABLED_KEYS,
          year: DATASET.year,
          month: DATASET.month,
        },
      });
      expect(podRows).toBeGreaterThan(100);
      expect(result.rows).toBe(podRows);
      expect(result.check).toEqual({
        ocpsumRows: podRows,
        matched: podRows,
        differ: 0,
        onlyBaseline: 0,
        onlyOcpsum: 0,
      });
    });
  }
});

/** Fixed figures for one size: the 1M targets (memory ≤ 1.5× the tuned query, workers ≤ 400 MB). */
function size1m(): SizeResult {
  const MB = 2 ** 20;
  const size: SizeResult = {
    label: '1m',
    rows: 1_000_000,
    repeat: 3,
    data: { dir: '/data/1m', files: 124, bytes: 28 * MB, generatedMs: 4100, reused: true },
    memory: {
      runs: [],
      wall: spread([1400, 1200, 1700]),
      peakRssBytes: 420 * MB,
      podRows: 41_667,
    },
    fleet: {
      processes: [
        { role: 'worker', name: 'worker-1', pid: 1, startupMs: 900, peakRssBytes: 350 * MB },
        { role: 'worker', name: 'worker-2', pid: 2, startupMs: 950, peakRssBytes: 410 * MB },
        { role: 'reducer', name: 'reducer', pid: 3, startupMs: 800, peakRssBytes: 300 * MB },
      ],
      runs: [],
      wall: spread([3500, 3100, 3300]),
      cliWall: spread([4000]),
      redisPeakBytes: 12 * MB,
      partialBytes: 6.4 * MB,
      podRows: 41_667,
    },
    baselines: { tuned: { runs: [], wall: spread([1000]), peakRssBytes: 540 * MB, rows: 41_667 } },
    targets: [],
    errors: [],
  };
  size.targets = evaluateTargets(size);
  return size;
}

describe('figures', () => {
  it('parses and labels sizes, takes medians', () => {
    expect(['22k', '1m', '10M', '250000', '2.5m'].map(parseSize)).toEqual([22_000, 1e6, 1e7, 250_000, 2.5e6]);
    expect([22_000, 1e6, 1e7, 1234].map(sizeLabel)).toEqual(['22k', '1m', '10m', '1234']);
    expect(() => parseSize('ten')).toThrow(/not a row count/);
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 2, 3]).median).toBe(2.5);
  });

  it('holds each figure to its target', () => {
    const targets = size1m().targets.map((t) => [t.path, t.what, t.ok]);
    expect(targets).toEqual([
      ['memory', 'wall ÷ tuned baseline', true],
      ['fleet', 'worker-1 RSS', true],
      ['fleet', 'worker-2 RSS', false],
      // The reducer commits: 300 MB misses its 200 MB.
      ['fleet', 'reducer RSS', false],
    ]);
    // 1.7 s against the tuned query's 1.0 s misses 1.5×.
    const slower = { ...size1m(), memory: { ...size1m().memory!, wall: spread([1700]) } };
    expect(evaluateTargets(slower)[0]).toMatchObject({ what: 'wall ÷ tuned baseline', value: 1.7, ok: false });
    expect(evaluateTargets({ ...size1m(), rows: 300_000 })).toEqual([]);
  });

  it('prints the table in text and Markdown, marks next to the figures', () => {
    const rows = tableRows([size1m()]);
    expect(rows.map((r) => r[1])).toEqual(['memory', 'fleet (0 chunks)', 'baseline tuned']);
    expect(rows[0][2]).toBe('1.40 s (1.20 s–1.70 s) 1.4× ✓ ≤ 1.5×');
    expect(rows[1][2]).toBe('3.30 s (3.10 s–3.50 s)');
    expect(rows[1][4]).toContain('worker-2 410 MB ✗ ≤ 400 MB');
    expect(rows[0][3]).toBe('714K');
    const text = textTable(HEADER, rows).split('\n');
    expect(text).toHaveLength(2 + rows.length);
    // Every line's column separators line up.
    const bars = (line: string) => [...line].flatMap((c, i) => (c === '|' ? [i] : []));
    for (const line of text.slice(2)) expect(bars(line)).toEqual(bars(text[0]));
    const md = markdownTable(HEADER, rows).split('\n');
    expect(md[0]).toBe(`| ${HEADER.join(' | ')} |`);
    expect(md).toHaveLength(2 + rows.length);
  });

  it('draws both panels on log axes, one line per path', () => {
    expect(logTicks([1e4, 1e7])).toEqual([1e4, 1e5, 1e6, 1e7]);
    expect(logTicks([1e4, 1e6])).toEqual([1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6]);
    expect(logTicks([0.1, 10])).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10]);
    expect(logDomain([22_000, 1e6])).toEqual([1e4, 1e6]);
    expect(logDomain([300, 400])).toEqual([100, 1000]);
    const small = { ...size1m(), label: '22k', rows: 22_000 };
    const results: BenchResults = {
      startedAt: '2025-01-01T00:00:00.000Z',
      options: {
        sizes: ['22k', '1m'],
        workers: 2,
        threads: 4,
        memoryThreads: 2,
        baselineThreads: 2,
        repeat: 3,
        chunkRows: 250_000,
        seed: 1,
      },
      machine: {
        nproc: 2,
        cpuModel: 'test',
        memoryBytes: 2 ** 34,
        node: 'v20',
        platform: 'linux',
        kernel: '6',
        loadAverageAtStart: [0, 0, 0],
        duckdb: 'v1',
      },
      notes: [],
      sizes: [small, size1m()],
    };
    const svg = benchChart(results);
    expect(svg.startsWith('<svg')).toBe(true);
    // memory, fleet and tuned have figures in both panels; the straightforward baseline has none here.
    expect(svg.match(/<polyline/g)).toHaveLength(6);
    expect(svg).toContain('Wall time (median)');
    expect(svg).toContain('Peak RSS');
    for (const [, x, y] of svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)" r="3.5" fill="[^"]+"><title>/g)) {
      expect(Number(x)).toBeGreaterThan(0);
      expect(Number(x)).toBeLessThan(940);
      expect(Number(y)).toBeGreaterThan(0);
      expect(Number(y)).toBeLessThan(420);
    }
  });
});
