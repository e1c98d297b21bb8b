import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
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

/** Writes the value of `key` to a local file; `missing` says what was lost when Redis has no such key. */
export async function getFile(redis: Redis, key: string, path: string, missing: () => string): Promise<number> {
  const first = await redis.getrangeBuffer(key, 0, SLICE - 1);
  if (first.length === 0 && !(await redis.exists(key))) throw new Error(missing());
  if (first.length < SLICE) {
    await writeFile(path, first);
    return first.length;
  }
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for (let slice = first; slice.length > 0; slice = await redis.getrangeBuffer(key, bytes, bytes + SLICE - 1)) {
      if (!out.write(slice)) await once(out, 'drain');
      bytes += slice.length;
      if (slice.length < SLICE) break;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return bytes;
}
