import type { ObjectStore } from './interfaces.js';
import { LocalStore } from './local-store.js';

/** Opens a root: a local folder path (S3 roots come with the fleet). */
export function openStore(root: string): ObjectStore {
  if (root.startsWith('s3://')) {
    throw new Error(`S3 roots are not supported yet: ${root}`);
  }
  return new LocalStore(root);
}
