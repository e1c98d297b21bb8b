import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ReportType } from '@ocpsum/core';
import { sqlString } from '@ocpsum/core';
import { reportKey, type DatasetId } from '@ocpsum/input';

/** A DuckDB connection that reads written datasets back, as a user checking them would. */
export class Reader {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<Reader> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    return new Reader(instance, await instance.connect());
  }

  /** Every file of a report type in the dataset (masu layout, the generator's default), as a FROM clause. */
  static files(outDir: string, id: DatasetId, reportType: ReportType): string {
    const folder = reportKey('masu', id, reportType, 1).replace(/[^/]*$/, '');
    const glob = `${outDir}/${folder}*.parquet`;
    return `read_parquet(${sqlString(glob)}, hive_partitioning = false)`;
  }

  async all(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  async one(sql: string): Promise<Record<string, unknown>> {
    const [row] = await this.all(sql);
    return row;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * A test file's scratch space: a fresh folder per call of `nextDir`, under one temporary root, and a
 * reader, both made before the file's tests and removed after them.
 */
export function scratch(name: string): { nextDir: () => string; reader: () => Reader } {
  let root: string;
  let reader: Reader;
  let dirs = 0;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), `ocpsum-${name}-`));
    reader = await Reader.open();
  });
  afterAll(async () => {
    reader?.close();
    await rm(root, { recursive: true, force: true });
  });
  return { nextDir: () => path.join(root, `run-${++dirs}`), reader: () => reader };
}
