import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore } from './interfaces.js';
import { checkKey } from './keys.js';
import { resolveS3Config, type S3Config, type S3StoreOptions } from './s3-config.js';

// Node error codes that mean "the endpoint could not be reached", as opposed to an answer from S3.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: SdkError[];
  $metadata?: { httpStatusCode?: number };
}

/** An S3 bucket + prefix (any S3-compatible endpoint) as an object store. */
export class S3Store implements ObjectStore {
  readonly root: string;
  private readonly config: S3Config;
  private readonly client: S3Client;
  private cacheDir: Promise<string> | undefined;
  // One download per cached file even when several callers ask at once.
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(root: string, options: S3StoreOptions = {}) {
    this.config = resolveS3Config(root, options);
    const { bucket, prefix } = this.config;
    this.root = prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`;
    this.client = new S3Client({
      region: this.config.region,
      endpoint: this.config.endpoint,
      forcePathStyle: this.config.forcePathStyle,
      credentials: this.config.credentials,
      maxAttempts: this.config.maxAttempts,
      requestHandler: { connectionTimeout: this.config.connectTimeoutMs, socketTimeout: this.config.socketTimeoutMs },
      // By default the SDK sends streams as aws-chunked bodies with a trailing checksum, which S3-compatible
      // servers such as s3rver store verbatim (extra bytes in the object); checksums only where S3 requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.config.prefix ? `${this.config.prefix}/${key}` : key;
  }

  private name(key: string): string {
    return `s3://${this.config.bucket}/${this.objectKey(key)}`;
  }

  /** Turns SDK errors into one line that names the object and what went wrong. */
  private explain(what: string, error: unknown): Error {
    const e = (error ?? {}) as SdkError;
    const status = e.$metadata?.httpStatusCode;
    const code = e.code ?? e.errors?.find((inner) => inner.code)?.code;
    let reason: string;
    if (e.name === 'NoSuchBucket') reason = `bucket "${this.config.bucket}" does not exist`;
    else if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404) reason = 'not found';
    else if (code && NETWORK_CODES.has(code)) reason = `cannot reach S3 endpoint ${this.endpoint()} (${code})`;
    else if (e.name === 'TimeoutError') reason = `cannot reach S3 endpoint ${this.endpoint()} (timed out)`;
    else if (status === 403 || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
      reason = `access denied (${e.name ?? status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
    } else reason = `${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`;
    return new Error(`${what}: ${reason}`, { cause: error });
  }

  private endpoint(): string {
    return this.config.endpoint ?? `https://s3.${this.config.region}.amazonaws.com`;
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.explain(what, error);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkKey(prefix);
    // The root prefix always ends in "/" so `data` does not also list `data2/…`.
    const base = this.config.prefix ? `${this.config.prefix}/` : '';
    let token: string | undefined;
    do {
      const page = await this.call(`s3://${this.config.bucket}/${base}${prefix}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: base + prefix, ContinuationToken: token }),
        ),
      );
      // S3 returns keys in ascending order, page after page, so yielding as we go keeps key order.
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield { key: item.Key.slice(base.length), size: item.Size ?? 0, etag: unquote(item.ETag) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Skips from folder to folder: one key a request, starting after the last folder found. (A
   * `Delimiter` listing would do it in one, but s3rver never finds common prefixes of keys more
   * than one folder deep.)
   */
  async folders(prefix: string): Promise<string[]> {
    checkKey(prefix);
    const base = (this.config.prefix ? `${this.config.prefix}/` : '') + prefix;
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.call(`s3://${this.config.bucket}/${base}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: base, StartAfter: after, MaxKeys: 1 }),
        ),
      );
      const key = page.Contents?.[0]?.Key;
      if (key === undefined) return names;
      const rest = key.slice(base.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        after = key; // an object, not a folder
        continue;
      }
      names.push(rest.slice(0, slash));
      // "0" follows "/": every key of the folder sorts before it.
      after = `${base}${rest.slice(0, slash)}0`;
    }
  }

  async head(key: string): Promise<ObjectInfo> {
    const out = await this.call(this.name(key), () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) })),
    );
    return { key, size: out.ContentLength ?? 0, etag: unquote(out.ETag) };
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0) {
      throw new Error(`${this.name(key)}: invalid byte range [${start}, ${end})`);
    }
    if (end <= start) return Buffer.alloc(0);
    try {
      // Always an explicit first-last range: s3rver answers suffix ranges (bytes=-N) with the object's first bytes.
      return await this.fetch(key, `bytes=${start}-${end - 1}`);
    } catch (error) {
      // A range starting past the end is "416 not satisfiable"; a folder read there gives no bytes, so do we.
      const status = ((error as Error).cause as SdkError | undefined)?.$metadata?.httpStatusCode;
      if (status === 416) return Buffer.alloc(0);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    return this.fetch(key, undefined);
  }

  private fetch(key: string, range: string | undefined): Promise<Buffer> {
    return this.call(this.name(key), async () => {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key), Range: range }),
      );
      const bytes = await out.Body!.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const objectKey = this.objectKey(key);
    if (Buffer.isBuffer(body)) return this.putBuffer(key, objectKey, body);
    return this.putStream(key, objectKey, body);
  }

  private async putBuffer(key: string, objectKey: string, body: Buffer): Promise<void> {
    await this.call(this.name(key), () =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.config.bucket, Key: objectKey, Body: body, ContentLength: body.length }),
      ),
    );
  }

  /**
   * A stream of unknown length is read one part at a time: if it ends within the first part it is a plain
   * PUT, else a multipart upload. Memory stays at one part (partSize), not the whole object, and no
   * extra package is needed; parts go up one after another, which is fast enough for our output files.
   */
  private async putStream(key: string, objectKey: string, body: Readable): Promise<void> {
    const { bucket, partSize } = this.config;
    const what = this.name(key);
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    const sendPart = async (bytes: Buffer) => {
      uploadId ??= (
        await this.call(what, () =>
          this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: objectKey })),
        )
      ).UploadId!;
      const PartNumber = parts.length + 1;
      const out = await this.call(`${what} (part ${PartNumber})`, () =>
        this.client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: objectKey,
            UploadId: uploadId,
            PartNumber,
            Body: bytes,
            ContentLength: bytes.length,
          }),
        ),
      );
      parts.push({ PartNumber, ETag: out.ETag });
    };
    try {
      for await (const chunk of body) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
        pending.push(bytes);
        pendingSize += bytes.length;
        if (pendingSize >= partSize) {
          const part = Buffer.concat(pending);
          pending = [];
          pendingSize = 0;
          await sendPart(part);
        }
      }
      const rest = Buffer.concat(pending);
      if (uploadId === undefined) return await this.putBuffer(key, objectKey, rest);
      if (rest.length > 0) await sendPart(rest);
      await this.call(what, () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: objectKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
    } catch (error) {
      // Abandoned parts cost storage until aborted; the original error matters more than a failed abort.
      if (uploadId !== undefined) {
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: objectKey, UploadId: uploadId }))
          .catch(() => undefined);
      }
      if (error instanceof Error && error.message.startsWith(what)) throw error;
      throw new Error(`${what}: upload failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    await this.call(this.name(key), () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) })),
    );
  }

  /** Downloads the object once per (key, ETag) into this store's cache folder; a changed object is fetched again. */
  async localFile(key: string, etag?: string): Promise<string> {
    const expected = etag ?? (await this.head(key)).etag;
    const dir = await this.cache();
    const path = join(dir, cacheName(key, expected));
    const running = this.downloads.get(path);
    if (running) return running;
    const download = this.download(key, expected, path).finally(() => this.downloads.delete(path));
    this.downloads.set(path, download);
    return download;
  }

  private async download(key: string, expected: string, path: string): Promise<string> {
    try {
      await access(path);
      return path;
    } catch {
      // Not cached yet.
    }
    // Written under a temporary name and renamed, so a reader never opens half a file.
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      const etag = await this.call(this.name(key), async () => {
        const out = await this.client.send(
          new GetObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
        );
        await pipeline(out.Body as Readable, createWriteStream(temporary, { highWaterMark: 1 << 20 }));
        return unquote(out.ETag);
      });
      if (etag !== expected) {
        throw new Error(
          `${this.name(key)}: the object changed while being read (ETag ${etag}, expected ${expected}); run it again`,
        );
      }
      await rename(temporary, path);
      return path;
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private cache(): Promise<string> {
    this.cacheDir ??= mkdtemp(join(tmpdir(), 'ocpsum-s3-cache-'));
    return this.cacheDir;
  }

  async close(): Promise<void> {
    // Downloads started alongside one that failed may still be writing into the cache folder.
    await Promise.allSettled(this.downloads.values());
    const dir = this.cacheDir;
    this.cacheDir = undefined;
    if (dir) await rm(await dir, { recursive: true, force: true });
    this.client.destroy();
  }
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** A flat, fixed-length file name per (key, ETag); the key's extension is kept for tools that look at it. */
function cacheName(key: string, etag: string): string {
  const hash = createHash('sha256').update(key).update('\0').update(etag).digest('hex');
  return `${hash.slice(0, 32)}${extname(key).slice(0, 16)}`;
}
