/**
 * Secrets stay out of everything a person or a log collector sees. A fleet runs against a Redis that
 * requires a password (given in the URL), an S3 secret key in the environment and a board with basic
 * auth; runs succeed and fail, wrong credentials are tried. Every line of every process (workers,
 * reducer, board, enqueue, status, failing commands) and everything the fleet keeps in Redis
 * (run records and reports, job payloads and results, events) is searched for the secrets.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runKey } from '@ocpsum/fleet';
import { freePort } from '@ocpsum/services';
import type { CliResult } from '../helpers/cli.js';
import { dumpPrefix, firstLine, fleetArgs, fleetWorld, withRedis } from '../helpers/fleet.js';

const REDIS_PASSWORD = 's3cret-pass';
const S3_SECRET = 's3-secret-key-Wq7ZpL2';
const BOARD_PASSWORD = 'board-pw-Kx93vT';
const WRONG_PASSWORDS = ['wrong-redis-pw-81', 'wrong-board-pw-42'];
const SECRETS = [
  REDIS_PASSWORD,
  S3_SECRET,
  BOARD_PASSWORD,
  ...WRONG_PASSWORDS,
  Buffer.from(`admin:${BOARD_PASSWORD}`).toString('base64'),
  Buffer.from(`admin:${WRONG_PASSWORDS[1]}`).toString('base64'),
];

const world = fleetWorld(
  'secrets',
  { month: { rows: 30_000, seed: 1 } },
  {
    redis: { password: REDIS_PASSWORD },
    env: {
      // s3rver checks the access key id only (it does not verify V4 signatures), so any secret key works.
      AWS_SECRET_ACCESS_KEY: S3_SECRET,
      OCPSUM_BOARD_USER: 'admin',
      OCPSUM_BOARD_PASSWORD: BOARD_PASSWORD,
      OCPSUM_LOG_FORMAT: 'json',
      OCPSUM_DEBUG: '1',
    },
  },
);
const dataset = (root?: string) => world.dataset('month', { root });

test('the Redis password, the S3 secret key and the board password appear in no output and nowhere in Redis', async () => {
  const { redis } = world;
  expect(redis.url).toContain(`:${REDIS_PASSWORD}@`);
  const prefix = 'secrets';
  const fleet = fleetArgs(redis.url, prefix);
  const outputs: { name: string; text: () => string }[] = [];
  const cli = async (name: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await world.ocpsum(args, { env: extra, timeoutMs: 120_000 });
    outputs.push({ name, text: () => result.stdout + result.stderr });
    return result;
  };

  const processes = await Promise.all([
    world.start('worker', [...fleet, '--threads', '2'], { name: 'worker' }),
    world.start('reducer', fleet, { name: 'reducer' }),
    world.start('board', [...fleet, '--port', '0'], { name: 'board' }),
    // Workers whose S3 endpoint is down: their runs fail, and the failures are logged with their causes.
    world.start('worker', [...fleetArgs(redis.url, 'secrets-down'), '--threads', '1'], {
      name: 'worker (S3 down)',
      env: { OCPSUM_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` },
    }),
    world.start('reducer', fleetArgs(redis.url, 'secrets-down'), { name: 'reducer (S3 down)' }),
  ]);
  for (const p of processes) outputs.push({ name: p.name, text: p.all });
  let runId = '';
  try {
    // A chunked run that succeeds, then its report.
    const run = await cli('enqueue', [
      'enqueue',
      ...dataset(),
      ...fleet,
      '--threshold',
      '1000',
      '--chunk-rows',
      '10000',
      '--out',
      join(world.work, 'ok.csv'),
      '--wait',
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    runId = firstLine(run.stdout);
    expect((await cli('status', ['status', runId, ...fleet])).code).toBe(0);

    // A run whose chunks cannot be read, and failing commands: their errors are printed too.
    const down = await cli('enqueue (S3 down for workers)', [
      'enqueue',
      ...dataset(),
      ...fleetArgs(redis.url, 'secrets-down'),
      '--threshold',
      '1000',
      '--chunk-rows',
      '10000',
      '--attempts',
      '1',
      '--out',
      join(world.work, 'down.csv'),
      '--wait',
    ]);
    expect(down.code).not.toBe(0);
    expect(down.stdout).toMatch(/cannot reach S3 endpoint/);
    const downId = firstLine(down.stdout);
    expect((await cli('status (failed run)', ['status', downId, ...fleetArgs(redis.url, 'secrets-down')])).code).toBe(
      1,
    );
    const missingBucket = await cli('enqueue (no such bucket)', [
      'enqueue',
      ...dataset('s3://no-such-bucket/x'),
      ...fleet,
      '--out',
      join(world.work, 'never.csv'),
    ]);
    expect(missingBucket.stderr).toMatch(/no-such-bucket/);
    const wrongRedis = await cli('status (wrong Redis password)', [
      'status',
      runId,
      ...fleetArgs(redis.url.replace(REDIS_PASSWORD, WRONG_PASSWORDS[0]), prefix),
    ]);
    expect(wrongRedis.code).not.toBe(0);
    expect(wrongRedis.stderr).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);

    // The board: refused without or with wrong credentials, served with the right ones.
    const board = /board \d+: (http:\/\/[^\s/]+)/.exec(processes[2].all())![1];
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
    });
    expect((await fetch(`${board}/`)).status).toBe(401);
    expect((await fetch(`${board}/`, { headers: basic(WRONG_PASSWORDS[1]) })).status).toBe(401);
    const page = await fetch(`${board}/api/queues`, { headers: basic(BOARD_PASSWORD) });
    expect(page.status).toBe(200);
    outputs.push({
      name: 'board API answer',
      text: (
        (text) => () =>
          text
      )(await page.text()),
    });
  } finally {
    // Stopped with SIGTERM, so their closing lines are captured too.
    await world.stopProcesses();
  }

  const stored = {
    'run record': await withRedis(redis.url, async (c) => JSON.stringify(await c.hgetall(runKey(prefix, runId)))),
    'every key of the fleet': (await dumpPrefix(redis.url, prefix)) + (await dumpPrefix(redis.url, 'secrets-down')),
  };
  expect(stored['run record']).toMatch(/"status":"done"/);
  expect(stored['run record']).toMatch(/"report"/);
  // The searches below are not vacuous: the URL with the password was printed (masked), payloads were read.
  expect(processes[0].all()).toContain('redis://:***@127.0.0.1');
  expect(stored['every key of the fleet']).toContain(world.root);
  const everything = [
    ...outputs.map(({ name, text }) => ({ name, text: text() })),
    ...Object.entries(stored).map(([name, text]) => ({ name, text })),
  ];
  for (const { name, text } of everything) {
    expect(text.length, `${name} captured`).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(text.includes(secret), `${name} shows ${secret}`).toBe(false);
  }
  const lines = everything.reduce((n, { text }) => n + text.split('\n').length, 0);
  console.log(
    `[secrets] searched ${lines} lines from ${everything.length} sources (${everything.map((e) => e.name).join(', ')})`,
  );
}, 300_000);
