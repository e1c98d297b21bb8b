import type { DuckDBConnection } from '@duckdb/node-api';
import { inspectFile, type Chunk, type FileSchema } from '@ocpsum/kernel';
import type { ObjectStore } from '@ocpsum/storage';
import type { RangeRef } from './payloads.js';

/** Fetches a job's objects to local files and checks their columns: job ranges → kernel input. */
export async function loadChunk(
  db: DuckDBConnection,
  store: ObjectStore,
  ranges: RangeRef[],
  storageKeys: string[],
): Promise<Chunk> {
  const schemas = new Map<string, FileSchema>();
  const schemaOf = async (key: string, type: FileSchema['type']) => {
    let schema = schemas.get(key);
    if (!schema) {
      schema = await inspectFile(db, await store.localFile(key), key, type);
      schemas.set(key, schema);
    }
    return schema;
  };
  const rowRanges = [];
  for (const r of ranges) rowRanges.push({ file: await schemaOf(r.key, r.type), start: r.start, end: r.end });
  const storageFiles = [];
  for (const key of storageKeys) storageFiles.push(await schemaOf(key, 'openshift_storage_usage_line_items'));
  return { ranges: rowRanges, storageFiles };
}
