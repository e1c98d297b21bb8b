import { describe, expect, test } from 'vitest';
import type { InputFile } from '@ocpsum/input';
import { planChunks, planDayGroups } from '../src/plan.js';

const file = (key: string, ...rowGroups: number[]): InputFile => ({
  key,
  etag: `etag-${key}`,
  type: 'openshift_pod_usage_line_items',
  rows: rowGroups.reduce((a, b) => a + b, 0),
  rowGroups,
  rowGroupDays: rowGroups.map(() => null),
  interval: 'timestamp',
  optional: [],
  nullLabels: [],
  usableNumbers: [],
});

/** Every row of each file, as windowRanges gives them for files without statistics. */
const whole = (...files: InputFile[]) => files.map((f) => ({ file: f, start: 0, end: f.rows }));

const rowsOf = (chunk: { start: number; end: number }[]) => chunk.reduce((n, r) => n + r.end - r.start, 0);

describe('planChunks', () => {
  test('covers every row once, in order, each range carrying its object and ETag', () => {
    const files = [file('a', 300, 300), file('b', 250), file('c', 150)];
    const chunks = planChunks(whole(...files), 400);
    const covered = chunks.flat();
    for (const f of files) {
      const ranges = covered.filter((r) => r.file.key === f.key);
      expect(ranges.every((r) => r.file === f)).toBe(true);
      // Contiguous from row 0 to the file's last row.
      expect(ranges.map((r) => r.start)).toEqual([0, ...ranges.slice(0, -1).map((r) => r.end)]);
      expect(ranges.at(-1)!.end).toBe(f.rowGroups.reduce((a, b) => a + b, 0));
    }
    expect(chunks.reduce((n, c) => n + rowsOf(c), 0)).toBe(1000);
  });

  test('cuts a file larger than 1.5 chunks into equal parts: 1,000 rows at 400 → 333, 333, 334', () => {
    expect(planChunks(whole(file('a', 1000)), 400).map(rowsOf)).toEqual([333, 333, 334]);
  });

  test('keeps a file (a day of one report) whole up to 1.5 × the chunk size, and packs small files', () => {
    // 900 rows at 250 → 4 chunks of 225: each 300-row file stays one chunk instead of being cut.
    const days = planChunks(whole(file('d1', 300), file('d2', 300), file('d3', 300)), 250);
    expect(days.map((c) => c.map((r) => [r.file.key, r.start, r.end]))).toEqual([
      [['d1', 0, 300]],
      [['d2', 0, 300]],
      [['d3', 0, 300]],
    ]);
    // Ten 50-row files at 200 → 3 chunks of a target of 167: each ends where its files pass a multiple
    // of it, never a file cut in two, and no fourth chunk of what is left over.
    const small = planChunks(whole(...Array.from({ length: 10 }, (_, i) => file(`h${i}`, 50))), 200);
    expect(small.map(rowsOf)).toEqual([150, 200, 150]);
    expect(small.flat().every((r) => r.start === 0 && r.end === 50)).toBe(true);
  });

  test('rounds the number of chunks up to a multiple of the workers, so they finish together', () => {
    // 5 chunks of 250 on 2 workers would leave one worker a third round alone: 6 chunks instead.
    expect(planChunks(whole(file('a', 1250)), 250, 2).map(rowsOf)).toEqual([208, 208, 209, 208, 208, 209]);
    // Fewer chunks than workers: cut smaller, so that each worker has one, down to a quarter of the size.
    expect(planChunks(whole(file('a', 500)), 250, 3).map(rowsOf)).toEqual([166, 167, 167]);
    expect(planChunks(whole(file('a', 500)), 250, 16).map(rowsOf)).toEqual([62, 63, 62, 63, 62, 63, 62, 63]);
    expect(planChunks(whole(file('a', 100)), 250, 2).map(rowsOf)).toEqual([100]);
  });

  test('plans as many chunks as the size asks for, however the files divide it', () => {
    // 31 days of 37 rows (1,147) at 1,000 on 2 workers: 2 chunks, one a worker, not a third of the rest.
    const days = whole(...Array.from({ length: 31 }, (_, i) => file(`d${i}`, 37)));
    expect(planChunks(days, 1000, 2).map(rowsOf)).toEqual([592, 555]);
  });

  test('cuts a range of a file (the row groups a window reads) from its own first row', () => {
    const range = { file: file('a', 100, 100, 100, 100), start: 200, end: 400 };
    expect(planChunks([range], 100).map((c) => c.map((r) => [r.start, r.end]))).toEqual([[[200, 300]], [[300, 400]]]);
  });

  test('refuses a chunk size that is not a positive whole number', () => {
    expect(() => planChunks(whole(file('a', 10)), 0)).toThrow(/positive whole number, got 0/);
    expect(() => planChunks(whole(file('a', 10)), 2.5)).toThrow(/positive whole number, got 2.5/);
  });
});

describe('planDayGroups', () => {
  const chunks = [
    { chunk: 0, days: ['2025-10-01', '2025-10-02'], partialBytes: 200 },
    { chunk: 1, days: ['2025-10-02', '2025-10-03'], partialBytes: 100 },
    { chunk: 2, days: ['2025-10-04'], partialBytes: 400 },
  ];

  test('consecutive days of about the size asked, every (chunk, day) partial in exactly one group', () => {
    // Per day: 01 = 100, 02 = 100 + 50, 03 = 50, 04 = 400 bytes.
    const groups = planDayGroups(chunks, 200);
    expect(groups).toEqual([
      { days: ['2025-10-01', '2025-10-02'], partials: [[0, '2025-10-01'], [0, '2025-10-02'], [1, '2025-10-02']] },
      { days: ['2025-10-03', '2025-10-04'], partials: [[1, '2025-10-03'], [2, '2025-10-04']] },
    ]);
  });

  test('one day each when the size is smaller than any day; all days in one when larger than the run', () => {
    expect(planDayGroups(chunks, 1).map((g) => g.days)).toEqual([
      ['2025-10-01'],
      ['2025-10-02'],
      ['2025-10-03'],
      ['2025-10-04'],
    ]);
    expect(planDayGroups(chunks, 10_000).map((g) => g.days)).toEqual([
      ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04'],
    ]);
  });
});
