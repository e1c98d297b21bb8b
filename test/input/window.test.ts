/**
 * A run over a few days of a month (--start-date/--end-date, as koku summarizes the days a new report
 * brought) reads only the files whose footers show those days, and gives the same rows for them as a
 * run over the whole month.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliOk, ocpsum } from '../helpers/cli.js';
import { readCsv } from '../helpers/csv.js';

const MONTH = ['--org', 'org1234567', '--source', '3a9c2f10-7b4d-4e21-9c55-6d0e1f2a3b4c', '--year', '2025', '--month', '10'];
const WINDOW = ['--start-date', '2025-10-03', '--end-date', '2025-10-04'];

let work: string;
const cli = (args: string[]) => cliOk(args, {});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocpsum-window-'));
  // A file per day and report type: 31 days × 4 types.
  await cli(['generate', '--out', join(work, 'data'), '--rows', '20000', ...MONTH]);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The pod rows (not the unallocated ones, whose node roles the window decides) of days `days`, as sorted lines. */
async function podRows(csv: string, days: string[]): Promise<string[]> {
  const { header, rows } = await readCsv(csv);
  const [source, start, namespace] = ['data_source', 'usage_start', 'namespace'].map((c) => header.indexOf(c));
  return rows
    .filter((r) => r[source] === 'Pod' && !r[namespace].endsWith(' unallocated') && days.some((d) => r[start].startsWith(d)))
    .map((r) => r.join(','))
    .sort();
}

test('a window of two days reads their 8 files of 124, with the rows a whole-month run gives for those days', async () => {
  const root = join(work, 'data');
  const windowed = await cli(['run', '--root', root, ...MONTH, ...WINDOW, '--out', join(work, 'window.csv')]);
  expect(windowed.stdout).toMatch(/namespace label rows from 8 of 124 files/);
  const month = await cli(['run', '--root', root, ...MONTH, '--out', join(work, 'month.csv')]);
  expect(month.stdout).toMatch(/namespace label rows from 124 of 124 files/);

  const { header, rows } = await readCsv(join(work, 'window.csv'));
  const start = header.indexOf('usage_start');
  expect(new Set(rows.map((r) => r[start].slice(0, 10)))).toEqual(new Set(['2025-10-03', '2025-10-04']));
  const days = ['2025-10-03', '2025-10-04'];
  const fromWindow = await podRows(join(work, 'window.csv'), days);
  expect(fromWindow.length).toBeGreaterThan(10);
  expect(fromWindow).toEqual(await podRows(join(work, 'month.csv'), days));
});

test('a window whose days have no pod usage rows is refused, naming the window, and nothing is written', async () => {
  const root = join(work, 'gap');
  await cp(join(work, 'data'), root, { recursive: true });
  const pods = join(root, 'data/parquet/org1234567/OCP/pod_usage/source=3a9c2f10-7b4d-4e21-9c55-6d0e1f2a3b4c/year=2025/month=10');
  for (const name of await readdir(pods)) if (/^2025-10-2[56]/.test(name)) await rm(join(pods, name));
  const out = join(work, 'gap.csv');
  const run = await ocpsum(['run', '--root', root, ...MONTH, '--start-date', '2025-10-25', '--end-date', '2025-10-26', '--out', out]);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/no pod usage rows between 2025-10-25 and 2025-10-26 at /);
  await expect(readdir(work)).resolves.not.toContain('gap.csv');
});
