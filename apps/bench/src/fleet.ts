import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { RunDocument, RunReport } from '@ocpsum/fleet';
import { startChild, stopChild, type Child, type RedisServer, type S3Server } from '@ocpsum/services';
import { DATASET } from './data.js';
import { finishedRun } from './run-document.js';
import { timed } from './timed.js';

export interface FleetOptions {
  cli: string;
  redis: RedisServer;
  s3: S3Server;
  prefix: string;
  threads: number;
  /** TMPDIR of every fleet process (their S3 download caches), a folder the benchmark removes. */
  tmp: string;
}

export interface FleetProcess {
  role: 'worker' | 'reducer';
  name: string;
  pid: number;
  /** Spawn → its ready log line. */
  startupMs: number;
  /** VmHWM just before it was stopped, bytes. */
  peakRssBytes?: number;
}

export interface FleetRun {
  runId: RunDocument['runId'];
  mode: RunDocument['mode'];
  chunks: number;
  /** Enqueue → output written, from the run's document (finishedAt − createdAt of its record). */
  recordMs: number;
  /** The last chunk's partial in Redis → output written: the day reduces and the commit. */
  afterChunksMs: number;
  /** The whole `ocpsum enqueue --wait` command: Node start-up, footers, planning, polling. */
  cliMs: number;
  cliPeakRssBytes: number;
  redisUsedBeforeBytes: number;
  /** `used_memory_peak` after the run (Redis restarted fresh for each size; see notes). */
  redisPeakBytes: number;
  partialBytes: number;
  report: RunReport;
}

/**
 * The environment every fleet process gets: the private S3 server's endpoint and keys, JSON logs, and a
 * temp folder of the benchmark's own, so nothing a process leaves there (a cache of one killed hard) outlives it.
 */
export function fleetEnv(s3: S3Server, tmp: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TMPDIR: tmp,
    OCPSUM_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    OCPSUM_LOG_FORMAT: 'json',
    OCPSUM_METRICS_PORT: '0',
  };
}

/** A worker or reducer, spawned and followed until it logs that it is ready. */
async function startProcess(
  options: FleetOptions,
  role: FleetProcess['role'],
  name: string,
  args: string[],
): Promise<{ process: FleetProcess; child: Child }> {
  const started = performance.now();
  const child = startChild(name, process.execPath, [options.cli, role, ...args], {
    env: fleetEnv(options.s3, options.tmp),
  });
  const startupMs = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${name} not ready after 60 s:\n${child.output()}`)), 60_000);
    const onData = (data: Buffer) => {
      seen = (seen + data.toString()).slice(-4000);
      if (/"event":"ready"/.test(seen)) done(() => resolve(performance.now() - started));
    };
    const onExit = () => fail(new Error(`${name} exited before it was ready:\n${child.output()}`));
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.process.stderr!.off('data', onData);
      child.process.stdout!.off('data', onData);
      child.process.off('exit', onExit);
      then();
    };
    const fail = (error: Error) => done(() => reject(error));
    child.process.stderr!.on('data', onData);
    child.process.stdout!.on('data', onData);
    child.process.once('exit', onExit);
  }).catch(async (error) => {
    await stopChild(child).catch(() => undefined);
    throw error;
  });
  return { process: { role, name, pid: child.process.pid!, startupMs }, child };
}

/** The fleet of one size: N workers and one reducer, started one after the other. */
export class Fleet {
  readonly processes: FleetProcess[] = [];
  private readonly children: Child[] = [];

  constructor(private readonly options: FleetOptions) {}

  async start(workers: number): Promise<void> {
    const common = ['--redis', this.options.redis.url, '--prefix', this.options.prefix];
    for (let i = 1; i <= workers; i++) {
      await this.add('worker', `worker-${i}`, [...common, '--threads', String(this.options.threads)]);
    }
    await this.add('reducer', 'reducer', common);
  }

  private async add(role: FleetProcess['role'], name: string, args: string[]): Promise<void> {
    const { process, child } = await startProcess(this.options, role, name, args);
    this.processes.push(process);
    this.children.push(child);
  }

  /** Reads each process's peak RSS (VmHWM), then stops them all (SIGTERM; SIGKILL after 30 s). */
  async stop(): Promise<void> {
    for (const [i, p] of this.processes.entries()) {
      if (p.peakRssBytes === undefined && !this.children[i].exited()) p.peakRssBytes = await vmHwm(p.pid);
    }
    const children = this.children.splice(0);
    await Promise.all(children.map((c) => stopChild(c, 30_000)));
  }

  /** One `ocpsum enqueue --wait` of the dataset at `root`, writing `csv`. */
  async run(root: string, options: { reference: string; csv: string; chunkRows: number }): Promise<FleetRun> {
    const redis = new Redis(this.options.redis.url, { maxRetriesPerRequest: 1 });
    // A lost connection fails the commands below; the client's own error events are not news.
    redis.on('error', () => undefined);
    try {
      await redis.config('RESETSTAT');
      const before = memoryInfo(await redis.info('memory'));
      const args = [this.options.cli, 'enqueue', '--root', root, '--org', DATASET.org, '--source', DATASET.source];
      args.push('--year', String(DATASET.year), '--month', String(DATASET.month), '--reference', options.reference);
      args.push('--out', options.csv, '--wait', '--chunk-rows', String(options.chunkRows));
      args.push('--redis', this.options.redis.url, '--prefix', this.options.prefix, '--json');
      const cli = await timed(process.execPath, args, fleetEnv(this.options.s3, this.options.tmp));
      const after = memoryInfo(await redis.info('memory'));
      const run = finishedRun(cli.stdout, cli.stderr);
      return {
        runId: run.runId,
        mode: run.mode,
        chunks: run.chunks,
        recordMs: run.durationMs,
        afterChunksMs: run.finishedAt - Math.max(run.createdAt, ...run.report.chunks.map((c) => c.doneAt)),
        cliMs: cli.wallMs,
        cliPeakRssBytes: cli.peakRssBytes,
        redisUsedBeforeBytes: before.used_memory,
        redisPeakBytes: after.used_memory_peak,
        partialBytes: run.report.chunks.reduce((n, c) => n + c.partialBytes, 0),
        report: run.report,
      };
    } finally {
      redis.disconnect();
    }
  }
}

function memoryInfo(info: string): { used_memory: number; used_memory_peak: number } {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return { used_memory: field('used_memory'), used_memory_peak: field('used_memory_peak') };
}

/** Peak resident set size of a live process, bytes (Linux `/proc/PID/status`). */
export async function vmHwm(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
