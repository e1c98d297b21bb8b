/**
 * A run's completion, one way for every fleet run: each part of the summary (a day of a large
 * run, or the whole of a small one) is finalized and staged by `finalizePart`; `commitRun` then makes
 * every output visible from all parts and records the run done with its report.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RowCounts, RunSpec, SummaryCounts } from '@ocpsum/core';
import { finalizeSummary, stopwatch } from '@ocpsum/kernel';
import { commitOutputs, stageOutputs, type Connect, type StagedFile, type Staging } from '@ocpsum/sinks';
import { finishRun, type FleetEvents } from './events.js';
import type { ChunkReport } from './payloads.js';
import { peakRssBytes } from './peak-rss.js';
import { PROCESS_ID } from './process-id.js';
import type { RunRecords, RunReport } from './run-records.js';

/** A finalized, staged part of a run's summary. */
export interface PartResult {
  counts: SummaryCounts;
  rowsIn: RowCounts;
  /** Each output's staged files (in `targets` order), named relative to the staging folder. */
  staged: StagedFile[][];
  finalizeMs: number;
  stageMs: number;
}

/** What a day reduce resolves with: its part, and where and how it ran. */
export interface DayReport extends PartResult {
  /** Consecutive days. */
  days: string[];
  worker: string;
  /** Getting the day's partials from Redis. */
  fetchMs: number;
  mergeMs: number;
  peakRssBytes: number;
  /** When its staged files were in Redis (epoch ms). */
  doneAt: number;
}

/** Finalizes the merged partial in `schema` and stages its rows for every output. */
export async function finalizePart(
  db: DuckDBConnection,
  schema: string,
  spec: RunSpec,
  outputs: readonly string[],
  staging: Staging,
): Promise<PartResult> {
  const clock = stopwatch();
  const summary = await finalizeSummary(db, schema, spec);
  const finalizeMs = clock();
  const staged = await stageOutputs(outputs, { db, table: summary.table }, spec, staging);
  return { counts: summary.counts, rowsIn: summary.rowsIn, staged: staged.map((s) => s.files), finalizeMs, stageMs: clock() };
}

export interface CompletedRun {
  runId: string;
  spec: RunSpec;
  outputs: readonly string[];
  /** Where every part's staged files are now. */
  staging: Staging;
  /** The day reduces (DayReport) of a large run, or the one part of a whole job. */
  parts: readonly PartResult[];
  chunks: readonly ChunkReport[];
  /** Phases measured outside the chunks and parts (a whole job's fetch and kernel). */
  phases?: Record<string, number>;
}

/** Commits the run's outputs from its staged parts, then records it done with its report. */
export async function commitRun(
  records: RunRecords,
  events: FleetEvents | undefined,
  db: Connect,
  run: CompletedRun,
): Promise<void> {
  const clock = stopwatch();
  const staged = run.outputs.map((_, i) => run.parts.flatMap((p) => p.staged[i] ?? []));
  const sinks = await commitOutputs(run.outputs, staged, run.spec, run.staging, db);
  const commit = clock();

  const days = run.parts.filter((p): p is DayReport => 'days' in p).sort((a, b) => (a.days[0] < b.days[0] ? -1 : 1));
  const sum = <T>(items: readonly T[], of: (item: T) => number) => items.reduce((n, item) => n + of(item), 0);
  const peakRss: Record<string, number> = {};
  for (const [process, bytes] of [
    ...run.chunks.map((c) => [c.worker, c.peakRssBytes] as const),
    ...days.map((d) => [d.worker, d.peakRssBytes] as const),
    [PROCESS_ID, peakRssBytes()] as const,
  ]) {
    peakRss[process] = Math.max(peakRss[process] ?? 0, bytes);
  }
  const report: RunReport = {
    rowsIn: totals(run.parts.map((p) => p.rowsIn)),
    rowsOut: totals(run.parts.map((p) => p.counts)),
    chunks: [...run.chunks].sort((a, b) => a.chunk - b.chunk),
    days,
    phases: {
      ...(run.chunks.length && {
        fetch: sum(run.chunks, (c) => c.fetchMs),
        kernel: sum(run.chunks, (c) => c.kernelMs),
      }),
      ...run.phases,
      ...(days.length && { dayFetch: sum(days, (d) => d.fetchMs), merge: sum(days, (d) => d.mergeMs) }),
      finalize: sum(run.parts, (p) => p.finalizeMs),
      stage: sum(run.parts, (p) => p.stageMs),
      commit,
    },
    peakRss,
    outputs: [...run.outputs],
    sinks,
  };
  await finishRun(records, events, run.runId, { status: 'done', report });
}

function totals(counts: readonly object[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) for (const [k, v] of Object.entries(c as Record<string, number>)) out[k] = (out[k] ?? 0) + v;
  return out;
}
