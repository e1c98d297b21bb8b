import pMap from 'p-map';
import type { ObjectStore } from './interfaces.js';

/** Downloads at once: inputs are dozens of small files, so round trips, not bandwidth, set the pace. */
const DOWNLOADS_AT_ONCE = 16;

/** `store.localFile` for many objects, several at a time: each object with its local `path`, in the order given. */
export function localFiles<T extends { key: string; etag?: string }>(
  store: ObjectStore,
  objects: readonly T[],
): Promise<(T & { path: string })[]> {
  return pMap(objects, async (object) => ({ ...object, path: await store.localFile(object.key, object.etag) }), {
    concurrency: DOWNLOADS_AT_ONCE,
  });
}
