/**
 * The fleet end to end, with real processes and real servers: a private redis-server and s3rver,
 * `ocpsum worker` and `ocpsum coordinator` as separate OS processes, runs enqueued with the CLI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, startS3, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv } from '../helpers/csv.js';
import { cliOk, firstLine, fleetArgs, runRecord, s3Env, startFleet, withRedis } from '../helpers/fleet-run.js';

const SOURCE = '0d6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const SMALL = '1e6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const ROOT = 's3://ocpsum/reports';

let redis: RedisServer;
let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;
const children: Child[] = [];

const dataset = (source: string) => ['--root', ROOT, '--source', source, '--year', '2025', '--month', '10'];
const fleet = (prefix: string) => fleetArgs(redis.url, prefix);
const cli = (args: string[]) => cliOk(args, env);

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3()]);
  env = s3Env(s3);
  work = await mkdtemp(join(tmpdir(), 'ocpsum-fleet-'));
  await cli(['generate', '--out', ROOT, '--rows', '300000', '--source', SOURCE, '--seed', '7']);
  // The small one in the POC's layout, so the fleet reads both.
  await cli(['generate', '--out', ROOT, '--rows', '50000', '--source', SMALL, '--seed', '8', '--layout', 'poc']);
  await cli(['run', '--mode', 'memory', ...dataset(SOURCE), '--out', join(work, 'memory.csv')]);
  await cli(['run', '--mode', 'memory', ...dataset(SMALL), '--out', join(work, 'small-memory.csv')]);
}, 600_000);

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  await Promise.all([redis?.stop(), s3?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a 300K-row dataset on S3, 3 worker processes and a coordinator', () => {
  test('the fleet writes the same rows as memory mode, chunks and day reduces spread over the workers', async () => {
    const { workers, coordinator } = await startFleet(redis.url, 'e2e', 3, env);
    children.push(...workers, coordinator);
    const out = join(work, 'fleet.csv');
    const { stdout } = await cli([
      'enqueue',
      ...dataset(SOURCE),
      ...fleet('e2e'),
      '--chunk-rows',
      '20000',
      // A day reduce per day, however small the days.
      '--day-bytes',
      '1',
      '--out',
      out,
      '--wait',
    ]);
    const runId = firstLine(stdout);
    const rows = await expectSameCsv(out, join(work, 'memory.csv'));
    expect(rows).toBeGreaterThan(1000);

    const run = (await runRecord(redis.url, 'e2e', runId))!;
    expect(run.status).toBe('done');
    expect(run.mode).toBe('chunks');
    expect(run.report!.chunks).toHaveLength(run.chunks);
    const pids = new Set(run.report!.chunks.map((c) => c.worker.split(':')[1]));
    expect(pids).toEqual(new Set(workers.map((w) => String(w.process.pid))));
    expect(run.report!.rowsIn.pod).toBe(300_000);
    // One day reduce per day of the month (--day-bytes 1), each once, run by more than one worker.
    const days = run.report!.days.flatMap((d) => d.days);
    expect(days).toEqual(Array.from({ length: 31 }, (_, i) => `2025-10-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(run.report!.days.map((d) => d.worker)).size).toBeGreaterThan(1);
    expect(run.report!.days.reduce((n, d) => n + d.counts.pod + d.counts.storage + d.counts.unallocated, 0)).toBe(rows);

    const status = await cli(['status', runId, ...fleet('e2e')]);
    expect(status.stdout).toMatch(new RegExp(`run ${runId}: done`));
    expect(status.stdout).toMatch(/rows in: +300,000 pod/);

    const partials = await withRedis(redis.url, (c) => c.keys('{e2e}:run:*:partial:*'));
    expect(partials, 'partials removed after the run').toEqual([]);
    const staged = await withRedis(redis.url, (c) => c.keys('{e2e}:run:*:staged:*'));
    expect(staged, 'staged outputs removed after the run').toEqual([]);
  });
});

describe('ocpsum run --mode fleet', () => {
  test('runs a whole fleet in its own process, exits when done, and matches memory mode', async () => {
    const out = join(work, 'in-process.csv');
    const result = await ocpsum(
      [
        'run',
        '--mode',
        'fleet',
        ...dataset(SMALL),
        ...fleet('inproc'),
        '--threshold',
        '1000',
        '--chunk-rows',
        '10000',
        '--out',
        out,
      ],
      { env, timeoutMs: 120_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: done \(chunks, (\d+)\/\1 chunks/);
    await expectSameCsv(out, join(work, 'small-memory.csv'));
  });
});
