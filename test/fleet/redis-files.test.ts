/** Files through Redis as the fleet moves partials and staged outputs: whole, in slices, empty, or lost. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { getFile, putFile } from '@ocpsum/fleet';
import { startRedis, type RedisServer } from '@ocpsum/services';

let server: RedisServer;
let redis: Redis;
let folder: string;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  folder = await mkdtemp(join(tmpdir(), 'ocpsum-redis-files-'));
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

test.each([
  ['empty', 0],
  ['small', 1000],
  ['exactly one slice', 8 * 2 ** 20],
  ['several slices', 8 * 2 ** 20 * 2 + 12345],
])('a %s file comes back byte for byte, and expires', async (name, size) => {
  const bytes = randomBytes(size);
  const source = join(folder, `${name}.in`);
  const back = join(folder, `${name}.out`);
  await writeFile(source, bytes);
  expect(await putFile(redis, `files:${name}`, source, 60)).toBe(size);
  expect(await getFile(redis, `files:${name}`, back, () => 'lost')).toBe(size);
  expect((await readFile(back)).equals(bytes)).toBe(true);
  const ttl = await redis.ttl(`files:${name}`);
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(60);
});

test('a file put again replaces the longer one before it; a key Redis lost says what was lost', async () => {
  const long = join(folder, 'long');
  const short = join(folder, 'short');
  await writeFile(long, randomBytes(8 * 2 ** 20 + 1));
  await writeFile(short, 'short');
  await putFile(redis, 'files:again', long, 60);
  await putFile(redis, 'files:again', short, 60);
  await getFile(redis, 'files:again', join(folder, 'again'), () => 'lost');
  expect(await readFile(join(folder, 'again'), 'utf8')).toBe('short');
  await expect(getFile(redis, 'files:none', join(folder, 'none'), () => 'partial 3 of day 01 is gone')).rejects.toThrow(
    'partial 3 of day 01 is gone',
  );
});
