/**
 * The fleet tests' one fixture. `fleetWorld` gives a test file its world: a private redis-server and
 * s3rver, a scratch folder, and named datasets generated under one root (with their memory-mode
 * summaries when asked); it stops the processes a test started once that test ends, and the world
 * once the file ends. Below it are the pieces it is made of (processes, Redis, polling), for a test
 * that needs one on its own.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RunRecords, queuePrefix, type RunRecord } from '@ocpsum/fleet';
import {
  startChild,
  startRedis,
  startS3,
  stopChild,
  waitReady,
  type Child,
  type RedisServer,
  type S3Server,
} from '@ocpsum/services';
import { openStore } from '@ocpsum/storage';
import { CLI, cliOk, ocpsum, type CliResult } from './cli.js';

// ---------------------------------------------------------------------------------------------
// The world

/** A dataset of the world: one source, generated for each of its months of 2025. */
export interface DatasetSpec {
  rows: number;
  seed: number;
  layout?: 'poc';
  /** Months of 2025 (default October only); month i is generated with seed `seed + i`. */
  months?: number[];
  /** Also summarized in memory mode, each month, for a fleet run to be compared with (memoryCsv). */
  memory?: boolean;
}

export interface WorldOptions {
  /** The redis-server's options; false for none (the file starts its own). */
  redis?: { persistence?: boolean; password?: string } | false;
  /** false: no S3 server, the datasets under a local folder (WORK/root). */
  s3?: boolean;
  /** More environment for every command and process of the world. */
  env?: NodeJS.ProcessEnv;
}

export type Role = 'worker' | 'reducer' | 'board';

export interface FleetWorld<D extends string> {
  readonly redis: RedisServer;
  readonly s3: S3Server;
  /** Environment that points the CLI at the world's S3 server (and the options' env). */
  readonly env: NodeJS.ProcessEnv;
  /** A scratch folder, removed with the world. */
  readonly work: string;
  /** Where the datasets are: `s3://ocpsum/NAME`, or WORK/root without S3. */
  readonly root: string;
  /** The processes the world stops when a test ends; a test may add ones it started itself. */
  readonly processes: Child[];
  /** A dataset's source id: its own, made from the world's and the dataset's names. */
  source(dataset: D): string;
  /** `--root ROOT --source S --year 2025 --month M`. */
  dataset(dataset: D, options?: { month?: number; root?: string }): string[];
  /** The dataset's memory-mode summary (a dataset made with `memory: true`). */
  memoryCsv(dataset: D, month?: number): string;
  /** `--redis URL --prefix P`. */
  fleet(prefix: string, redisUrl?: string): string[];
  /** The arguments of `enqueue` of a dataset onto a prefix, then `flags`. */
  enqueue(
    dataset: D,
    prefix: string,
    flags?: string[],
    options?: { month?: number; root?: string; redisUrl?: string },
  ): string[];
  /** Runs the CLI; throws with its output unless it exits 0. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Runs the CLI, whatever its exit code. */
  ocpsum(args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  /** Starts a long-running process, waiting for its `ROLE PID: ` ready line. */
  start(role: Role, args: string[], options?: ProcessOptions): Promise<OcpsumChild>;
  /** A worker (2 threads) on a prefix of the world's Redis, or of `redisUrl`. */
  worker(prefix: string, options?: ProcessOptions & { redisUrl?: string }): Promise<OcpsumChild>;
  /** A reducer on a prefix of the world's Redis, or of `redisUrl`. */
  reducer(prefix: string, options?: ProcessOptions & { redisUrl?: string }): Promise<OcpsumChild>;
  /** `workers` workers and a reducer on a prefix. */
  startFleet(
    prefix: string,
    workers: number,
    options?: { redisUrl?: string },
  ): Promise<{ workers: OcpsumChild[]; reducer: OcpsumChild }>;
  record(prefix: string, runId: string): Promise<RunRecord | null>;
  keys(pattern: string): Promise<string[]>;
  withQueue<T>(prefix: string, queue: string, use: (queue: Queue) => Promise<T>): Promise<T>;
  /** Puts a local file into the world's S3 server as `key` under `root`. */
  put(root: string, key: string, file: string): Promise<void>;
  stopProcesses(): Promise<void>;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Its name in error messages (default ROLE-N). */
  name?: string;
}

/**
 * The world of one test file, made before its tests and removed after them. Its getters throw
 * before it is made, so read them inside tests and hooks.
 */
export function fleetWorld<D extends string>(
  name: string,
  datasets: Record<D, DatasetSpec>,
  options: WorldOptions = {},
): FleetWorld<D> {
  let redis: RedisServer | undefined;
  let s3: S3Server | undefined;
  let work: string | undefined;
  let env: NodeJS.ProcessEnv = { ...options.env };
  const processes: Child[] = [];
  let count = 0;
  const made = <T>(part: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`fleet world ${name}: no ${part} (not made yet, or not asked for)`);
    return value;
  };
  const useS3 = options.s3 !== false;
  const redisUrl = () => made('Redis', redis).url;
  /** `--source S --year 2025 --month M`. */
  const sourceMonth = (dataset: D, month: number) => [
    '--source',
    world.source(dataset),
    '--year',
    '2025',
    '--month',
    String(month),
  ];

  const world: FleetWorld<D> = {
    get redis() {
      return made('Redis', redis);
    },
    get s3() {
      return made('S3 server', s3);
    },
    get env() {
      return env;
    },
    get work() {
      return made('work folder', work);
    },
    get root() {
      return useS3 ? `s3://ocpsum/${name}` : join(world.work, 'root');
    },
    processes,
    source: (dataset) => sourceId(`${name}/${dataset}`),
    dataset: (dataset, { month: m = 10, root = world.root } = {}) => ['--root', root, ...sourceMonth(dataset, m)],
    memoryCsv(dataset, month = 10) {
      const spec = datasets[dataset];
      if (!spec.memory || !(spec.months ?? [10]).includes(month))
        throw new Error(`fleet world ${name}: dataset ${dataset} has no memory-mode summary of month ${month}`);
      return join(world.work, `memory-${dataset}-${month}.csv`);
    },
    fleet: (prefix, url = redisUrl()) => fleetArgs(url, prefix),
    enqueue: (dataset, prefix, flags = [], { redisUrl: url, ...where } = {}) => [
      'enqueue',
      ...world.dataset(dataset, where),
      ...world.fleet(prefix, url),
      ...flags,
    ],
    cli: (args, extra = {}) => cliOk(args, { ...env, ...extra }),
    ocpsum: (args, { env: extra = {}, timeoutMs } = {}) => ocpsum(args, { env: { ...env, ...extra }, timeoutMs }),
    async start(role, args, { env: extra = {}, name: processName = `${role}-${++count}` } = {}) {
      const child = await startOcpsum(processName, [role, ...args], { ...env, ...extra }, new RegExp(`${role} \\d+: `));
      processes.push(child);
      return child;
    },
    worker: (prefix, { redisUrl: url, ...rest } = {}) =>
      world.start('worker', [...world.fleet(prefix, url), '--threads', '2'], rest),
    reducer: (prefix, { redisUrl: url, ...rest } = {}) => world.start('reducer', world.fleet(prefix, url), rest),
    async startFleet(prefix, workers, { redisUrl: url } = {}) {
      const started = await Promise.all(Array.from({ length: workers }, () => world.worker(prefix, { redisUrl: url })));
      return { workers: started, reducer: await world.reducer(prefix, { redisUrl: url }) };
    },
    record: (prefix, runId) => runRecord(redisUrl(), prefix, runId),
    keys: (pattern) => withRedis(redisUrl(), (client) => client.keys(pattern)),
    withQueue: (prefix, queue, use) => withQueue(redisUrl(), prefix, queue, use),
    async put(root, key, file) {
      const server = world.s3;
      const store = openStore(root, {
        endpoint: server.endpoint,
        accessKeyId: server.accessKeyId,
        secretAccessKey: server.secretAccessKey,
      });
      try {
        await store.put(key, await readFile(file));
      } finally {
        await store.close();
      }
    },
    async stopProcesses() {
      await Promise.all(processes.splice(0).map((c) => stopChild(c)));
    },
  };

  beforeAll(async () => {
    // Each part is kept as soon as it runs, so afterAll removes what a failing start left.
    work = await mkdtemp(join(tmpdir(), `ocpsum-${name}-`));
    await Promise.all([
      options.redis !== false && startRedis(options.redis).then((server) => (redis = server)),
      useS3 && startS3().then((server) => (s3 = server)),
    ]);
    if (s3) env = { ...s3Env(s3), ...options.env };
    for (const [dataset, spec] of Object.entries(datasets) as [D, DatasetSpec][]) {
      for (const [i, m] of (spec.months ?? [10]).entries()) {
        const layout = spec.layout ? ['--layout', spec.layout] : [];
        const size = ['--rows', String(spec.rows), '--seed', String(spec.seed + i)];
        await world.cli(['generate', '--out', world.root, ...sourceMonth(dataset, m), ...size, ...layout]);
        if (!spec.memory) continue;
        const memory = ['run', '--mode', 'memory', ...world.dataset(dataset, { month: m })];
        await world.cli([...memory, '--out', world.memoryCsv(dataset, m)]);
      }
    }
  }, 600_000);

  afterEach(() => world.stopProcesses());

  afterAll(async () => {
    await world.stopProcesses();
    await Promise.all([redis?.stop(), s3?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  return world;
}

/** A source id in the shape of a UUID, the same for the same name and different for another. */
function sourceId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Environment that points the CLI at a private s3rver. */
function s3Env(s3: S3Server): NodeJS.ProcessEnv {
  return {
    OCPSUM_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface OcpsumChild extends Child {
  /** Base URL of its /metrics and /healthz (the board's own URL), as its ready line says. */
  opsUrl?: string;
  /** Every line it wrote (output() keeps only the last few KB). */
  all(): string;
}

/**
 * A long-running `ocpsum` process (worker, reducer, board), ready once it has said so. Its
 * metrics server takes any free port unless `env` says otherwise, so processes never collide.
 */
export async function startOcpsum(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<OcpsumChild> {
  const child = startChild(name, process.execPath, [CLI, ...args], {
    env: { ...process.env, OCPSUM_METRICS_PORT: '0', ...env },
  });
  let all = '';
  const keep = (data: Buffer) => (all += data.toString());
  child.process.stdout!.on('data', keep);
  child.process.stderr!.on('data', keep);
  await waitReady(child, async () => ready.test(all));
  const opsUrl = /(http:\/\/[^\s"/]+)\/metrics/.exec(all)?.[1];
  return Object.assign(child, { opsUrl, all: () => all });
}

export const fleetArgs = (redisUrl: string, prefix: string) => ['--redis', redisUrl, '--prefix', prefix];

/** A worker process on a prefix, ready. */
export const startWorker = (redisUrl: string, prefix: string, name: string, env: NodeJS.ProcessEnv) =>
  startOcpsum(name, ['worker', ...fleetArgs(redisUrl, prefix), '--threads', '2'], env, /worker \d+: /);

/** A reducer process on a prefix, ready. */
export const startReducer = (redisUrl: string, prefix: string, name: string, env: NodeJS.ProcessEnv) =>
  startOcpsum(name, ['reducer', ...fleetArgs(redisUrl, prefix)], env, /reducer \d+: /);

/** `workers` worker processes and one reducer on a prefix, each ready. */
export async function startFleet(redisUrl: string, prefix: string, workers: number, env: NodeJS.ProcessEnv) {
  const started = await Promise.all(
    Array.from({ length: workers }, (_, i) => startWorker(redisUrl, prefix, `worker-${i}`, env)),
  );
  const reducer = await startReducer(redisUrl, prefix, 'reducer', env);
  return { workers: started, reducer };
}

export { stopChild };

/** The fleet job a worker or reducer is working on now, from its JSON log lines (undefined when idle). */
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

/** The run id an `enqueue` or `run` printed first. */
export const firstLine = (text: string) => text.split('\n')[0].trim();

// ---------------------------------------------------------------------------------------------
// Redis

export async function withRedis<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** One of a prefix's BullMQ queues, closed after `use`. */
export const withQueue = <T>(url: string, prefix: string, name: string, use: (queue: Queue) => Promise<T>) =>
  withRedis(url, async (client) => {
    const queue = new Queue(name, { connection: client, prefix: queuePrefix(prefix) });
    try {
      return await use(queue);
    } finally {
      await queue.close();
    }
  });

export const runRecord = (url: string, prefix: string, runId: string): Promise<RunRecord | null> =>
  withRedis(url, (c) => new RunRecords(c, prefix).get(runId));

/** Resolves once `count` chunk jobs of the prefix have completed (or one is active, for count 0). */
export const chunksProgressed = (url: string, prefix: string, count = 0): Promise<true> =>
  withQueue(url, prefix, 'chunks', (queue) =>
    pollFor(
      `chunks of {${prefix}} progressing`,
      async () => {
        const done = count === 0 ? await queue.getActiveCount() : await queue.getCompletedCount();
        return done >= Math.max(count, 1) || undefined;
      },
      { everyMs: 50 },
    ),
  );

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

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Polls `check` every `everyMs` until it gives a value other than undefined; a check that throws
 * counts as not yet. Throws after `timeoutMs`, with the last error.
 */
export async function pollFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 60_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      const last = failure instanceof Error ? `: ${failure.message}` : '';
      throw new Error(`${what}: not after ${timeoutMs} ms${last}`, { cause: failure });
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
