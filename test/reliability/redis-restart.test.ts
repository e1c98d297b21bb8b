/**
 * Redis restarted in the middle of a run. Without persistence the run's state is gone: the run
 * fails loudly and nothing is written. With persistence (AOF) the run completes with the same rows
 * as a clean run. Never a silently wrong result.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRedis, startS3, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv } from '../helpers/csv.js';
import { chunksProgressed, cliOk, fleetArgs, s3Env, startFleet } from '../helpers/fleet-run.js';

const SOURCE = '4c6d1a4e-5a3b-4f7e-9c1d-2e8f3a4b5c6d';
const ROOT = 's3://ocpsum/restart';
const dataset = ['--root', ROOT, '--source', SOURCE, '--year', '2025', '--month', '10'];

let s3: S3Server;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  s3 = await startS3();
  env = s3Env(s3);
  work = await mkdtemp(join(tmpdir(), 'ocpsum-restart-'));
  await cliOk(['generate', '--out', ROOT, '--rows', '200000', '--source', SOURCE, '--seed', '11'], env);
  await cliOk(['run', '--mode', 'memory', ...dataset, '--out', join(work, 'memory.csv')], env);
}, 300_000);

afterAll(async () => {
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function restartMidRun(persistence: boolean) {
  const redis: RedisServer = await startRedis({ persistence });
  const children: Child[] = [];
  try {
    const fleet = await startFleet(redis.url, 'restart', 2, env);
    children.push(...fleet.workers, fleet.coordinator);
    const out = join(work, `fleet-${persistence}.csv`);
    const enqueue = ocpsum([...['enqueue', ...dataset], ...fleetArgs(redis.url, 'restart'), '--chunk-rows', '20000', '--deadline', '120', '--out', out, '--wait'], {
      env,
      timeoutMs: 240_000,
    });
    await chunksProgressed(redis.url, 'restart', 2);
    await redis.restart();
    const result = await enqueue;
    // The fleet itself survives: the processes are still up after the restart.
    expect(children.every((c) => !c.exited())).toBe(true);
    return { result, out, redis };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    await redis.stop();
  }
}

test('without persistence the run fails loudly and writes nothing', async () => {
  const { result, out } = await restartMidRun(false);
  expect(result.code).not.toBe(0);
  expect(result.stderr + result.stdout).toMatch(/vanished from Redis while in progress|not found/);
  expect(existsSync(out)).toBe(false);
});

test('with persistence (AOF) the run completes with the clean rows', async () => {
  const { result, out } = await restartMidRun(true);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  expect(result.stdout).toMatch(/: done/);
  await expectSameCsv(out, join(work, 'memory.csv'));
});
