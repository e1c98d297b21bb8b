import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSpec } from '@ocpsum/core';
import { csvSink } from './csv.js';
import type { Connect, OutputTiming, PreparedOutput, Sink, StagedFile, Staging, SummarySource } from './interfaces.js';
import { parquetSink } from './parquet.js';
import { parquetDaysSink } from './parquet-days.js';
import { postgresSink } from './postgres.js';
import { stagedFiles } from './staged-files.js';
import { isPostgresTarget } from './postgres-target.js';
import { checkSummarySource } from './summary-sql.js';

/**
 * The outputs of a run, written in two steps that may run in different processes. A target is
 * `FILE.csv`, `FILE.parquet`, a `postgres://…?schema=NAME` URL (koku's table), or a folder (or
 * `s3://…`) that receives Parquet in the Hive layout `source=/year=/month=/day=/`. DuckDB writes
 * every file from the summary table; no row becomes a JavaScript object.
 *
 * 1. `stageOutputs`, once per part of the summary (the whole of it, or a day): each target's part
 *    is written aside, in `{staging.folder}/{target index}/` (which the fleet then carries in Redis).
 * 2. `commitOutputs`, once, with every part's files: all outputs are prepared from them first, and
 *    only when every one succeeded are they committed, so a run's outputs appear whole or not at all.
 *
 * PostgreSQL is the one output that can still be rolled back after its commit step began for the
 * others, so it is prepared last (its transaction stays open the shortest time, and a failed file
 * never touches it) and committed last (a failed commit of a file or folder rolls it back).
 * A failed commit aborts every output not yet committed and says which ones were.
 */
export function sinkFor(target: string, spec: RunSpec): Sink {
  if (isPostgresTarget(target)) return postgresSink(target, spec);
  if (target.endsWith('.csv')) return csvSink(target, spec);
  if (target.endsWith('.parquet')) return parquetSink(target, spec);
  return parquetDaysSink(target, spec);
}

/** Target `index`'s own staging: its folder and (for PostgreSQL's staging table) its id. */
function targetStaging(staging: Staging, index: number): Staging {
  return { ...staging, id: targetId(staging.id, index), folder: join(staging.folder, String(index)) };
}

const targetId = (id: string, index: number) => `${id}_${index}`;

/** Stages one part of the summary for every target; resolves with each target's files and time taken, in `targets`' order. */
export async function stageOutputs(
  targets: readonly string[],
  source: SummarySource,
  spec: RunSpec,
  staging: Staging,
): Promise<{ files: StagedFile[]; ms: number }[]> {
  await checkSummarySource(source);
  const staged = [];
  for (const [i, target] of targets.entries()) {
    const started = performance.now();
    const own = targetStaging(staging, i);
    await mkdir(own.folder, { recursive: true });
    staged.push({ files: await sinkFor(target, spec).stage(source, own), ms: performance.now() - started });
  }
  return staged;
}

/**
 * Makes every target's staged parts (`staged[i]`: target i's files of all parts) visible together;
 * resolves with what each did, in `targets`' order.
 */
export async function commitOutputs(
  targets: readonly string[],
  staged: readonly (readonly StagedFile[])[],
  spec: RunSpec,
  staging: Staging,
  db: Connect,
): Promise<OutputTiming[]> {
  const order = [...targets.keys()].sort((a, b) => Number(isPostgresTarget(targets[a])) - Number(isPostgresTarget(targets[b])));
  const prepared: PreparedOutput[] = [];
  const times: number[] = [];
  try {
    for (const i of order) {
      const started = performance.now();
      const own = targetStaging(staging, i);
      prepared.push(await sinkFor(targets[i], spec).prepare(staged[i] ?? [], stagedFiles(own, i), own, db));
      times.push(performance.now() - started);
    }
  } catch (error) {
    await Promise.all(prepared.map((p) => p.abort().catch(() => undefined)));
    throw error;
  }
  for (let i = 0; i < prepared.length; i++) {
    const started = performance.now();
    try {
      await prepared[i].commit();
    } catch (error) {
      // The failed one too: a file whose rename failed still has its temporary copy.
      await Promise.all(prepared.slice(i).map((p) => p.abort().catch(() => undefined)));
      if (i === 0 || !(error instanceof Error)) throw error;
      error.message += ` (already committed: ${prepared
        .slice(0, i)
        .map((p) => p.target)
        .join(', ')})`;
      throw error;
    }
    times[i] += performance.now() - started;
  }
  // In `targets`' order.
  const timings: OutputTiming[] = [];
  order.forEach((target, k) => (timings[target] = { target: prepared[k].target, ms: times[k], detail: prepared[k].detail }));
  return timings;
}

/** Removes what the staging `id` of a run that will not commit left outside its folders. */
export async function discardStaging(targets: readonly string[], spec: RunSpec, id: string): Promise<void> {
  for (const [i, target] of targets.entries()) {
    await sinkFor(target, spec).discard?.(targetId(id, i)).catch(() => undefined);
  }
}

/** Stages the whole summary as one part and commits it: the outputs of a run done in one process. */
export async function writeOutputs(
  targets: readonly string[],
  source: SummarySource,
  spec: RunSpec,
): Promise<OutputTiming[]> {
  const folder = await mkdtemp(join(tmpdir(), 'ocpsum-stage-'));
  const staging = { id: `${process.pid}_${Date.now().toString(36)}`, folder, whole: true };
  try {
    const staged = await stageOutputs(targets, source, spec, staging);
    const committed = await commitOutputs(targets, staged.map((s) => s.files), spec, staging, async () => source.db);
    return committed.map((c, i) => ({ ...c, ms: c.ms + staged[i].ms }));
  } catch (error) {
    await discardStaging(targets, spec, staging.id);
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
