import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { baselineSql, checkSql, type BaselineInput, type BaselineVariant } from './baseline-sql.js';

export interface BaselineRequest {
  variant: BaselineVariant;
  input: BaselineInput;
  threads: number;
  /** ocpsum's CSV of the same data and reference: compare the pod rows after timing. */
  checkCsv?: string;
}

export interface BaselineCheck {
  ocpsumRows: number;
  matched: number;
  differ: number;
  onlyBaseline: number;
  onlyOcpsum: number;
}

export interface BaselineResult {
  variant: BaselineVariant;
  /** Pod rows the query produced. */
  rows: number;
  /** The query alone, from its start to its result materialized in a DuckDB table. */
  queryMs: number;
  check?: BaselineCheck;
}

/** Runs one baseline query in an in-memory DuckDB (result materialized in a temp table), then the check. */
export async function runBaseline(request: BaselineRequest): Promise<BaselineResult> {
  // DuckDB opened here, not by the kernel's openEngine, so that this process's peak RSS is the query's and
  // DuckDB's, without the kernel's modules loaded. Like openEngine's, it spills to a temp folder, not to
  // DuckDB's default `.tmp` in the working folder.
  const spill = await mkdtemp(join(tmpdir(), 'ocpsum-baseline-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: String(request.threads), temp_directory: spill });
  const db = await instance.connect();
  try {
    const sql = baselineSql(request.variant, request.input);
    const started = performance.now();
    await db.run(`CREATE TEMP TABLE baseline_rows AS ${sql}`);
    const queryMs = performance.now() - started;
    const count = await db.runAndReadAll('SELECT count(*) FROM baseline_rows');
    const rows = Number(count.getRows()[0][0]);
    const result: BaselineResult = { variant: request.variant, rows, queryMs };
    if (request.checkCsv) {
      const [o, matched, differ, onlyBaseline, onlyOcpsum] = (await db.runAndReadAll(checkSql(request.checkCsv)))
        .getRows()[0]
        .map(Number);
      result.check = { ocpsumRows: o, matched, differ, onlyBaseline, onlyOcpsum };
    }
    return result;
  } finally {
    db.closeSync();
    instance.closeSync();
    await rm(spill, { recursive: true, force: true });
  }
}

/** Whether a check says the baseline and ocpsum have the same pod rows. */
export function checkPassed(check: BaselineCheck, rows: number): boolean {
  return check.differ === 0 && check.onlyBaseline === 0 && check.onlyOcpsum === 0 && check.matched === rows;
}
