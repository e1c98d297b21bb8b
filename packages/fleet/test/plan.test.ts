import { describe, expect, test } from 'vitest';
import { planChunks, type PlannedFile } from '../src/plan.js';

const file = (key: string, ...rowGroups: number[]): PlannedFile => ({
  key,
  etag: `etag-${key}`,
  type: 'openshift_pod_usage_line_items',
  rowGroups,
});

const rowsOf = (chunk: { start: number; end: number }[]) => chunk.reduce((n, r) => n + r.end - r.start, 0);

describe('planChunks', () => {
  test('covers every row once, in order, each range carrying its object and ETag', () => {
    const files = [file('a', 300, 300), file('b', 250), file('c', 150)];
    const chunks = planChunks(files, 400);
    const covered = chunks.flat();
    for (const f of files) {
      const ranges = covered.filter((r) => r.key === f.key);
      expect(ranges.every((r) => r.etag === f.etag && r.type === f.type)).toBe(true);
      // Contiguous from row 0 to the file's last row.
      expect(ranges.map((r) => r.start)).toEqual([0, ...ranges.slice(0, -1).map((r) => r.end)]);
      expect(ranges.at(-1)!.end).toBe(f.rowGroups.reduce((a, b) => a + b, 0));
    }
    expect(chunks.reduce((n, c) => n + rowsOf(c), 0)).toBe(1000);
  });

  test('cuts equal chunks no bigger than asked: 1,000 rows at 400 → 3 chunks of 334, 334, 332', () => {
    expect(planChunks([file('a', 1000)], 400).map(rowsOf)).toEqual([334, 334, 332]);
  });

  test('rounds the number of chunks up to a multiple of the workers, so they finish together', () => {
    // 5 chunks of 250 on 2 workers would leave one worker a third round alone: 6 chunks instead.
    expect(planChunks([file('a', 1250)], 250, 2).map(rowsOf)).toEqual([209, 209, 209, 209, 209, 205]);
    // Fewer chunks than workers stay as they are: no chunk is cut below half its size.
    expect(planChunks([file('a', 500)], 250, 8).map(rowsOf)).toEqual([250, 250]);
  });

  test('refuses a chunk size that is not a positive whole number', () => {
    expect(() => planChunks([file('a', 10)], 0)).toThrow(/positive whole number, got 0/);
    expect(() => planChunks([file('a', 10)], 2.5)).toThrow(/positive whole number, got 2.5/);
  });
});
