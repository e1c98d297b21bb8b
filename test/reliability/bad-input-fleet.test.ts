/**
 * The bad-input catalogue beyond test/cli/bad-input.test.ts (one file's contents, memory mode): an
 * object key that climbs out of the root, unreachable S3 and Redis for each command, and a fleet run
 * that fails on bad input over the outputs of an earlier run — marked failed, outputs untouched.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { Queue } from 'bullmq';
import { beforeAll, expect, test } from 'vitest';
import { queuePrefix } from '@ocpsum/fleet';
import { openStore } from '@ocpsum/storage';
import { freePort, type RedisServer, type S3Server } from '@ocpsum/services';
import { cliOk, ocpsum, type CliResult } from '../helpers/cli.js';
import {
  firstLine,
  fleetArgs,
  fleetWorld,
  runRecord,
  startFleet,
  startReducer,
  startWorker,
  type OcpsumChild,
  withRedis,
} from '../helpers/fleet.js';
import { makeDataset, podRow, removeDataset, reportFile, writePodUsage } from '../helpers/parquet.js';

// Its datasets are in the POC's layout, where a bad file sits in a folder of its own.
const world = fleetWorld('bad-input', { poc: { rows: 60_000, seed: 51, layout: 'poc' } });
const SOURCE = world.source('poc');
const ROOT = world.root;
const MONTH = `data/org1234567/OCP/source=${SOURCE}/year=2025/month=10`;
const dataset = (root = ROOT) => world.dataset('poc', { root });

/** `enqueue … --wait` of the dataset at `root` in chunks, one attempt each, writing `outs`. */
const chunkedRun = (root: string, prefix: string, outs: string[]) =>
  world.enqueue(
    'poc',
    prefix,
    ['--threshold', '1000', '--chunk-rows', '20000', '--attempts', '1', ...outs.flatMap((o) => ['--out', o]), '--wait'],
    { root },
  );

// The world's parts under the names the tests use; what they start in `children` stops after each test.
const children = world.processes;
let redis: RedisServer;
let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;
beforeAll(() => {
  ({ redis, s3, env, work } = world);
});

/** A command that must fail: non-zero exit, an `ocpsum: error:` message with every part (no stack trace), in seconds. */
async function fails(args: string[], extraEnv: NodeJS.ProcessEnv, ...parts: (string | RegExp)[]): Promise<CliResult> {
  const started = Date.now();
  const result = await ocpsum(args, { env: { ...env, ...extraEnv }, timeoutMs: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  expect(result.code, `ocpsum ${args[0]} exit code`).not.toBe(0);
  expect(result.stderr).toMatch(/ocpsum: error: /);
  for (const part of parts) expect(result.stderr).toMatch(part);
  expect(result.stderr, 'a message, not a stack trace').not.toMatch(/\n\s+at |Unhandled error event/);
  // Seconds, not a hang: generous for a loaded 2-core machine (a clean start of the CLI takes about 1 s).
  expect(seconds, `ocpsum ${args[0]} took ${seconds} s`).toBeLessThan(20);
  return result;
}

/** Keys of a prefix but the queues' `meta` (BullMQ writes it when a queue is opened): runs and jobs. */
const fleetKeys = (prefix: string) =>
  withRedis(redis.url, async (c) => (await c.keys(`${queuePrefix(prefix)}*`)).filter((key) => !key.endsWith(':meta')));

/**
 * An S3 endpoint that lists one more object than s3rver holds: a key with `..` segments under the
 * dataset's month, as AWS S3 would store it (s3rver itself cannot: it keeps objects as files and
 * resolves `..` away). Every other request goes through to s3rver.
 */
async function startClimbingS3(climbing: string): Promise<{ endpoint: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection') as [string, string][],
    );
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(`${s3.endpoint}${req.url}`, { method: req.method, headers, body });
    let bytes = Buffer.from(await answer.arrayBuffer());
    const url = new URL(req.url!, 'http://x');
    const prefix = url.searchParams.get('prefix');
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2' && prefix && climbing.startsWith(prefix)) {
      const entry = `<Contents><Key>${climbing}</Key><LastModified>2025-10-31T00:00:00.000Z</LastModified><ETag>"0f0f"</ETag><Size>4096</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      bytes = Buffer.from(bytes.toString('utf8').replace('</ListBucketResult>', `${entry}</ListBucketResult>`));
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)) out[name] = value;
    });
    res.writeHead(answer.status, out).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('an object key with ".." segments under the dataset is refused by name for run and enqueue; nothing is written', async () => {
  const key = `${MONTH}/day=01/../../../../../../../outside/openshift_pod_usage_line_items/part-0.parquet`;
  const { endpoint, server } = await startClimbingS3(`bad-input/${key}`);
  try {
    const viaProxy = { OCPSUM_S3_ENDPOINT: endpoint };
    const message = `invalid object key "${key}": "." and ".." segments would leave the root`;
    await fails(['run', '--mode', 'memory', ...dataset(), '--out', join(work, 'climb-run.csv')], viaProxy, message);
    const prefix = 'climb';
    await fails(
      ['enqueue', ...dataset(), ...fleetArgs(redis.url, prefix), '--out', join(work, 'climb-enqueue.csv')],
      viaProxy,
      message,
    );
    expect(existsSync(join(work, 'climb-run.csv'))).toBe(false);
    expect(existsSync(join(work, 'climb-enqueue.csv'))).toBe(false);
    // Refused while planning: no run recorded, no job queued.
    expect(await fleetKeys(prefix)).toEqual([]);
  } finally {
    server.close();
  }
});

test('unreachable S3: run and enqueue fail in seconds naming the endpoint; a worker that cannot reach it fails the run, and lives on', async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const down = { OCPSUM_S3_ENDPOINT: closed };
  const message = `cannot reach S3 endpoint ${closed}`;
  await fails(['run', '--mode', 'memory', ...dataset(), '--out', join(work, 's3-down.csv')], down, message);
  await fails(
    ['enqueue', ...dataset(), ...fleetArgs(redis.url, 's3-down'), '--out', join(work, 's3-down.csv')],
    down,
    message,
  );
  expect(await fleetKeys('s3-down')).toEqual([]);

  // A worker learns its roots from its jobs, so it cannot check S3 when it starts: its jobs fail instead.
  const prefix = 's3-down-worker';
  children.push(await startWorker(redis.url, prefix, 'worker (S3 down)', { ...env, ...down }));
  children.push(await startReducer(redis.url, prefix, 'reducer', env));
  const started = Date.now();
  const result = await ocpsum(chunkedRun(ROOT, prefix, [join(work, 's3-down.csv')]), { env, timeoutMs: 60_000 });
  expect(result.code).not.toBe(0);
  expect(result.stdout).toMatch(/: failed/);
  expect(result.stdout).toContain(message);
  expect((Date.now() - started) / 1000).toBeLessThan(30);
  expect(existsSync(join(work, 's3-down.csv'))).toBe(false);
  expect(children[0].exited(), 'the worker is still up').toBe(false);
});

test('unreachable Redis: every command that needs it fails in seconds naming the URL', async () => {
  const closed = `redis://127.0.0.1:${await freePort()}`;
  const fleet = fleetArgs(closed, 'nowhere');
  const message = `cannot reach Redis at ${closed}`;
  const out = join(work, 'redis-down.csv');
  await Promise.all([
    fails(['run', '--mode', 'fleet', ...dataset(), ...fleet, '--out', out], {}, message),
    fails(['enqueue', ...dataset(), ...fleet, '--out', out], {}, message),
    fails(['worker', ...fleet], { OCPSUM_METRICS_PORT: '0' }, message),
    fails(['reducer', ...fleet], { OCPSUM_METRICS_PORT: '0' }, message),
    fails(['status', '0123456789abcdef01234567', ...fleet], {}, message),
    fails(['board', ...fleet, '--port', '0'], {}, message),
  ]);
  expect(existsSync(out)).toBe(false);
});

/** Every file under a folder with its size, mtime and content hash. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const hash = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    files[relative(folder, path)] = `${info.size} ${info.mtimeMs} ${hash}`;
  }
  return files;
}

test('a fleet run failing on bad input is marked failed, names the file, and leaves the earlier CSV and Parquet outputs untouched', async () => {
  const prefix = 'failed-run';
  const root = 's3://ocpsum/failed-run';
  await cliOk(['generate', '--out', root, '--rows', '60000', '--source', SOURCE, '--seed', '52', '--layout', 'poc'], env);
  const fleet = await startFleet(redis.url, prefix, 1, env);
  children.push(...fleet.workers, fleet.reducer);
  const outputs = join(work, 'outputs');
  const args = chunkedRun(root, prefix, [join(outputs, 'summary.csv'), `${join(outputs, 'by-day')}/`]);
  await cliOk(args, env);
  const before = await snapshot(outputs);
  expect(Object.keys(before).filter((f) => f.endsWith('.parquet')).length).toBe(31);

  // One more pod usage file whose labels are not JSON: its footer is fine, so the run is planned and its chunk fails.
  const local = await makeDataset({ year: 2025, month: 10, source: SOURCE });
  const file = reportFile(local, 'openshift_pod_usage_line_items', { folder: 'day=15', file: 'part-9.parquet' });
  await writePodUsage(local, [podRow({ interval_start: '2025-10-15 00:00:00', pod_labels: '{"app": web' })], {
    folder: 'day=15',
    file: 'part-9.parquet',
  });
  const key = `${MONTH}/day=15/openshift_pod_usage_line_items/part-9.parquet`;
  const store = openStore(root, {
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  await store.put(key, await readFile(file));
  await store.close();
  await removeDataset(local);

  const result = await ocpsum(args, { env, timeoutMs: 120_000 });
  expect(result.code).not.toBe(0);
  const runId = firstLine(result.stdout);
  const status = await ocpsum(['status', runId, ...fleetArgs(redis.url, prefix)], { env });
  expect(status.code).toBe(1);
  expect(status.stdout).toContain(`run ${runId}: failed`);
  expect(status.stdout).toContain(key);
  expect(status.stdout).toMatch(/column "pod_labels".*malformed label JSON/);
  expect((await runRecord(redis.url, prefix, runId))!.status).toBe('failed');
  expect(await snapshot(outputs)).toEqual(before);
}, 300_000);

/** The chunk jobs of a prefix as BullMQ holds them: state, attempts made and allowed, the reason of the last failure. */
async function chunkJobs(prefix: string) {
  return withRedis(redis.url, async (connection) => {
    const queue = new Queue('chunks', { connection, prefix: queuePrefix(prefix) });
    try {
      const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed']);
      return Promise.all(
        jobs.map(async (job) => ({
          state: await job.getState(),
          attemptsMade: job.attemptsMade,
          attempts: job.opts.attempts,
          failedReason: job.failedReason,
        })),
      );
    } finally {
      await queue.close();
    }
  });
}

/** The failed attempts of chunk jobs a worker logged (its JSON log lines): attempt number and whether it was the last. */
function loggedChunkFailures(worker: OcpsumChild): { attempt: number; final: boolean }[] {
  return worker
    .all()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string; queue?: string; attempt: number; final: boolean })
    .filter((entry) => entry.event === 'job.failed' && entry.queue === 'chunks')
    .map(({ attempt, final }) => ({ attempt, final }));
}

/** Enqueues a run of `root` as one chunk (3 attempts, the default) and waits for its verdict: the run id and what `ocpsum status` says. */
async function oneChunkRun(root: string, prefix: string, out: string) {
  const args = [...dataset(root), ...fleetArgs(redis.url, prefix), '--threshold', '0', '--chunk-rows', '1000000'];
  const result = await ocpsum(['enqueue', ...args, '--out', out, '--wait'], { env, timeoutMs: 120_000 });
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  const runId = firstLine(result.stdout);
  const status = await ocpsum(['status', runId, ...fleetArgs(redis.url, prefix)], { env });
  expect(status.code).toBe(1);
  expect(status.stdout).toContain(`run ${runId}: failed`);
  return { runId, status: status.stdout };
}

test('a bad file fails its chunk on the first of 3 attempts, and the run, naming the file, the column and the value', async () => {
  const prefix = 'bad-file';
  const root = 's3://ocpsum/bad-file';
  // Two days of pod usage; the second file's interval_start strings include one that is no timestamp.
  const local = await makeDataset({ year: 2025, month: 10, source: SOURCE });
  await writePodUsage(local, [podRow({ pod_usage_cpu_core_seconds: 60 })]);
  await writePodUsage(
    local,
    [podRow({ interval_start: '2025-10-02 00:00:00 +0000 UTC' }), podRow({ pod: 'p2', interval_start: 'yesterday at noon' })],
    { folder: 'day=02', intervalType: 'VARCHAR' },
  );
  const store = openStore(root, { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  for (const entry of await readdir(local.root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    await store.put(relative(local.root, path), await readFile(path));
  }
  await store.close();
  await removeDataset(local);
  const fleet = await startFleet(redis.url, prefix, 1, env);
  children.push(...fleet.workers, fleet.reducer);

  const out = join(work, 'bad-file.csv');
  const { runId, status } = await oneChunkRun(root, prefix, out);
  const key = `${MONTH}/day=02/openshift_pod_usage_line_items/part-0.parquet`;
  const reason = `${key}: column "interval_start": 1 values are not a timestamp, such as "yesterday at noon"`;
  expect(await chunkJobs(prefix)).toEqual([
    { state: 'failed', attemptsMade: 1, attempts: 3, failedReason: expect.stringContaining(reason) },
  ]);
  expect(loggedChunkFailures(fleet.workers[0])).toEqual([{ attempt: 1, final: true }]);
  expect(status).toContain(reason);
  const record = (await runRecord(redis.url, prefix, runId))!;
  expect(record.status).toBe('failed');
  expect(record.error).toContain(reason);
  expect(existsSync(out)).toBe(false);
}, 300_000);

test('a worker that cannot reach S3 tries the chunk 3 times before the run fails', async () => {
  const prefix = 's3-down-attempts';
  const closed = `http://127.0.0.1:${await freePort()}`;
  const worker = await startWorker(redis.url, prefix, 'worker (S3 down)', { ...env, OCPSUM_S3_ENDPOINT: closed });
  children.push(worker);
  children.push(await startReducer(redis.url, prefix, 'reducer', env));

  const out = join(work, 's3-down-attempts.csv');
  const { runId, status } = await oneChunkRun(ROOT, prefix, out);
  const reason = `cannot reach S3 endpoint ${closed}`;
  expect(await chunkJobs(prefix)).toEqual([
    { state: 'failed', attemptsMade: 3, attempts: 3, failedReason: expect.stringContaining(reason) },
  ]);
  expect(loggedChunkFailures(worker)).toEqual([
    { attempt: 1, final: false },
    { attempt: 2, final: false },
    { attempt: 3, final: true },
  ]);
  expect(status).toContain(reason);
  expect((await runRecord(redis.url, prefix, runId))!.error).toContain(reason);
  expect(existsSync(out)).toBe(false);
  expect(worker.exited(), 'the worker is still up').toBe(false);
}, 300_000);
