import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import type { RunSpec } from '@ocpsum/core';
import type { RunDocument } from '@ocpsum/fleet';
import { findInput, monthLabel, rangeRows, windowRanges, type DatasetInput } from '@ocpsum/input';
import { summarize, type Summary } from '@ocpsum/kernel';
import { redactUrl } from '@ocpsum/core';
import {
  checkPostgresReachable,
  writeOutputs,
  type OutputTiming,
} from '@ocpsum/sinks';
import { openStore } from '@ocpsum/storage';
import { addDatasetOptions, integer, reportDataset, specFromFlags, type DatasetFlags } from '../dataset-options.js';
import { addFleetOptions, addPlanOptions, type FleetFlags, type PlanFlags } from '../fleet-options.js';
import { count, describeSink, jsonOption, jsonText, seconds } from '../format.js';

type RunFlags = DatasetFlags &
  FleetFlags &
  PlanFlags & { out: string[]; threads: number; mode: 'memory' | 'fleet' | 'auto'; json: boolean };

export function runCommand(): Command {
  return addPlanOptions(
    addFleetOptions(
      addDatasetOptions(new Command('run').description('summarize one source × month and write the daily summary')),
    ),
  )
    .addOption(
      new Option(
        '--mode <mode>',
        'memory: in this process; fleet: a whole fleet in this process (needs Redis); auto: by --threshold',
      )
        .choices(['memory', 'fleet', 'auto'])
        .default('memory'),
    )
    .option(
      '--out <target...>',
      'FILE.csv, FILE.parquet, a folder or s3://… for Parquet by day, postgres://…?schema=NAME (repeatable)',
    )
    .option(
      '--threads <n>',
      'DuckDB threads (default: the CPUs; more threads than cores made runs slower)',
      integer('--threads', 1, 256),
      availableParallelism(),
    )
    .addOption(jsonOption('the run'))
    .action(async (flags: RunFlags) => {
      const createdAt = Date.now();
      const started = performance.now();
      const spec = await specFromFlags(flags);
      await checkPostgresReachable(flags.out);
      // Found once: its footers decide the mode and feed the run.
      const input = await inputOf(flags, spec);
      reportDataset(input.dataset);
      const mode =
        flags.mode === 'auto'
          ? rangeRows(windowRanges(input.files, spec), 'openshift_pod_usage_line_items') < flags.threshold
            ? 'memory'
            : 'fleet'
          : flags.mode;
      if (mode === 'memory') {
        const store = openStore(flags.root);
        try {
          const summary = await summarize({ store, spec, input, threads: flags.threads });
          try {
            const writes = await writeOutputs(flags.out, summary, spec);
            const elapsedMs = performance.now() - started;
            console.log(
              flags.json
                ? jsonText(memoryDocument(summary, spec, { createdAt, elapsedMs, writes }))
                : describeRun(summary, elapsedMs, flags.out, writes),
            );
          } finally {
            summary.close();
          }
        } finally {
          await store.close();
        }
        return;
      }
      const record = await runFleetInProcess(flags, spec, input);
      const { printRun } = await import('../report.js');
      printRun(record, flags.json);
      if (record.status !== 'done') throw new Error(`run ${record.runId} ${record.status}: ${record.error ?? ''}`);
    });
}

/** A reducer and a worker in this process, the run enqueued and followed to its end. */
async function runFleetInProcess(flags: RunFlags, spec: RunSpec, input: DatasetInput) {
  // Loaded here: memory runs need none of the fleet.
  const [{ FleetWorker, Reducer }, { connectRedis }, { enqueueAndMaybeWait }] = await Promise.all([
    import('@ocpsum/fleet'),
    import('../redis.js'),
    import('./enqueue.js'),
  ]);
  (await connectRedis(flags.redis)).disconnect();
  const reducer = await Reducer.start({ redisUrl: flags.redis, prefix: flags.prefix });
  const worker = await FleetWorker.start({
    redisUrl: flags.redis,
    prefix: flags.prefix,
    threads: flags.threads,
    concurrency: 1,
    partialTtl: 3600,
  });
  try {
    return await enqueueAndMaybeWait(flags, spec, true, input);
  } finally {
    await worker.close();
    await reducer.close();
  }
}

async function inputOf(flags: RunFlags, spec: RunSpec): Promise<DatasetInput> {
  const store = openStore(flags.root);
  try {
    return await findInput(store, spec, flags.layout);
  } finally {
    await store.close();
  }
}

export function describeRun(
  result: Summary,
  elapsedMs: number,
  outputs: string[],
  writes: OutputTiming[] = [],
): string {
  const { rowsIn, counts } = result;
  const lines = [
    `read   ${count(rowsIn.pod)} pod usage, ${count(rowsIn.storage)} storage, ${count(rowsIn.nodeLabels)} node label, ${count(rowsIn.namespaceLabels)} namespace label rows from ${result.filesRead} of ${result.input.files.length} files`,
    `wrote  ${count(counts.pod)} pod, ${count(counts.storage)} storage, ${count(counts.unallocated)} unallocated rows to ${outputs.map(redactUrl).join(', ')}`,
    `took   ${seconds(elapsedMs)} (discover ${seconds(result.timings.discover)}, kernel ${seconds(result.timings.kernel)}, finalize ${seconds(result.timings.finalize)})`,
  ];
  for (const w of writes) lines.push(describeSink(w));
  return lines.join('\n');
}

/**
 * A memory run in the shape of a fleet run's document: no run record (no id), no chunks, no fleet
 * processes; its phases are the summary's and `sink`, every output written whole.
 */
function memoryDocument(
  summary: Summary,
  spec: RunSpec,
  run: { createdAt: number; elapsedMs: number; writes: OutputTiming[] },
): RunDocument {
  return {
    runId: null,
    status: 'done',
    mode: 'memory',
    source: spec.source,
    month: monthLabel(spec),
    chunks: 0,
    chunksDone: 0,
    createdAt: run.createdAt,
    finishedAt: run.createdAt + Math.round(run.elapsedMs),
    durationMs: run.elapsedMs,
    error: null,
    report: {
      rowsIn: { ...summary.rowsIn },
      rowsOut: { ...summary.counts },
      chunks: [],
      days: [],
      phases: { ...summary.timings, sink: run.writes.reduce((ms, w) => ms + w.ms, 0) },
      peakRss: {},
      outputs: run.writes.map((w) => w.target),
      sinks: run.writes,
    },
  };
}
