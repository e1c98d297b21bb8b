/**
 * The PostgreSQL sink fed from the summary table (DuckDB writes the rows as CSV, a fresh uuid each,
 * streamed into COPY FROM STDIN): text that CSV makes hard — empty strings beside NULLs, quotes,
 * commas, line breaks, JSON — lands in the table as the CSV output holds it; a second write
 * replaces the source's rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runSpec } from '@ocpsum/core';
import { startPostgres, type PostgresServer } from '@ocpsum/services';
import { writeOutputs } from '@ocpsum/sinks';
import { awkwardRows, row, SOURCE } from '../../packages/sinks/test/rows.js';
import { readCsv } from '../helpers/csv.js';
import { withSummaryTable } from '../helpers/summary-table.js';
import { expectSameTable } from '../helpers/tables.js';
import { pgTable, SUMMARY, withoutCsi } from './rows.js';
import { pgUrl } from './setup.js';

let server: PostgresServer;
let client: pg.Client;
let work: string;

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  work = await mkdtemp(join(tmpdir(), 'ocpsum-pg-rows-'));
}, 300_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const spec = runSpec({ org: 'org1', source: SOURCE, year: 2025, month: 10 });

const rows = [
  ...awkwardRows(),
  row({ namespace: 'NULL', pod_limit_cpu_core_hours: null, pod_request_cpu_core_hours: -0, all_labels: '{}' }),
];

test('awkward text and numbers reach koku’s table as the CSV holds them, one uuid per row; a rewrite replaces them', async () => {
  const csv = join(work, 'summary.csv');
  const target = pgUrl(server.port, 'org_rows');
  const times = await withSummaryTable(rows, (source) => writeOutputs([target, csv], source, spec));
  // In the order the targets were given (PostgreSQL commits last, whatever its place).
  expect(times.map((t) => t.detail ?? '')).toEqual([expect.stringMatching(/^replaced 0 rows with 7\b/), '']);

  const expected = withoutCsi(await readCsv(csv));
  expectSameTable(await pgTable(client, 'org_rows', expected.header), expected);
  const { rows: stored } = await client.query<{ namespace: string | null; uuids: string; alias: string }>(
    `SELECT namespace, count(DISTINCT uuid) AS uuids, min(cluster_alias) AS alias FROM org_rows.${SUMMARY}
     WHERE namespace IN ('', 'NULL', E'line\\nbreak') GROUP BY namespace ORDER BY namespace`,
  );
  expect(stored).toEqual([
    { namespace: '', uuids: '1', alias: 'Cluster One' },
    { namespace: 'NULL', uuids: '1', alias: 'Cluster One' },
    { namespace: 'line\nbreak', uuids: '1', alias: 'a "quoted", alias' },
  ]);
  const { rows: all } = await client.query(
    `SELECT count(*) AS n, count(DISTINCT uuid) AS uuids, count(*) FILTER (WHERE node IS NULL) AS null_node,
       count(*) FILTER (WHERE persistentvolume = '') AS empty_pv, count(*) FILTER (WHERE persistentvolume IS NULL) AS null_pv
     FROM org_rows.${SUMMARY}`,
  );
  expect(all).toEqual([{ n: '7', uuids: '7', null_node: '1', empty_pv: '1', null_pv: '6' }]);

  const again = await withSummaryTable(rows.slice(0, 2), (source) => writeOutputs([target], source, spec));
  expect(again[0].detail).toMatch(/^replaced 7 rows with 2\b/);
});
