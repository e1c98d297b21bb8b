import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Engine {
  /** A connection for one-at-a-time work. */
  db: DuckDBConnection;
  /** Another connection to the same database, for concurrent jobs. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

export interface EngineOptions {
  /** DuckDB's `memory_limit`, `'512MiB'`; by default DuckDB's own, 80% of the memory it sees. */
  memoryLimit?: string;
  /**
   * Return freed memory to the OS at once (jemalloc's decay times 0) instead of keeping it for the
   * next query: a lower peak, for some speed on large data (README, "Benchmark"). Only the first
   * engine of a process can choose, since DuckDB's allocator reads it when DuckDB loads
   * (`DUCKDB_JE_MALLOC_CONF`, which a user's own setting overrides).
   */
  releaseFreedMemory?: boolean;
}

/** Engines opened by this process, to name each one's spill folder. */
let opened = 0;

/** DuckDB's binding, loaded by the first engine: only then can that engine choose how DuckDB's allocator behaves. */
let duckdb: Promise<typeof import('@duckdb/node-api')> | undefined;

function loadDuckDB(releaseFreedMemory: boolean): Promise<typeof import('@duckdb/node-api')> {
  if (!duckdb) {
    if (releaseFreedMemory) process.env.DUCKDB_JE_MALLOC_CONF ??= 'dirty_decay_ms:0,muzzy_decay_ms:0';
    duckdb = import('@duckdb/node-api');
  }
  return duckdb;
}

/**
 * The one way ocpsum opens DuckDB: an in-memory database with `threads` threads, nothing persisted,
 * no extension installed or loaded (all it uses is linked in), spilling what does not fit under the
 * OS temp folder, since DuckDB's default (`.tmp` in the working folder) is read-only in the
 * container image. Each engine spills to a folder of its own (engines of one process would otherwise
 * share spill files), which DuckDB creates at the first spill and removes on `close`.
 */
export async function openEngine(threads: number, options: EngineOptions = {}): Promise<Engine> {
  const { memoryLimit, releaseFreedMemory = false } = options;
  const { DuckDBInstance } = await loadDuckDB(releaseFreedMemory);
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
