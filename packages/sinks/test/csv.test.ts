/**
 * The CSV that DuckDB writes from the summary table is the CSV ocpsum wrote before (its JavaScript
 * encoder, legacy-csv.ts): koku's header, NULL as an empty cell, an empty string as `""`, RFC 4180
 * quoting, dates as YYYY-MM-DD, rows in compareRows' order. Only the spelling of numbers differs
 * (`3.0` for `3`, `1e-07` for `1e-7`): each still reads back to the very same double.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runSpec, SUMMARY_COLUMNS, summaryColumns, type SummaryRow } from '@ocpsum/core';
import { compareRows, summaryTable, withSummaryTable } from '../../../test/helpers/summary-table.js';
import { writeOutputs } from '../src/index.js';
import { csvBatches } from './legacy-csv.js';
import { awkwardRows, double, row, rows as rowsArb, SOURCE } from './rows.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ocpsum-csv-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const spec = (byPod = false) => runSpec({ org: 'org1', source: SOURCE, year: 2025, month: 10, byPod });
let written = 0;

/** The CSV sink's output for these rows, as text. */
async function csvOf(rows: readonly SummaryRow[], byPod = false): Promise<string> {
  const path = join(folder, `summary-${++written}.csv`);
  await withSummaryTable(rows, (source) => writeOutputs([path], source, spec(byPod)));
  const text = await readFile(path, 'utf8');
  await rm(path);
  return text;
}

/** Today's encoder on the same rows, sorted as the finalize hands them over. */
function legacyCsvOf(rows: readonly SummaryRow[], byPod = false): string {
  return [...csvBatches([...rows].sort(compareRows), summaryColumns(byPod), { header: true })].join('');
}

/** The cells of a CSV text as written (quotes kept), per line. */
function rawCells(text: string): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    if (text[i] === '"') {
      i++;
      for (;;) {
        i = text.indexOf('"', i) + 1;
        if (text[i] === '"') i++;
        else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') i++;
    }
    line.push(text.slice(start, i));
    if (text[i] === ',') i++;
    else {
      lines.push(line);
      line = [];
      i++;
    }
  }
  return lines;
}

/** The same CSV but for how numbers are spelled: each number cell must read back to the same double. */
function expectSameCsvText(actual: string, expected: string): void {
  const a = rawCells(actual);
  const e = rawCells(expected);
  expect(a[0]).toEqual(e[0]);
  expect(a.length, 'lines').toBe(e.length);
  const isNumber = e[0].map((c) => SUMMARY_COLUMNS[c as keyof SummaryRow] === 'number');
  for (let r = 1; r < e.length; r++) {
    expect(a[r].length, `cells of line ${r + 1}`).toBe(e[r].length);
    for (let c = 0; c < e[r].length; c++) {
      const [x, y] = [a[r][c], e[r][c]];
      if (isNumber[c] && x !== '' && y !== '') {
        // -0 is written `-0.0` (the JavaScript encoder wrote `0`): both read as zero.
        expect(Number(x) === Number(y), `line ${r + 1} ${e[0][c]}: ${x} vs ${y}`).toBe(true);
      } else expect(x, `line ${r + 1} ${e[0][c]}`).toBe(y);
    }
  }
}

test('rows with NULLs, empty strings, quotes, commas, line breaks and JSON: the same CSV as before', async () => {
  const rows = [...awkwardRows(), row({ namespace: 'NULL', pod_limit_cpu_core_hours: null, all_labels: '' })];
  const csv = await csvOf([...rows].reverse());
  expectSameCsvText(csv, legacyCsvOf(rows));
  expect(csv.split('\n')[0]).toBe(summaryColumns(false).join(','));
  // NULL and the empty string stay apart.
  expect(csv).toContain(',"",');
  expect(csv).toMatch(/^41,cluster-1,Cluster One,Pod,2025-10-01,2025-10-01,ns-1,node-1,i-1,"{""app"":""web""}",0\.5,/m);
});

test('any rows, in any order: the same CSV as before, in compareRows order (SUMMARY_ORDER_BY)', async () => {
  await fc.assert(
    fc.asyncProperty(rowsArb, fc.boolean(), async (rows, byPod) => {
      expectSameCsvText(await csvOf(rows, byPod), legacyCsvOf(rows, byPod));
    }),
    { numRuns: 40 },
  );
});

test('every double reads back from the CSV as the same double', async () => {
  const values = fc.sample(double, 3000);
  const rows = values.map((v, i) =>
    row({ namespace: `ns-${String(i).padStart(5, '0')}`, pod_usage_cpu_core_hours: v }),
  );
  const lines = rawCells(await csvOf(rows));
  const column = lines[0].indexOf('pod_usage_cpu_core_hours');
  const read = lines.slice(1).map((l) => Number(l[column]));
  expect(read).toEqual(values); // -0 too
});

test('the same rows give the same bytes whatever their order in the table; by pod adds the pod column', async () => {
  const rows = ['2025-10-02', '2025-10-01'].flatMap((day) =>
    ['ns-b', null, 'ns-a', ''].flatMap((namespace) =>
      ['n2', 'n1', null].map((node, i) =>
        row({ usage_start: day, usage_end: day, namespace, node, pod_usage_cpu_core_hours: i / 7 }),
      ),
    ),
  );
  const shuffled = [...rows.slice(3), ...rows.slice(0, 3).reverse()];
  expect(await csvOf(shuffled)).toBe(await csvOf(rows));
  const byPod = await csvOf(rows, true);
  expect(byPod.split('\n')[0]).toBe(summaryColumns(true).join(','));
  expect(byPod.split('\n')[0]).toContain(',resource_id,pod,pod_labels,');
});

test('an empty summary is the header alone', async () => {
  expect(await csvOf([])).toBe(summaryColumns(false).join(',') + '\n');
});

test('a table that is not the summary is refused, naming the column', async () => {
  const table = await summaryTable([row()]);
  try {
    await table.source.db.run('CREATE TABLE wrong AS SELECT * EXCLUDE (pod) FROM summary');
    await expect(
      writeOutputs([join(folder, 'wrong.csv')], { db: table.source.db, table: 'wrong' }, spec()),
    ).rejects.toThrow(/summary table wrong: column 10 is pod_labels VARCHAR, expected pod VARCHAR/);
    await table.source.db.run(
      'CREATE TABLE typed AS SELECT * REPLACE (CAST(report_period_id AS BIGINT) AS report_period_id) FROM summary',
    );
    await expect(
      writeOutputs([join(folder, 'typed.csv')], { db: table.source.db, table: 'typed' }, spec()),
    ).rejects.toThrow(/column 1 is report_period_id BIGINT, expected report_period_id INTEGER/);
  } finally {
    table.close();
  }
});

