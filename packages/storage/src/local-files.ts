import pMap from 'p-map';
import type { ObjectStore } from './interfaces.js';

/** Downloads at once: inputs are dozens of small files, so round trips, not bandwidth, set the pace. */
const DOWNLOADS_AT_ONCE = 16;

/** `store.localFile` for many objects, several at a time; paths in the order given. */
export function localFiles(store: ObjectStore, objects: readonly { key: string; etag?: string }[]): Promise<string[]> {
  return pMap(objects, ({ key, etag }) => store.localFile(key, etag), { concurrency: DOWNLOADS_AT_ONCE });
}
