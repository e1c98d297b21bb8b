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

export interface EngineLimits {
  /** DuckDB's `memory_limit` (`'512MiB'`, `'2GB'`); by default DuckDB's own, 80% of the RAM it sees. */
  memoryLimit?: string;
  /** The folder DuckDB spills to; by default a folder of this engine's own under the OS temp folder. */
  tempDirectory?: string;
}

/** Engines opened by this process, to name each one's spill folder. */
let opened = 0;

/**
 * The one way ocpsum opens DuckDB: an in-memory database with `threads` threads, nothing persisted,
 * no extension installed or loaded (all it uses is linked in), and spills under the OS temp folder,
 * since DuckDB's default (`.tmp` in the working folder) is read-only in the container image. Each
 * engine spills to a folder of its own (engines of one process would otherwise share spill files),
 * which DuckDB creates at the first spill and removes on `close`.
 */
export async function openEngine(threads: number, limits: EngineLimits = {}): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: limits.tempDirectory ?? join(tmpdir(), `ocpsum-duckdb-${process.pid}-${++opened}`),
    ...(limits.memoryLimit === undefined ? {} : { memory_limit: limits.memoryLimit }),
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
