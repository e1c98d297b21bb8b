import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from '@ocpsum/core';
import type { FileSchema } from './inspect.js';
import { volumePodSetQuery } from './sql/volume-pods.js';

// Tables kept per database, newest last; enough for the jobs a worker runs at once.
const KEEP = 16;
const recent: string[] = [];

/**
 * The set of pods with volumes, as a table built once per set of storage files: every chunk of a
 * run joins its pods to it, and scanning all storage files for each chunk doubled the chunk's cost.
 */
export async function volumePodTable(db: DuckDBConnection, storageFiles: FileSchema[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of storageFiles) hash.update(`${f.path}\n${f.rows}\n`);
  const name = sqlIdentifier(`volume_pods_${hash.digest('hex').slice(0, 24)}`);
  const exists = async () =>
    (await db.runAndReadAll('SELECT 1 FROM duckdb_tables() WHERE table_name = $name', { name })).currentRowCount > 0;
  if (!(await exists())) {
    const storageRanges = storageFiles.map((file) => ({ file, start: 0, end: file.rows }));
    try {
      await db.run(`CREATE TABLE IF NOT EXISTS ${name} AS ${volumePodSetQuery(storageRanges)}`);
    } catch (error) {
      // Two kernels of one run may create it at once; DuckDB lets one transaction win.
      if (!(await exists())) throw error;
      return name;
    }
    recent.push(name);
    for (const old of recent.splice(0, Math.max(0, recent.length - KEEP))) await db.run(`DROP TABLE IF EXISTS ${old}`);
  }
  return name;
}
