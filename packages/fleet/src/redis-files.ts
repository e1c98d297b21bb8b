import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';

/**
 * Files move through Redis in slices of this many bytes, so no process holds a whole one; small
 * slices also streamed the commit's staged output faster than 8 MiB ones (README, "Benchmark").
 */
const SLICE = 1024 * 1024;

/** Stores a local file under `key` for `ttl` seconds, replacing what was there; returns its bytes. */
export async function putFile(redis: Redis, key: string, path: string, ttl: number): Promise<number> {
  const { size } = await stat(path);
  // A small file (most of a chunk's days) is one command, no stream buffers of a slice's size.
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

/**
 * The value of `key`, slice by slice; `missing` says what was lost when Redis has no such key. The
 * next slice is asked for before this one is handed on, so Redis sends while the caller writes.
 */
export async function* readFileSlices(redis: Redis, key: string, missing: () => string): AsyncGenerator<Buffer> {
  const ask = (from: number) => {
    const slice = redis.getrangeBuffer(key, from, from + SLICE - 1);
    slice.catch(() => undefined); // a caller that stops early leaves it unawaited
    return slice;
  };
  let next = ask(0);
  for (let bytes = 0; ; ) {
    const slice = await next;
    if (bytes === 0 && slice.length === 0 && !(await redis.exists(key))) throw new Error(missing());
    bytes += slice.length;
    const more = slice.length === SLICE;
    if (more) next = ask(bytes);
    if (slice.length > 0) yield slice;
    if (!more) return;
  }
}

/** Writes the value of `key` to a local file; `missing` says what was lost when Redis has no such key. */
export async function getFile(redis: Redis, key: string, path: string, missing: () => string): Promise<number> {
  await pipeline(readFileSlices(redis, key, missing), createWriteStream(path));
  return (await stat(path)).size;
}
