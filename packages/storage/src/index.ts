export type { ObjectInfo, ObjectStore } from './interfaces.js';
export { localFiles } from './local-files.js';
export { LocalStore } from './local-store.js';
export { openStore } from './open-store.js';
export { resolveS3Config, type S3StoreOptions } from './s3-config.js';
