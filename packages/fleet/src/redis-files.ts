import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Redis } from 'ioredis';

/** Files move through Redis in slices of this many bytes, so no process holds a whole one. */
const SLICE = 8 * 1024 * 1024;

/** Stores a local file under `key` for `ttl` seconds, replacing what was there; returns its bytes. */
export async function putFile(redis: Redis, key: string, path: string, ttl: number): Promise<number> {
  await redis.del(key);
  let bytes = 0;
  for await (const slice of createReadStream(path, { highWaterMark: SLICE })) {
    await redis.append(key, slice as Buffer);
    bytes += (slice as Buffer).length;
  }
  // An empty file is an empty string, which Redis would not keep.
  if (bytes === 0) await redis.set(key, '');
  await redis.expire(key, ttl);
  return bytes;
}

/** Writes the value of `key` to a local file; `missing` says what was lost when Redis has no such key. */
export async function getFile(redis: Redis, key: string, path: string, missing: () => string): Promise<number> {
  const size = await redis.strlen(key);
  if (size === 0 && !(await redis.exists(key))) throw new Error(missing());
  const out = createWriteStream(path);
  try {
    for (let start = 0; start < size; start += SLICE) {
      const slice = await redis.getrangeBuffer(key, start, Math.min(start + SLICE, size) - 1);
      if (!out.write(slice)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return size;
}
