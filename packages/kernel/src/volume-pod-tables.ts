import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { validIdentifier } from '@ocpsum/core';
import type { FileSchema } from './sql/scan.js';
import { volumePodSetQuery } from './sql/volume-pods.js';

// Tables kept per database, newest last; enough for the jobs a worker runs at once.
const KEEP = 16;
const recent: string[] = [];
// The latest look-up or creation of each table name in this process: kernels running at once wait
// for one another, as DuckDB refuses the second of two transactions creating one table.
const pending = new Map<string, Promise<void>>();

/**
 * The set of pods with volumes, as a table built once per set of storage files: every chunk of a
 * run joins its pods to it, and scanning all storage files for each chunk doubled the chunk's cost.
 */
export async function volumePodTable(db: DuckDBConnection, storageFiles: FileSchema[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of storageFiles) hash.update(`${f.path}\n${f.rows}\n`);
  const name = validIdentifier(`volume_pods_${hash.digest('hex').slice(0, 24)}`);
  const previous = pending.get(name) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => createIfMissing(db, name, storageFiles));
  pending.set(name, mine);
  try {
    await mine;
  } finally {
    if (pending.get(name) === mine) pending.delete(name);
  }
  return name;
}

async function createIfMissing(db: DuckDBConnection, name: string, storageFiles: FileSchema[]): Promise<void> {
  const found = await db.runAndReadAll('SELECT 1 FROM duckdb_tables() WHERE table_name = $name', { name });
  if (found.currentRowCount > 0) return;
  const storageRanges = storageFiles.map((file) => ({ file, start: 0, end: file.rows }));
  await db.run(`CREATE TABLE ${name} AS ${volumePodSetQuery(storageRanges)}`);
  recent.push(name);
  for (const old of recent.splice(0, Math.max(0, recent.length - KEEP))) await db.run(`DROP TABLE IF EXISTS ${old}`);
}
