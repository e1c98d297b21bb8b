import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, startS3, type RedisServer, type S3Server } from '@ocpsum/services';
import type { CliResult } from './cli.js';
import { startOcpsum, stopChild, type OcpsumChild } from './fleet.js';
import { cliOk, fleetArgs, s3Env } from './fleet-run.js';

/**
 * A fleet's world for one test file: a private redis-server and s3rver, generated datasets under
 * one S3 root, and the ocpsum processes started in it (stopped by `stop()`).
 */
export interface FleetWorld {
  redis: RedisServer;
  s3: S3Server;
  /** Environment that points the CLI at the S3 server. */
  env: NodeJS.ProcessEnv;
  /** A scratch folder, removed by stop(). */
  work: string;
  root: string;
  /** `--root ROOT --source S --year 2025 --month 10`. */
  dataset(source: string): string[];
  /** `--redis URL --prefix P`. */
  fleet(prefix: string, redisUrl?: string): string[];
  /** Runs the CLI; throws with its output unless it exits 0. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Starts a long-running process, waiting for its `ROLE PID: ` ready line. */
  start(role: 'worker' | 'coordinator' | 'board', args: string[], env?: NodeJS.ProcessEnv): Promise<OcpsumChild>;
  stop(): Promise<void>;
}

export async function startFleetWorld(
  root: string,
  datasets: { source: string; rows: number; seed: number }[],
): Promise<FleetWorld> {
  const [redis, s3] = await Promise.all([startRedis(), startS3()]);
  const env = s3Env(s3);
  const work = await mkdtemp(join(tmpdir(), 'ocpsum-ops-'));
  const children: OcpsumChild[] = [];
  let count = 0;
  const world: FleetWorld = {
    redis,
    s3,
    env,
    work,
    root,
    dataset: (source) => ['--root', root, '--source', source, '--year', '2025', '--month', '10'],
    fleet: (prefix, redisUrl = redis.url) => fleetArgs(redisUrl, prefix),
    cli: (args, extra = {}) => cliOk(args, { ...env, ...extra }),
    async start(role, args, extra = {}) {
      const child = await startOcpsum(
        `${role}-${++count}`,
        [role, ...args],
        { ...env, ...extra },
        new RegExp(`${role} \\d+: `),
      );
      children.push(child);
      return child;
    },
    async stop() {
      await Promise.all(children.map((c) => stopChild(c)));
      await Promise.all([redis.stop(), s3.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
  try {
    for (const { source, rows, seed } of datasets) {
      await world.cli(['generate', '--out', root, '--rows', String(rows), '--source', source, '--seed', String(seed)]);
    }
  } catch (error) {
    await world.stop();
    throw error;
  }
  return world;
}

/** GET over HTTP; never rejects for an HTTP status. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** One sample of a Prometheus text exposition: `name{a="b"}` → value (labels as written, in order). */
export function sample(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

/** Polls until `check` resolves truthy (or throws its last error after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`still ${String(value)} after ${timeoutMs} ms`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
