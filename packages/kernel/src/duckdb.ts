import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface Engine {
  /** A connection for one-at-a-time work. */
  db: DuckDBConnection;
  /** Another connection to the same database, for concurrent jobs. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** An in-memory DuckDB with `threads` threads; nothing is persisted and no extension is loaded. */
export async function openEngine(threads: number): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // Spills go to the temp folder, not the working directory (read-only in the container image).
    temp_directory: join(tmpdir(), `ocpsum-duckdb-${process.pid}`),
  });
  const db = await instance.connect();
  return {
    db,
    connect: () => instance.connect(),
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}
