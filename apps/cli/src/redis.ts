import { redactUrl } from '@ocpsum/core';
import { Redis } from 'ioredis';

/** A Redis client that fails fast with a clear message when the server cannot be reached. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  // Without a listener ioredis prints each connection error with a stack trace; the cause goes in our message.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(cause ?? (error as Error)).message}`);
  }
  // Reachable at start: from now on ride out restarts instead of failing on the first lost connection.
  redis.options.retryStrategy = (times) => Math.min(times * 100, 1000);
  return redis;
}
