import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RunRecords, queuePrefix, type RunRecord } from '@ocpsum/fleet';
import type { Child, S3Server } from '@ocpsum/services';
import { ocpsum, type CliResult } from './cli.js';
import { startOcpsum } from './fleet.js';

/** Environment that points the CLI at a private s3rver. */
export function s3Env(s3: S3Server): NodeJS.ProcessEnv {
  return {
    OCPSUM_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

/** Runs the CLI and insists it succeeds, showing its output when it does not. */
export async function cliOk(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const result = await ocpsum(args, { env, timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`ocpsum ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result;
}

export const fleetArgs = (redisUrl: string, prefix: string) => ['--redis', redisUrl, '--prefix', prefix];

/** `workers` worker processes and one coordinator on a prefix, each ready. */
export async function startFleet(redisUrl: string, prefix: string, workers: number, env: NodeJS.ProcessEnv) {
  const started = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      startOcpsum(`worker-${i}`, ['worker', ...fleetArgs(redisUrl, prefix), '--threads', '2'], env, /worker \d+: /),
    ),
  );
  const coordinator = await startOcpsum('coordinator', ['coordinator', ...fleetArgs(redisUrl, prefix)], env, /coordinator \d+: /);
  return { workers: started as Child[], coordinator: coordinator as Child };
}

export async function withRedis<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

export const runRecord = (url: string, prefix: string, runId: string): Promise<RunRecord | null> =>
  withRedis(url, (c) => new RunRecords(c, prefix).get(runId));

/** Resolves once `count` chunk jobs of the prefix have completed (or one is active, for count 0). */
export async function chunksProgressed(url: string, prefix: string, count = 0): Promise<void> {
  await withRedis(url, async (client) => {
    const queue = new Queue('chunks', { connection: client, prefix: queuePrefix(prefix) });
    try {
      for (let i = 0; i < 1200; i++) {
        const done = count === 0 ? await queue.getActiveCount() : await queue.getCompletedCount();
        if (done >= Math.max(count, 1)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`chunks of {${prefix}} did not progress`);
    } finally {
      await queue.close();
    }
  });
}

export const firstLine = (text: string) => text.split('\n')[0].trim();
