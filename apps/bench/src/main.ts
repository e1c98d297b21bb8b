#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openEngine } from '@ocpsum/kernel';
import { findExecutable, startRedis, startS3, type RedisServer, type S3Server } from '@ocpsum/services';
import { checkPassed, type BaselineResult } from './baseline.js';
import { VARIANTS, type BaselineVariant } from './baseline-sql.js';
import { Cleanup, progress } from './cleanup.js';
import { DATASET, ENABLED_KEYS, ensureDataset, filesOfType, uploadDataset, type Dataset } from './data.js';
import { Fleet, type FleetRun } from './fleet.js';
import { memoryRun, type MemoryRun } from './memory.js';
import { markdownReport, textReport } from './report.js';
import type { BaselineResultSet, BenchResults, MachineInfo, SizeResult } from './results.js';
import { parseSize, sizeLabel, spread } from './stats.js';
import { benchChart } from './svg.js';
import { evaluateTargets } from './targets.js';
import { checkTimeAvailable, killTimedCommands, timed } from './timed.js';

// The pinned AWS SDK supports Node 20; its notice about future releases is noise (as in the CLI).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const BASELINE_CHILD = fileURLToPath(new URL('./baseline-child.js', import.meta.url));
/** Sizes from this many rows run once whatever --repeat says, to keep the whole benchmark within its time budget. */
const SINGLE_RUN_ROWS = 5_000_000;
const PATHS = ['memory', 'fleet', 'straightforward', 'tuned'] as const;
type PathName = (typeof PATHS)[number];

interface Flags {
  sizes: number[];
  workers: number;
  threads?: number;
  memoryThreads: number;
  baselineThreads: number;
  repeat: number;
  data: string;
  out: string;
  chunkRows: number;
  seed: number;
  paths: PathName[];
}

const whole = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

const program = new Command('ocpsum-bench')
  .description('measures ocpsum (in memory and as a fleet) and a DuckDB SQL baseline on generated datasets')
  .addOption(
    new Option('--sizes <list>', 'pod usage row counts, comma-separated (22k, 100k, 1m, 10m, or plain numbers)')
      .default([22_000, 1_000_000, 10_000_000], '22k,1m,10m')
      .argParser((v) => {
        try {
          return v.split(',').map(parseSize);
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message);
        }
      }),
  )
  .option('--workers <n>', 'fleet worker processes', whole('--workers', 1, 64), 2)
  .option(
    '--threads <n>',
    'DuckDB threads per fleet worker (default: the CPUs shared among the workers, at least 1: the fleet runs on this one machine)',
    whole('--threads', 1, 256),
  )
  .option(
    '--memory-threads <n>',
    "DuckDB threads of the in-memory run (default: the CPUs, as `ocpsum run`'s own default)",
    whole('--memory-threads', 1, 256),
    availableParallelism(),
  )
  .option(
    '--baseline-threads <n>',
    'DuckDB threads of the baseline queries (default: the CPUs; more threads than cores made them slower here)',
    whole('--baseline-threads', 1, 256),
    availableParallelism(),
  )
  .option(
    '--repeat <n>',
    `runs of each measurement (sizes from ${SINGLE_RUN_ROWS / 1e6}M rows: 1)`,
    whole('--repeat', 1, 100),
    3,
  )
  .option('--data <dir>', 'where generated datasets are kept and reused', 'bench/data')
  .option('--out <dir>', 'where results go (JSON, Markdown, SVG)', 'bench/results')
  .option('--chunk-rows <n>', 'fleet chunk size in rows', whole('--chunk-rows', 1000, 1e9), 1_000_000)
  .option('--seed <n>', 'generator seed', whole('--seed', 0, 2 ** 31 - 1), 1)
  .addOption(
    new Option('--paths <list>', `what to measure, comma-separated: ${PATHS.join(', ')}`)
      .default([...PATHS], PATHS.join(','))
      .argParser((v) => {
        const list = v.split(',').map((p) => p.trim());
        const bad = list.filter((p) => !(PATHS as readonly string[]).includes(p));
        if (bad.length) throw new InvalidArgumentError(`unknown path ${bad.join(', ')}: use ${PATHS.join(', ')}`);
        return list as PathName[];
      }),
  )
  .action(async (flags: Flags) => {
    process.exitCode = await bench(flags);
  });

await program.parseAsync();

async function bench(options: Flags): Promise<number> {
  // Workers of more threads than their share of the cores contend: on 2 cores, 2 × 1 threads beat
  // 2 × 2 and 2 × 4 (README, "Benchmark").
  const flags = { ...options, threads: options.threads ?? Math.max(1, Math.floor(availableParallelism() / options.workers)) };
  checkTimeAvailable();
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run npm run build first`);
  const started = new Date();
  const cleanup = new Cleanup();
  cleanup.onSignals();
  cleanup.add('stop running commands', killTimedCommands);
  const tmp = await mkdtemp(join(tmpdir(), 'ocpsum-bench-'));
  cleanup.add('remove temp folder', () => rm(tmp, { recursive: true, force: true }));
  const dataDir = resolve(flags.data);
  const outDir = resolve(flags.out);
  const reference = join(tmp, 'reference.yml');
  await writeFile(reference, `enabled_keys: [${ENABLED_KEYS.join(', ')}]\n`);

  const results: BenchResults = {
    startedAt: started.toISOString(),
    options: {
      sizes: flags.sizes.map(sizeLabel),
      workers: flags.workers,
      threads: flags.threads,
      memoryThreads: flags.memoryThreads,
      baselineThreads: flags.baselineThreads,
      repeat: flags.repeat,
      chunkRows: flags.chunkRows,
      seed: flags.seed,
    },
    machine: await machineInfo(),
    notes: [],
    sizes: [],
  };
  const note = (text: string) => {
    results.notes.push(text);
    progress(`note: ${text}`);
  };
  const wants = (path: PathName) => flags.paths.includes(path);
  if (flags.repeat > 1 && flags.sizes.some((rows) => rows >= SINGLE_RUN_ROWS)) {
    note(
      `sizes of ${SINGLE_RUN_ROWS / 1e6}M rows and more ran once (--repeat 1), to keep the benchmark within 20 minutes`,
    );
  }
  if (wants('fleet')) {
    note(
      "Redis peak = used_memory_peak after the size's runs; redis-server is restarted for every size because CONFIG RESETSTAT " +
        'does not reset the peak on this Redis version',
    );
    note(
      'every fleet run reads its own freshly uploaded copy of the dataset, so worker caches are cold as in production; ' +
        'the upload is not timed as part of the run',
    );
  }
  note(
    'baseline wall = the DuckDB query alone (result materialized in a temp table); its peak RSS is that of its own process',
  );

  let failed = false;
  try {
    let services: { redis: RedisServer; s3: S3Server } | undefined;
    const fleetServices = async () => {
      if (services) return services;
      progress('starting private redis-server and s3rver…');
      const s3 = await startS3({ buckets: ['bench'] });
      cleanup.add('stop s3rver', () => s3.stop());
      const redis = await startRedis();
      cleanup.add('stop redis-server', () => redis.stop());
      results.machine.redis = redisVersion();
      services = { redis, s3 };
      return services;
    };

    for (const rows of flags.sizes) {
      const repeat = rows >= SINGLE_RUN_ROWS ? 1 : flags.repeat;
      const label = sizeLabel(rows);
      const dataset = await ensureDataset(CLI, dataDir, rows, flags.seed);
      const size: SizeResult = {
        label,
        rows,
        repeat,
        data: {
          dir: dataset.dir,
          files: dataset.keys.length,
          bytes: dataset.bytes,
          generatedMs: dataset.generatedMs,
          reused: dataset.reused,
        },
        baselines: {},
        targets: [],
        errors: [],
      };
      results.sizes.push(size);
      const attempt = async (what: string, work: () => Promise<void>) => {
        try {
          await work();
        } catch (error) {
          failed = true;
          size.errors.push(`${what}: ${(error as Error).message}`);
          progress(`${label}: ${what} FAILED: ${(error as Error).message}`);
        }
      };

      // ocpsum's CSV of the first in-memory run: the baselines' pod rows are checked against it.
      let checkCsv: string | undefined;
      if (wants('memory')) {
        await attempt('memory', async () => {
          const runs: MemoryRun[] = [];
          for (let r = 1; r <= repeat; r++) {
            progress(`${label}: memory run ${r}/${repeat}…`);
            const csv = join(tmp, `memory-${label}-${r}.csv`);
            const run = await memoryRun(CLI, dataset, { threads: flags.memoryThreads, reference, csv });
            if (r === 1) checkCsv = csv;
            else await rm(csv, { force: true });
            runs.push(run);
            progress(
              `${label}: memory run ${r}/${repeat}: ${(run.wallMs / 1000).toFixed(2)} s, ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
            );
          }
          size.memory = {
            runs,
            wall: spread(runs.map((r) => r.wallMs)),
            peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
            podRows: runs[0].rowsOut.pod,
          };
        });
      }

      if (wants('fleet')) {
        await attempt('fleet', async () => {
          const { redis, s3 } = await fleetServices();
          const s3Options = { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
          // Each run reads a copy it has never seen (workers keep downloaded objects for the life of the process).
          const upload = async (r: number) => {
            const root = `s3://bench/${label}/r${r}`;
            progress(`${label}: uploading ${dataset.keys.length} files to s3rver (${root})…`);
            const ms = await uploadDataset(dataset, root, s3Options);
            size.data.uploadMs ??= ms;
            return root;
          };
          // A fresh Redis per size: its peak memory is this size's alone.
          await redis.restart();
          const fleetTmp = join(tmp, `fleet-${label}`);
          await mkdir(fleetTmp);
          const fleet = new Fleet({ cli: CLI, redis, s3, prefix: 'bench', threads: flags.threads, tmp: fleetTmp });
          const stopFleet = cleanup.add(`stop the ${label} fleet`, () => fleet.stop());
          try {
            progress(`${label}: starting ${flags.workers} workers × ${flags.threads} threads and a reducer…`);
            await fleet.start(flags.workers);
            const runs: FleetRun[] = [];
            for (let r = 1; r <= repeat; r++) {
              const root = await upload(r);
              progress(`${label}: fleet run ${r}/${repeat}…`);
              const csv = join(tmp, `fleet-${label}-${r}.csv`);
              const run = await fleet.run(root, { reference, csv, chunkRows: flags.chunkRows });
              await rm(csv, { force: true });
              runs.push(run);
              progress(
                `${label}: fleet run ${r}/${repeat}: ${(run.recordMs / 1000).toFixed(2)} s enqueue → output ` +
                  `(${run.mode === 'whole' ? 'routed to whole' : `${run.chunks} chunks`}), command ${(run.cliMs / 1000).toFixed(2)} s`,
              );
            }
            await stopFleet();
            size.fleet = {
              processes: fleet.processes,
              runs,
              wall: spread(runs.map((r) => r.recordMs)),
              cliWall: spread(runs.map((r) => r.cliMs)),
              redisPeakBytes: Math.max(...runs.map((r) => r.redisPeakBytes)),
              partialBytes: runs[runs.length - 1].partialBytes,
              podRows: runs[0].report.rowsOut.pod ?? NaN,
            };
          } finally {
            await stopFleet();
          }
        });
      }

      for (const variant of ['tuned', 'straightforward'] as const) {
        if (!wants(variant)) continue;
        await attempt(`baseline ${variant}`, async () => {
          size.baselines[variant] = await baselineRuns(
            dataset,
            variant,
            repeat,
            flags.baselineThreads,
            checkCsv,
            label,
            tmp,
          );
        });
      }
      if (checkCsv) await rm(checkCsv, { force: true });
      size.targets = evaluateTargets(size);
      for (const t of size.targets) {
        progress(
          `${label}: target ${t.path} ${t.what}: ${+t.value.toFixed(2)} ${t.unit} ${t.ok ? '✓' : '✗'} ≤ ${t.limit} ${t.unit}`,
        );
      }
    }
  } catch (error) {
    failed = true;
    note(`stopped early: ${(error as Error).message}`);
  } finally {
    await cleanup.runAll();
  }

  results.finishedAt = new Date().toISOString();
  results.durationMs = Date.now() - started.getTime();
  if (results.sizes.length) {
    await mkdir(outDir, { recursive: true });
    const stamp = results.startedAt.replace(/[:.]/g, '-');
    const json = `${JSON.stringify(results, null, 2)}\n`;
    await writeFile(join(outDir, `${stamp}.json`), json);
    await writeFile(join(outDir, 'latest.json'), json);
    await writeFile(join(outDir, 'latest.md'), markdownReport(results));
    await writeFile(join(outDir, 'latest.svg'), benchChart(results));
    console.log(textReport(results));
    console.log(
      `\nwrote ${join(flags.out, `${stamp}.json`)}, latest.json, latest.md, latest.svg in ${flags.out} ` +
        `(benchmark took ${(results.durationMs / 60_000).toFixed(1)} min)`,
    );
  }
  return failed ? 1 : 0;
}

/** `repeat` runs of one baseline query, each in its own process under GNU time; the first also checks ocpsum's rows. */
async function baselineRuns(
  dataset: Dataset,
  variant: BaselineVariant,
  repeat: number,
  threads: number,
  checkCsv: string | undefined,
  label: string,
  tmp: string,
): Promise<BaselineResultSet> {
  if (!VARIANTS.includes(variant)) throw new Error(`unknown baseline ${variant}`);
  const input = {
    podFiles: filesOfType(dataset, 'pod_usage'),
    nodeLabelFiles: filesOfType(dataset, 'node_labels'),
    namespaceLabelFiles: filesOfType(dataset, 'namespace_labels'),
    enabledKeys: ENABLED_KEYS,
    year: DATASET.year,
    month: DATASET.month,
  };
  const runs: BaselineResultSet['runs'] = [];
  let first: BaselineResult | undefined;
  for (let r = 1; r <= repeat; r++) {
    progress(`${label}: baseline ${variant} run ${r}/${repeat}…`);
    const request = { variant, input, threads, checkCsv: r === 1 ? checkCsv : undefined };
    // DuckDB may spill to its temp directory: one inside the benchmark's temp folder.
    const env = { ...process.env, TMPDIR: tmp };
    const run = await timed(process.execPath, [BASELINE_CHILD, JSON.stringify(request)], env);
    const result = JSON.parse(run.stdout) as BaselineResult;
    first ??= result;
    runs.push({ queryMs: result.queryMs, processWallMs: run.wallMs, peakRssBytes: run.peakRssBytes });
    progress(
      `${label}: baseline ${variant} run ${r}/${repeat}: query ${(result.queryMs / 1000).toFixed(2)} s, ${result.rows} pod rows`,
    );
  }
  const check = first!.check && { ...first!.check, passed: checkPassed(first!.check, first!.rows) };
  if (check && !check.passed)
    progress(`${label}: baseline ${variant} pod rows DIFFER from ocpsum's: ${JSON.stringify(check)}`);
  return {
    runs,
    wall: spread(runs.map((r) => r.queryMs)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    rows: first!.rows,
    check,
  };
}

async function machineInfo(): Promise<MachineInfo> {
  const engine = await openEngine(1);
  const duckdb = String((await engine.db.runAndReadAll('SELECT version()')).getRows()[0][0]);
  engine.close();
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    platform: process.platform,
    kernel: release(),
    loadAverageAtStart: loadavg(),
    duckdb,
  };
}

function redisVersion(): string | undefined {
  const binary = findExecutable('redis-server');
  if (!binary) return undefined;
  const version = /v=(\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1];
  return version && `Redis ${version}`;
}
