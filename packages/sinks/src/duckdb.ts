import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface SinkDatabase {
  db: DuckDBConnection;
  close(): void;
}

/**
 * An in-memory DuckDB for a summary table the sinks write from, as the kernel opens its own: no
 * extension loaded, and spills into the temp folder, not the working directory (read-only in the
 * container image).
 */
export async function openSinkDatabase(threads = 2): Promise<SinkDatabase> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: join(tmpdir(), `ocpsum-duckdb-sinks-${process.pid}`),
  });
  const db = await instance.connect();
  return {
    db,
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}
