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

/** Engines opened by this process, to name each one's spill folder. */
let opened = 0;

/**
 * The one way ocpsum opens DuckDB: an in-memory database with `threads` threads and `memoryLimit`
 * (DuckDB's `memory_limit`, `'512MiB'`; by default DuckDB's own, 80% of the memory it sees), nothing
 * persisted, no extension installed or loaded (all it uses is linked in), spilling what does not fit
 * under the OS temp folder, since DuckDB's default (`.tmp` in the working folder) is read-only in the
 * container image. Each engine spills to a folder of its own (engines of one process would otherwise
 * share spill files), which DuckDB creates at the first spill and removes on `close`.
 */
export async function openEngine(threads: number, memoryLimit?: string): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: join(tmpdir(), `ocpsum-duckdb-${process.pid}-${++opened}`),
    ...(memoryLimit === undefined ? {} : { memory_limit: memoryLimit }),
  });
  let db: DuckDBConnection;
  try {
    db = await instance.connect();
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  return {
    db,
    connect: () => instance.connect(),
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}
