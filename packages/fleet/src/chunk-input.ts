import type { DuckDBConnection } from '@duckdb/node-api';
import { inspectFiles, type Chunk, type InputFile } from '@ocpsum/kernel';
import { localFiles, type ObjectStore } from '@ocpsum/storage';
import type { ObjectRef, RangeRef } from './payloads.js';

/** Fetches a job's objects to local files and checks their columns: job ranges → kernel input. */
export async function loadChunk(
  db: DuckDBConnection,
  store: ObjectStore,
  ranges: RangeRef[],
  storage: ObjectRef[],
): Promise<Chunk> {
  const wanted = new Map<string, { key: string; etag: string; type: InputFile['type'] }>();
  for (const { key, etag, type } of ranges) wanted.set(key, { key, etag, type });
  for (const { key, etag } of storage) wanted.set(key, { key, etag, type: 'openshift_storage_usage_line_items' });
  const inputs = await localFiles(store, [...wanted.values()]);
  const schemas = new Map((await inspectFiles(db, inputs)).map((s) => [s.key, s]));
  return {
    ranges: ranges.map((r) => ({ file: schemas.get(r.key)!, start: r.start, end: r.end })),
    storageFiles: storage.map(({ key }) => schemas.get(key)!),
  };
}
