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
