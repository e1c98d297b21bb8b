import type { ObjectStore } from './interfaces.js';
import { LocalStore } from './local-store.js';
import type { S3StoreOptions } from './s3-config.js';
import { S3Store } from './s3-store.js';

/** Opens a root: `s3://bucket/prefix` (options and environment configure the client) or a local folder path. */
export function openStore(root: string, options?: S3StoreOptions): ObjectStore {
  if (root.startsWith('s3://')) return new S3Store(root, options);
  return new LocalStore(root);
}
