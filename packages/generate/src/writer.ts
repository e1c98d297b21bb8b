import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ReportType, RowCounts } from '@ocpsum/core';
import { reportKey, type DatasetId, type Layout } from '@ocpsum/input';
import { openEngine, type Engine } from '@ocpsum/kernel';
import { REPORT_COLUMNS, type Column } from './columns.js';
import { sqlString } from '@ocpsum/core';

/** Where a generator writes: a dataset's files under a local folder, in a layout (koku's masu unless told). */
export interface Target {
  outDir: string;
  id: DatasetId;
  layout?: Layout;
}

export interface GenerateResult {
  /** Every Parquet file written, sorted. */
  files: string[];
  rows: RowCounts;
}

type Params = Record<string, DuckDBValue>;

/** A row by column name; a TIMESTAMP column takes epoch milliseconds. Missing columns are NULL. */
export type Row = Record<string, string | number | null>;

const COUNTER: Record<ReportType, keyof RowCounts> = {
  openshift_pod_usage_line_items: 'pod',
  openshift_storage_usage_line_items: 'storage',
  openshift_node_labels_line_items: 'nodeLabels',
  openshift_namespace_labels_line_items: 'namespaceLabels',
};

/** A DuckDB session that writes one dataset's day files and keeps the tally. */
export class DatasetWriter {
  private readonly files: string[] = [];
  private readonly rows: RowCounts = { pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 };

  readonly connection: DuckDBConnection;

  private constructor(
    private readonly engine: Engine,
    private readonly target: Target,
  ) {
    this.connection = engine.db;
  }

  /** Opens a writer, runs `body`, and always releases DuckDB. */
  static async use<T>(target: Target, body: (writer: DatasetWriter) => Promise<T>): Promise<T> {
    const engine = await openEngine(2);
    try {
      return await body(new DatasetWriter(engine, target));
    } finally {
      engine.close();
    }
  }

  async run(sql: string, params: Params = {}): Promise<void> {
    await this.connection.run(sql, params);
  }

  /**
   * Runs `work` for each item in order, two at a time on two connections: one COPY keeps about
   * one core busy, so two at once use both cores of a small machine. Stops at the first failure.
   */
  async inPairs<T>(items: readonly T[], work: (item: T, connection: DuckDBConnection) => Promise<void>): Promise<void> {
    const second = await this.engine.connect();
    let next = 0;
    let failed = false;
    const drain = async (connection: DuckDBConnection) => {
      while (!failed && next < items.length) {
        try {
          await work(items[next++], connection);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    try {
      const outcomes = await Promise.allSettled([drain(this.connection), drain(second)]);
      for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    } finally {
      second.closeSync();
    }
  }

  /**
   * Writes day `day` (1-based) of a report type from a query producing at least its columns; the
   * outer SELECT fixes their order and types so every file of a report type has one schema.
   * Returns the rows written.
   */
  async writeDay(
    day: number,
    reportType: ReportType,
    query: string,
    params: Params,
    connection = this.connection,
  ): Promise<number> {
    const { outDir, id, layout = 'masu' } = this.target;
    const file = path.join(outDir, ...reportKey(layout, id, reportType, day).split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    // Text passes through uncast: an ENUM is written as a plain string column, only faster.
    const columns = REPORT_COLUMNS[reportType]
      .map((c) => (c.type === 'VARCHAR' ? c.name : `CAST(${c.name} AS ${c.type}) AS ${c.name}`))
      .join(', ');
    const reader = await connection.runAndReadAll(
      `COPY (SELECT ${columns} FROM (${query})) TO ${sqlString(file)} (FORMAT parquet, ROW_GROUP_SIZE 65536)`,
      params,
    );
    const written = Number(reader.getRows()[0][0]);
    this.files.push(file);
    this.rows[COUNTER[reportType]] += written;
    return written;
  }

  /** Writes day `day` of a report type from rows built in JavaScript, through a staging table. */
  async writeRows(day: number, reportType: ReportType, rows: readonly Row[]): Promise<number> {
    const columns = REPORT_COLUMNS[reportType];
    await this.run(`CREATE OR REPLACE TEMP TABLE staging (${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
    const appender = await this.connection.createAppender('staging');
    try {
      for (const row of rows) {
        for (const column of columns) append(appender, column, row[column.name] ?? null);
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
    return this.writeDay(day, reportType, 'SELECT * FROM staging', {});
  }

  result(): GenerateResult {
    return { files: [...this.files].sort(), rows: { ...this.rows } };
  }
}

function append(appender: DuckDBAppender, column: Column, value: string | number | null): void {
  if (value === null) return appender.appendNull();
  if (typeof value !== (column.type === 'VARCHAR' ? 'string' : 'number')) {
    throw new Error(`column ${column.name} (${column.type}) cannot take ${JSON.stringify(value)}`);
  }
  if (column.type === 'TIMESTAMP') appender.appendTimestamp(new DuckDBTimestampValue(BigInt(value) * 1000n));
  else if (column.type === 'DOUBLE') appender.appendDouble(value as number);
  else appender.appendVarchar(value as string);
}
