import { describe, expect, test } from 'vitest';
import { runSpec } from '@ocpsum/core';
import { storageFiles, windowRanges, type InputFile } from '../src/index.js';

type Days = [string, string] | null;

/** A pod usage file of 100-row groups whose statistics show `days` (null: none). */
const file = (key: string, ...days: Days[]): InputFile => ({
  key,
  etag: `etag-${key}`,
  type: key.startsWith('storage') ? 'openshift_storage_usage_line_items' : 'openshift_pod_usage_line_items',
  rows: days.length * 100,
  rowGroups: days.map(() => 100),
  rowGroupDays: days,
  interval: 'timestamp',
  optional: [],
  nullLabels: [],
  usableNumbers: [],
});

const spec = (startDate: string, endDate: string) =>
  runSpec({ org: 'org1', source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c', year: 2025, month: 10, startDate, endDate });

const read = (files: InputFile[], window: ReturnType<typeof spec>) =>
  windowRanges(files, window).map((r) => [r.file.key, r.start, r.end]);

describe('windowRanges', () => {
  test('reads the row groups whose days meet the window, adjacent ones as one range', () => {
    const month = file('month', ['2025-10-01', '2025-10-01'], ['2025-10-01', '2025-10-02'], ['2025-10-02', '2025-10-03'], ['2025-10-04', '2025-10-04']);
    expect(read([month], spec('2025-10-02', '2025-10-02'))).toEqual([['month', 100, 300]]);
    expect(read([month], spec('2025-10-04', '2025-10-31'))).toEqual([['month', 300, 400]]);
  });

  test('leaves out whole files of other days, and keeps every row of the whole month', () => {
    const days = ['01', '02', '03'].map((d) => file(`day-${d}`, [`2025-10-${d}`, `2025-10-${d}`]));
    expect(read(days, spec('2025-10-03', '2025-10-03'))).toEqual([['day-03', 0, 100]]);
    expect(read(days, spec('2025-10-01', '2025-10-31'))).toEqual([
      ['day-01', 0, 100],
      ['day-02', 0, 100],
      ['day-03', 0, 100],
    ]);
  });

  test('orders ranges by day, then as listed, so consecutive ranges are the same days of every report', () => {
    const [pods, storage] = ['pods', 'storage'].map((kind) =>
      ['01', '02'].map((d) => file(`${kind}-${d}`, [`2025-10-${d}`, `2025-10-${d}`])),
    );
    const unknown = file('unknown', null);
    expect(read([...pods, ...storage, unknown], spec('2025-10-01', '2025-10-31')).map(([key]) => key)).toEqual([
      'unknown',
      'pods-01',
      'storage-01',
      'pods-02',
      'storage-02',
    ]);
  });

  test('reads a group its statistics say nothing of, and one reaching outside the month, for the input checks', () => {
    const f = file('f', null, ['2025-09-29', '2025-09-29'], ['2025-09-30', '2025-09-30'], ['2025-11-01', '2025-11-02']);
    // Sept 30 and Nov 1 are the neighbouring days the checks allow (rows outside the window): left out.
    // Sept 29 and Nov 2 are refused by the checks, so those groups are read.
    expect(read([f], spec('2025-10-05', '2025-10-06'))).toEqual([
      ['f', 0, 200],
      ['f', 300, 400],
    ]);
  });

  test('storageFiles: the storage files of the window, each once, for the pods-with-volumes join', () => {
    const storage = ['01', '02', '03'].map((d) => file(`storage-${d}`, [`2025-10-${d}`, `2025-10-${d}`], [`2025-10-${d}`, `2025-10-${d}`]));
    const pods = file('pods-02', ['2025-10-02', '2025-10-02']);
    const ranges = windowRanges([pods, ...storage], spec('2025-10-02', '2025-10-03'));
    expect(storageFiles(ranges).map((f) => f.key)).toEqual(['storage-02', 'storage-03']);
  });
});
