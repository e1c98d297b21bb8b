import type { DuckDBConnection } from '@duckdb/node-api';
import pMap from 'p-map';
import { inspectFiles, type Chunk, type InputFile } from '@ocpsum/kernel';
import type { ObjectStore } from '@ocpsum/storage';
import type { RangeRef } from './payloads.js';

/** Objects downloaded at once: a chunk spans dozens of small hourly files, so round trips, not bandwidth, set the pace. */
const DOWNLOADS_AT_ONCE = 16;

/** Fetches a job's objects to local files and checks their columns: job ranges → kernel input. */
export async function loadChunk(
  db: DuckDBConnection,
  store: ObjectStore,
  ranges: RangeRef[],
  storageKeys: string[],
): Promise<Chunk> {
  const wanted = new Map<string, InputFile['type']>();
  for (const { key, type } of ranges) wanted.set(key, type);
  for (const key of storageKeys) wanted.set(key, 'openshift_storage_usage_line_items');
  const inputs = await pMap(
    wanted,
    async ([key, type]): Promise<InputFile> => ({ key, type, path: await store.localFile(key) }),
    { concurrency: DOWNLOADS_AT_ONCE },
  );
  const schemas = new Map((await inspectFiles(db, inputs)).map((s) => [s.key, s]));
  return {
    ranges: ranges.map((r) => ({ file: schemas.get(r.key)!, start: r.start, end: r.end })),
    storageFiles: storageKeys.map((key) => schemas.get(key)!),
  };
}
