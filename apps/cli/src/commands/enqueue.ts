import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { RunSpec } from '@ocpsum/core';
import type { DatasetInput } from '@ocpsum/input';
import { Coordinator, RunRecords, waitForRun, type EnqueueResult, type RunRecord } from '@ocpsum/fleet';
import { addDatasetOptions, reportDataset, specFromFlags, type DatasetFlags } from '../dataset-options.js';
import { addFleetOptions, addPlanOptions, type FleetFlags, type PlanFlags } from '../fleet-options.js';
import { connectRedis } from '../redis.js';
import { jsonOption } from '../format.js';
import { printRun } from '../report.js';

type EnqueueFlags = DatasetFlags & FleetFlags & PlanFlags & { out: string[]; wait: boolean; json: boolean };

export function enqueueCommand(): Command {
  return addPlanOptions(
    addFleetOptions(
      addDatasetOptions(new Command('enqueue').description("put a run on the fleet's queues; prints its id")),
    ),
  )
    .option(
      '--out <target...>',
      'FILE.csv, FILE.parquet, a folder or s3://… for Parquet by day, postgres://…?schema=NAME (repeatable)',
    )
    .option('--wait', 'show progress until the run ends, then its report', false)
    .addOption(jsonOption('the run (with --wait: when it has ended; else as enqueued)'))
    .action(async (flags: EnqueueFlags) => {
      const spec = await specFromFlags(flags);
      const record = await enqueueAndMaybeWait(flags, spec, flags.wait);
      if (flags.wait || flags.json) printRun(record, flags.json);
      if (flags.wait && record.status !== 'done') process.exitCode = 1;
    });
}

/**
 * Enqueues a run and resolves with its record; with `wait`, follows it to the end with a progress
 * bar first. The run id goes to stdout, or to stderr with `json` (stdout is the caller's document).
 * `input`, when the caller found the dataset already, is planned from as it is (and not reported again).
 */
export async function enqueueAndMaybeWait(
  flags: Omit<EnqueueFlags, 'wait'>,
  spec: RunSpec,
  wait: boolean,
  input?: DatasetInput,
): Promise<RunRecord> {
  const redis = await connectRedis(flags.redis);
  const coordinator = new Coordinator(redis, flags.prefix);
  try {
    const result: EnqueueResult = await coordinator.enqueue({
      root: flags.root,
      spec,
      layout: flags.layout,
      input,
      outputs: flags.out,
      threshold: flags.threshold,
      chunkRows: flags.chunkRows,
      dayBytes: flags.dayBytes,
      deadlineMs: flags.deadline * 1000,
      attempts: flags.attempts,
    });
    if (!input) reportDataset(result.dataset);
    (flags.json ? console.error : console.log)(result.runId);
    console.error(
      result.created
        ? `enqueued ${result.podRows} pod usage rows from ${result.filesRead} of ${result.files} files as ${result.mode === 'whole' ? 'one whole-dataset job' : `${result.chunks} chunks`}`
        : 'this run is already active; following it',
    );
    const records = new RunRecords(redis, flags.prefix);
    if (wait) return await followRun(records, result.runId);
    const record = await records.get(result.runId);
    if (!record) throw new Error(`run ${result.runId} vanished from Redis just after it was enqueued`);
    return record;
  } finally {
    await coordinator.close();
    redis.disconnect();
  }
}

export async function followRun(records: RunRecords, runId: string): Promise<RunRecord> {
  if (!process.stderr.isTTY) return waitForRun(records, runId);
  const bar = new SingleBar({ format: 'run [{bar}] {value}/{total} chunks | {status}', stream: process.stderr });
  bar.start(1, 0, { status: 'queued' });
  try {
    return await waitForRun(records, runId, (r) => {
      bar.setTotal(r.chunks);
      bar.update(r.chunksDone, { status: r.status });
    });
  } finally {
    bar.stop();
  }
}
