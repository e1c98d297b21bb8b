/**
 * Test-only: the SQL merge and finalize checked against the JavaScript ones, the oracle while it
 * exists. Partials (from today's kernel) are written into partial tables — some kept as schemas, some
 * copied out to Parquet files as the fleet will ship them — merged by `mergePartials` (SQL), finalized
 * by `finalizeSummary`, and their rows compared with core's `finalize(mergePartials(...))`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import {
  finalize,
  mergePartials as mergeInJs,
  runSpec,
  sqlString,
  type PartialAggregate,
  type RowCounts,
  type RunSpec,
  type SummaryCounts,
  type SummaryRow,
} from '@ocpsum/core';
import { findInput } from '@ocpsum/input';
import {
  PARTIAL_TABLE_NAMES,
  finalizeSummary,
  mergePartials,
  openEngine,
  readSummaryRows,
  runKernel,
  type Engine,
  type PartialSource,
  type PartialTableName,
} from '@ocpsum/kernel';
import { LocalStore, localFiles } from '@ocpsum/storage';
import type { Dataset } from './parquet.js';
import { writePartialTables } from './partial-tables.js';
import { expectSameRows } from './rows.js';
import type { SummarizeOptions } from './summarize.js';

let counter = 0;
const fresh = (prefix: string) => `${prefix}_${process.pid}_${++counter}`;

export interface SqlSummary {
  rows: SummaryRow[];
  counts: SummaryCounts;
  rowsIn: RowCounts;
}

/**
 * Writes each partial into tables, ships those with `asParquet(i)` as Parquet files, merges them all
 * in SQL and finalizes in SQL. Every schema and file it made is gone when it returns.
 */
export async function sqlSummary(
  db: DuckDBConnection,
  partials: readonly PartialAggregate[],
  spec: RunSpec,
  asParquet: (index: number) => boolean = () => false,
): Promise<SqlSummary> {
  const schemas: string[] = [];
  const folder = await mkdtemp(join(tmpdir(), 'ocpsum-partials-'));
  try {
    const sources: PartialSource[] = [];
    for (const [i, partial] of partials.entries()) {
      const schema = fresh('partial');
      schemas.push(schema);
      await writePartialTables(db, schema, partial);
      if (asParquet(i)) sources.push({ parquet: await copyToParquet(db, schema, join(folder, schema)) });
      else sources.push({ schema });
    }
    const merged = fresh('merged');
    schemas.push(merged);
    await mergePartials(db, sources, merged);
    const { counts, rowsIn } = await finalizeSummary(db, merged, spec);
    return { rows: await readSummaryRows(db, merged), counts, rowsIn };
  } finally {
    for (const schema of schemas) await db.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await rm(folder, { recursive: true, force: true });
  }
}

/** `COPY` of every table of a partial to a Parquet file, as a chunk would ship it. */
export async function copyToParquet(
  db: DuckDBConnection,
  schema: string,
  prefix: string,
): Promise<Record<PartialTableName, string[]>> {
  const files = {} as Record<PartialTableName, string[]>;
  for (const table of PARTIAL_TABLE_NAMES) {
    const path = `${prefix}-${table}.parquet`;
    await db.run(`COPY ${schema}.${table} TO ${sqlString(path)} (FORMAT parquet)`);
    files[table] = [path];
  }
  return files;
}

/** Asserts that SQL merge + finalize of `partials` gives the rows, counts and row counts of the JavaScript ones. */
export async function expectSqlMatchesJs(
  db: DuckDBConnection,
  partials: readonly PartialAggregate[],
  spec: RunSpec,
  asParquet?: (index: number) => boolean,
): Promise<SqlSummary> {
  const merged = mergeInJs(partials);
  const rowsIn = { ...merged.rowsIn };
  const js = finalize(merged, spec);
  const sql = await sqlSummary(db, partials, spec, asParquet);
  expect(sql.counts).toEqual(js.counts);
  expect(sql.rowsIn).toEqual(rowsIn);
  expectSameRows(sql.rows, js.rows);
  return sql;
}

let shared: Engine | undefined;

/** One engine per test process for the checks below. */
export async function sharedEngine(): Promise<Engine> {
  shared ??= await openEngine(2);
  return shared;
}

/** The spec `summarizeDataset` makes for a dataset. */
export function datasetSpec(ds: Dataset, options: SummarizeOptions = {}): RunSpec {
  const { reference, ...rest } = options;
  return runSpec({
    org: ds.org,
    source: ds.source,
    year: ds.year,
    month: ds.month,
    ...rest,
    reference: { enabledKeys: [], costCategories: [], nodeRoles: [], ...reference },
  });
}

/** Today's kernel over a whole dataset, as one partial. */
export async function datasetPartial(engine: Engine, ds: Dataset, spec: RunSpec): Promise<PartialAggregate> {
  const store = new LocalStore(ds.root);
  const files = await localFiles(store, (await findInput(store, spec)).files);
  return runKernel(
    () => engine.connect(),
    {
      ranges: files.map((file) => ({ file, start: 0, end: file.rows })),
      storageFiles: files.filter((f) => f.type === 'openshift_storage_usage_line_items'),
    },
    spec,
  );
}
