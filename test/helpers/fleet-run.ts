import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RunRecords, queuePrefix, type RunRecord } from '@ocpsum/fleet';
import { startChild, waitReady, type Child, type S3Server } from '@ocpsum/services';
import { CLI, ocpsum, type CliResult } from './cli.js';
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
  if (result.code !== 0)
    throw new Error(`ocpsum ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result;
}

export const fleetArgs = (redisUrl: string, prefix: string) => ['--redis', redisUrl, '--prefix', prefix];

/** `workers` worker processes and one coordinator on a prefix, each ready. */
export async function startFleet(redisUrl: string, prefix: string, workers: number, env: NodeJS.ProcessEnv) {
  const started = await Promise.all(
    Array.from({ length: workers }, (_, i) => startWorker(redisUrl, prefix, `worker-${i}`, env)),
  );
  const coordinator = await startCoordinator(redisUrl, prefix, 'coordinator', env);
  return { workers: started, coordinator };
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

/** A worker process on a prefix, ready. */
export const startWorker = (redisUrl: string, prefix: string, name: string, env: NodeJS.ProcessEnv) =>
  startOcpsum(name, ['worker', ...fleetArgs(redisUrl, prefix), '--threads', '2'], env, /worker \d+: /);

/** A coordinator (reducer) process on a prefix, ready. */
export const startCoordinator = (redisUrl: string, prefix: string, name: string, env: NodeJS.ProcessEnv) =>
  startOcpsum(name, ['coordinator', ...fleetArgs(redisUrl, prefix)], env, /coordinator \d+: /);

/** The fleet job a worker or coordinator is working on now, from its JSON log lines (undefined when idle). */
export function jobInProgress(child: Child): string | undefined {
  const running = new Set<string>();
  for (const line of child.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { event?: string; jobId?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // the first line of the kept tail may be cut
    }
    if (!entry.jobId) continue;
    if (entry.event === 'job.started') running.add(entry.jobId);
    else if (entry.event === 'job.completed' || entry.event === 'job.failed') running.delete(entry.jobId);
  }
  return [...running].pop();
}

/** Polls `check` every `everyMs` until it gives a value; throws after `timeoutMs`. */
export async function pollFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 60_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Samples Redis `used_memory` every `everyMs` until stopped; resolves with the peak in bytes. */
export function sampleRedisMemory(url: string, everyMs = 100): { stop(): Promise<{ peak: number; samples: number }> } {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  let peak = 0;
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const info = await client.info('memory');
      const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
      if (Number.isFinite(used)) {
        peak = Math.max(peak, used);
        samples++;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      try {
        await loop;
      } finally {
        client.disconnect();
      }
      return { peak, samples };
    },
  };
}

/**
 * Every value Redis holds under a prefix (hashes, strings, lists, sets, sorted sets, streams), as one
 * text: what a reader of Redis could see.
 */
export async function dumpPrefix(url: string, prefix: string): Promise<string> {
  return withRedis(url, async (client) => {
    const parts: string[] = [];
    for (const key of await client.keys(`${queuePrefix(prefix)}*`)) {
      const type = await client.type(key);
      let value: unknown;
      if (type === 'hash') value = await client.hgetall(key);
      else if (type === 'string') value = (await client.getBuffer(key))?.toString('latin1');
      else if (type === 'list') value = await client.lrange(key, 0, -1);
      else if (type === 'set') value = await client.smembers(key);
      else if (type === 'zset') value = await client.zrange(key, 0, -1);
      else if (type === 'stream') value = await client.xrange(key, '-', '+');
      parts.push(`${key} (${type}): ${JSON.stringify(value)}`);
    }
    return parts.join('\n');
  });
}

/**
 * A long-running `ocpsum` process whose whole output is kept (Child.output() keeps only a tail), for
 * tests that must see every line it wrote.
 */
export async function startOcpsumCapturing(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<Child & { all(): string }> {
  const child = startChild(name, process.execPath, [CLI, ...args], {
    env: { ...process.env, OCPSUM_METRICS_PORT: '0', ...env },
  });
  let all = '';
  child.process.stdout!.on('data', (d: Buffer) => (all += d.toString()));
  child.process.stderr!.on('data', (d: Buffer) => (all += d.toString()));
  await waitReady(child, async () => ready.test(all));
  return Object.assign(child, { all: () => all });
}
