import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Key relative to the store's root, `/`-separated. */
  key: string;
  size: number;
  etag: string;
}

/** A root of objects: a local folder or an S3 bucket + prefix, behind one interface. */
export interface ObjectStore {
  /** How a person names this root: an absolute folder or `s3://bucket/prefix`. */
  readonly root: string;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** The names of the folders directly under `prefix` (which ends in `/` or is empty), sorted. */
  folders(prefix: string): Promise<string[]>;
  head(key: string): Promise<ObjectInfo>;
  /** Bytes [start, end) of an object. */
  getRange(key: string, start: number, end: number): Promise<Buffer>;
  get(key: string): Promise<Buffer>;
  put(key: string, body: Buffer | Readable): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * A local file that holds the object's bytes (the object itself for a folder, a cached download
   * for S3). `etag`, when the caller listed the object already, is the version it expects: no
   * HEAD is needed, and an object that changed since then is refused rather than read.
   */
  localFile(key: string, etag?: string): Promise<string>;
  close(): Promise<void>;
}
