import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStore, openStore, resolveS3Config, type ObjectStore, type S3StoreOptions } from '@ocpsum/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startS3, type S3Server } from '@ocpsum/services';

async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const info of store.list(prefix)) found.push(info.key);
  return found;
}

/** Streams `bytes` in 64 KiB pieces, as a Parquet writer or an HTTP body would. */
function streamOf(bytes: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    })(),
  );
}

/** What every ObjectStore must do; run against each implementation so they cannot drift apart. */
function objectStoreContract(store: () => ObjectStore): void {
  it('puts, heads, gets and deletes', async () => {
    const bytes = Buffer.from('hello, object');
    await store().put('basic/a.txt', bytes);
    expect(await store().get('basic/a.txt')).toEqual(bytes);
    const info = await store().head('basic/a.txt');
    expect(info).toMatchObject({ key: 'basic/a.txt', size: bytes.length });
    expect(info.etag).not.toBe('');
    await store().delete('basic/a.txt');
    await expect(store().head('basic/a.txt')).rejects.toThrow();
    expect(await keys(store(), 'basic/')).toEqual([]);
  });

  it('reads byte ranges, including the tail found through head', async () => {
    const bytes = randomBytes(1000);
    await store().put('range/r.bin', bytes);
    const { size } = await store().head('range/r.bin');
    expect(await store().getRange('range/r.bin', size - 8, size)).toEqual(bytes.subarray(-8));
    expect(await store().getRange('range/r.bin', 10, 20)).toEqual(bytes.subarray(10, 20));
    expect((await store().getRange('range/r.bin', 990, 2000)).length).toBe(10);
    expect((await store().getRange('range/r.bin', 5000, 6000)).length).toBe(0);
  });

  it('lists only under the prefix, in key order', async () => {
    for (const key of ['list/b/2', 'list/a/1', 'list/b/1', 'listing/x', 'other/y']) {
      await store().put(key, Buffer.from(key));
    }
    expect(await keys(store(), 'list/')).toEqual(['list/a/1', 'list/b/1', 'list/b/2']);
    expect(await keys(store(), 'list/b')).toEqual(['list/b/1', 'list/b/2']);
    const infos = [];
    for await (const info of store().list('list/a/')) infos.push(info);
    expect(infos).toMatchObject([{ key: 'list/a/1', size: 'list/a/1'.length }]);
  });

  it('names the folders directly under a prefix, however deep their objects lie', async () => {
    for (const key of ['tree/pod_usage/source=a/year=2025/x', 'tree/pod_usage/source=b/y', 'tree/vm_usage/z', 'tree/README']) {
      await store().put(key, Buffer.from(key));
    }
    expect(await store().folders('tree/')).toEqual(['pod_usage', 'vm_usage']);
    expect(await store().folders('tree/pod_usage/')).toEqual(['source=a', 'source=b']);
    expect(await store().folders('nothing-here/')).toEqual([]);
  });

  it('gives a local file holding the object', async () => {
    const bytes = randomBytes(4096);
    await store().put('local/f.parquet', streamOf(bytes));
    expect(await readFile(await store().localFile('local/f.parquet'))).toEqual(bytes);
  });

  it('rejects keys that would leave the root', async () => {
    await expect(store().get('../escape')).rejects.toThrow(/\.\./);
    await expect(store().put('a/../../escape', Buffer.from('x'))).rejects.toThrow(/\.\./);
    await expect(store().localFile('a/../b')).rejects.toThrow(/\.\./);
    await expect(keys(store(), '../')).rejects.toThrow(/\.\./);
    await expect(store().head('/absolute')).rejects.toThrow(/relative/);
  });
}

describe('LocalStore', () => {
  let folder: string;
  let store: LocalStore;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ocpsum-local-store-'));
    store = new LocalStore(folder);
  });
  afterAll(async () => {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });
  objectStoreContract(() => store);
});

describe('S3Store', () => {
  let server: S3Server;
  let options: S3StoreOptions;
  let store: ObjectStore;
  beforeAll(async () => {
    server = await startS3();
    // An empty env: these tests must not depend on (or send) the developer's own AWS settings.
    options = {
      endpoint: server.endpoint,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      env: {},
    };
    store = openStore('s3://ocpsum/contract', options);
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  objectStoreContract(() => store);

  it('stores a 5,000,000-byte buffer and a stream of the same size byte for byte', async () => {
    const s3 = openStore('s3://ocpsum/big/', options);
    try {
      const bytes = randomBytes(5_000_000);
      await s3.put('buffer.bin', bytes);
      await s3.put('stream.bin', streamOf(bytes));
      for (const key of ['buffer.bin', 'stream.bin']) {
        // A stream sent aws-chunked would be stored with its framing and trailer (5,000,053 bytes).
        expect((await s3.head(key)).size).toBe(5_000_000);
        expect((await s3.get(key)).equals(bytes)).toBe(true);
      }
      const { size } = await s3.head('stream.bin');
      expect(await s3.getRange('stream.bin', size - 8, size)).toEqual(bytes.subarray(-8));
    } finally {
      await s3.close();
    }
  });

  it('uploads a stream longer than one part as a multipart upload', async () => {
    const s3 = openStore('s3://ocpsum/multipart', { ...options, partSize: 5 * 1024 * 1024 });
    try {
      const bytes = randomBytes(12_000_000);
      await s3.put('three-parts.bin', streamOf(bytes));
      expect((await s3.head('three-parts.bin')).size).toBe(12_000_000);
      expect((await s3.get('three-parts.bin')).equals(bytes)).toBe(true);
    } finally {
      await s3.close();
    }
  });

  it('lists more than 1000 objects across pages, in key order', async () => {
    const s3 = openStore('s3://ocpsum/many', options);
    try {
      const names = Array.from({ length: 1100 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
      for (let at = 0; at < names.length; at += 50) {
        await Promise.all(names.slice(at, at + 50).map((key) => s3.put(key, Buffer.from(key))));
      }
      expect(await keys(s3, 'k/')).toEqual(names);
      expect(await keys(s3, 'k/0105')).toEqual(names.slice(1050, 1060));
    } finally {
      await s3.close();
    }
  });

  it('downloads a local file once per version and removes the cache on close', async () => {
    const s3 = openStore('s3://ocpsum/cache', options);
    await s3.put('data/f.parquet', Buffer.from('first version'));
    const [first, same] = await Promise.all([s3.localFile('data/f.parquet'), s3.localFile('data/f.parquet')]);
    expect(same).toBe(first);
    const written = statSync(first).mtimeMs;
    expect(await s3.localFile('data/f.parquet')).toBe(first);
    expect(statSync(first).mtimeMs).toBe(written); // reused, not downloaded again
    await s3.put('data/f.parquet', Buffer.from('second version'));
    const second = await s3.localFile('data/f.parquet');
    expect(second).not.toBe(first);
    expect(await readFile(second, 'utf8')).toBe('second version');
    await s3.close();
    expect(existsSync(dirname(first))).toBe(false);
  });

  it('downloads the version a run listed, without a HEAD, and refuses an object changed since', async () => {
    const s3 = openStore('s3://ocpsum/listed', options);
    await s3.put('data/f.parquet', Buffer.from('listed version'));
    const { etag } = await s3.head('data/f.parquet');
    expect(await readFile(await s3.localFile('data/f.parquet', etag), 'utf8')).toBe('listed version');
    await s3.put('data/g.parquet', Buffer.from('first'));
    const listed = (await s3.head('data/g.parquet')).etag;
    await s3.put('data/g.parquet', Buffer.from('changed after listing'));
    await expect(s3.localFile('data/g.parquet', listed)).rejects.toThrow(
      /s3:\/\/ocpsum\/listed\/data\/g\.parquet: the object changed while being read \(ETag \w+, expected \w+\); run it again/,
    );
    await s3.close();
  });

  it('names the object in errors', async () => {
    await expect(store.get('nothing/here')).rejects.toThrow('s3://ocpsum/contract/nothing/here: not found');
    await expect(store.localFile('nothing/here')).rejects.toThrow('s3://ocpsum/contract/nothing/here: not found');
    const noBucket = openStore('s3://no-such-bucket', options);
    await expect(noBucket.head('x')).rejects.toThrow('s3://no-such-bucket/x: not found');
    await expect(keys(noBucket, '')).rejects.toThrow(/bucket "no-such-bucket" does not exist/);
    await noBucket.close();
  });

  it('fails fast with a clear message when the endpoint is unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const s3 = openStore('s3://ocpsum', { ...options, endpoint });
    const started = Date.now();
    await expect(s3.head('x')).rejects.toThrow(`s3://ocpsum/x: cannot reach S3 endpoint ${endpoint} (ECONNREFUSED)`);
    expect(Date.now() - started).toBeLessThan(5000);
    await s3.close();
  });

  it('validates configuration from options and environment, saying what to fix', () => {
    expect(() => resolveS3Config('s3://Bad_Bucket/x', options)).toThrow(/bucket name "Bad_Bucket"/);
    expect(() => resolveS3Config('s3://ocpsum/../x', options)).toThrow(/\.\./);
    expect(() => resolveS3Config('s3://ocpsum', { env: { OCPSUM_S3_ENDPOINT: 'localhost:9000' } })).toThrow(
      /OCPSUM_S3_ENDPOINT must be an http\(s\) URL/,
    );
    expect(() => resolveS3Config('s3://ocpsum', { ...options, env: { OCPSUM_S3_PATH_STYLE: 'yes' } })).toThrow(
      /OCPSUM_S3_PATH_STYLE must be "true" or "false"/,
    );
    expect(() => resolveS3Config('s3://ocpsum', { endpoint: server.endpoint, env: {} })).toThrow(
      /set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    expect(() => resolveS3Config('s3://ocpsum', { ...options, partSize: 1000 })).toThrow(
      /partSize must be at least 5 MiB/,
    );
    const fromEnv = resolveS3Config('s3://ocpsum/p/', {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' },
    });
    expect(fromEnv).toMatchObject({ bucket: 'ocpsum', prefix: 'p', region: 'us-east-1', forcePathStyle: true });
    expect(resolveS3Config('s3://ocpsum', { env: {} }).forcePathStyle).toBe(false);
  });

  it('is what openStore gives for s3:// roots, with the configuration checked at once', async () => {
    const opened = openStore('s3://ocpsum/contract', options);
    expect(opened).not.toBeInstanceOf(LocalStore);
    expect(opened.root).toBe('s3://ocpsum/contract');
    await opened.close();
    expect(() => openStore('s3://', options)).toThrow();
  });
});
