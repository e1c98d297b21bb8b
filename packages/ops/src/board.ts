import type { RequestListener } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { QUEUES, queuePrefix } from '@ocpsum/fleet';

export interface BoardOptions {
  redisUrl: string;
  prefix: string;
  /** No retry, promote, clean or remove from the UI. */
  readOnly?: boolean;
}

export interface Board {
  /** Serves the UI and its API at `/`. */
  listener: RequestListener;
  close(): Promise<void>;
}

const DESCRIPTIONS: Record<string, string> = {
  [QUEUES.chunks]: 'one job per row range of a large run; each writes a partial aggregate to Redis',
  [QUEUES.reduce]: 'one job per large run; waits for its chunks, then starts its day reduces',
  [QUEUES.days]: 'one job per group of consecutive days of a large run; merges their partials, stages their outputs',
  [QUEUES.commit]: 'one job per large run; waits for its days, then makes every output visible',
  [QUEUES.whole]: 'one job per small run: the whole dataset in one worker, in memory',
};

/** Bull Board over every queue of a prefix (QUEUES). */
export function createBoard(options: BoardOptions): Board {
  // Fails fast while Redis is away, so the UI shows an error instead of hanging.
  const redis = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
  });
  redis.on('error', () => {});
  const prefix = queuePrefix(options.prefix);
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection: redis, prefix }));
  for (const queue of queues) queue.on('error', () => {});

  const serverAdapter = new HonoAdapter(serveStatic).setBasePath('/');
  createBullBoard({
    queues: queues.map(
      (queue) => new BullMQAdapter(queue, { readOnlyMode: !!options.readOnly, description: DESCRIPTIONS[queue.name] }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: `ocpsum ${prefix}` } },
  });
  const app = new Hono();
  app.route('/', serverAdapter.registerPlugin());
  return {
    listener: getRequestListener(app.fetch),
    async close() {
      await Promise.all(queues.map((q) => q.close().catch(() => {})));
      redis.disconnect();
    },
  };
}
