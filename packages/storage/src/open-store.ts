import type { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore } from './interfaces.js';
import { LocalStore } from './local-store.js';
import { resolveS3Config, type S3StoreOptions } from './s3-config.js';

/** Opens a root: `s3://bucket/prefix` (options and environment configure the client) or a local folder path. */
export function openStore(root: string, options?: S3StoreOptions): ObjectStore {
  if (!root.startsWith('s3://')) return new LocalStore(root);
  resolveS3Config(root, options); // a bad configuration fails here, not at first use
  return new DeferredS3Store(root, options);
}

/**
 * An S3 store whose client (the AWS SDK, slow to load) is loaded on first use, so commands that
 * only touch local folders never pay for it.
 */
class DeferredS3Store implements ObjectStore {
  readonly root: string;
  private store: Promise<ObjectStore> | undefined;

  constructor(
    root: string,
    private readonly options?: S3StoreOptions,
  ) {
    const { bucket, prefix } = resolveS3Config(root, options);
    this.root = prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`;
  }

  private real(): Promise<ObjectStore> {
    this.store ??= import('./s3-store.js').then(({ S3Store }) => new S3Store(this.root, this.options));
    return this.store;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* (await this.real()).list(prefix);
  }
  async folders(prefix: string) {
    return (await this.real()).folders(prefix);
  }
  async head(key: string) {
    return (await this.real()).head(key);
  }
  async getRange(key: string, start: number, end: number) {
    return (await this.real()).getRange(key, start, end);
  }
  async get(key: string) {
    return (await this.real()).get(key);
  }
  async put(key: string, body: Buffer | Readable) {
    return (await this.real()).put(key, body);
  }
  async delete(key: string) {
    return (await this.real()).delete(key);
  }
  async localFile(key: string, etag?: string) {
    return (await this.real()).localFile(key, etag);
  }
  async close() {
    if (this.store) await (await this.store).close();
  }
}
