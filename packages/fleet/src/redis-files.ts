import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';

/** Files move through Redis in slices of this many bytes, so no process holds a whole one. */
const SLICE = 8 * 1024 * 1024;

/** Stores a local file under `key` for `ttl` seconds, replacing what was there; returns its bytes. */
export async function putFile(redis: Redis, key: string, path: string, ttl: number): Promise<number> {
  const { size } = await stat(path);
  // Most files (a chunk's day) are small: one command, no stream buffers of a slice's size.
  if (size <= SLICE) {
    await redis.set(key, await readFile(path), 'EX', ttl);
    return size;
  }
  await redis.del(key);
  let bytes = 0;
  for await (const slice of createReadStream(path, { highWaterMark: SLICE })) {
    await redis.append(key, slice as Buffer);
    bytes += (slice as Buffer).length;
  }
  await redis.expire(key, ttl);
  return bytes;
}

/** The value of `key`, slice by slice; `missing` says what was lost when Redis has no such key. */
export async function* readFileSlices(redis: Redis, key: string, missing: () => string): AsyncGenerator<Buffer> {
  for (let bytes = 0; ; ) {
    const slice = await redis.getrangeBuffer(key, bytes, bytes + SLICE - 1);
    if (bytes === 0 && slice.length === 0 && !(await redis.exists(key))) throw new Error(missing());
    if (slice.length > 0) yield slice;
    bytes += slice.length;
    if (slice.length < SLICE) return;
  }
}

/** Writes the value of `key` to a local file; `missing` says what was lost when Redis has no such key. */
export async function getFile(redis: Redis, key: string, path: string, missing: () => string): Promise<number> {
  await pipeline(readFileSlices(redis, key, missing), createWriteStream(path));
  return (await stat(path)).size;
}
