import type { DuckDBConnection } from '@duckdb/node-api';
import { inspectFiles, type Chunk, type InputFile } from '@ocpsum/kernel';
import type { ObjectStore } from '@ocpsum/storage';
import type { RangeRef } from './payloads.js';

/** Fetches a job's objects to local files and checks their columns: job ranges → kernel input. */
export async function loadChunk(
  db: DuckDBConnection,
  store: ObjectStore,
  ranges: RangeRef[],
  storageKeys: string[],
): Promise<Chunk> {
  const inputs = new Map<string, InputFile>();
  const wanted = [
    ...ranges,
    ...storageKeys.map((key) => ({ key, type: 'openshift_storage_usage_line_items' as const })),
  ];
  for (const { key, type } of wanted) {
    if (!inputs.has(key)) inputs.set(key, { key, type, path: await store.localFile(key) });
  }
  const schemas = new Map((await inspectFiles(db, [...inputs.values()])).map((s) => [s.key, s]));
  return {
    ranges: ranges.map((r) => ({ file: schemas.get(r.key)!, start: r.start, end: r.end })),
    storageFiles: storageKeys.map((key) => schemas.get(key)!),
  };
}
