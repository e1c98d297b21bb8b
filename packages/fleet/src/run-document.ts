import { redactUrl } from '@ocpsum/core';
import type { RunRecord, RunReport, RunStatus } from './run-records.js';

/**
 * A run as the CLI's `--json` prints it, and what the human summaries show. `ocpsum runs` lists
 * entries; `run`, `enqueue` and `status` print a whole document, the same for the same record.
 * Times are epoch milliseconds and durations milliseconds; outputs never show a password.
 */
export interface RunEntry {
  /** The run record's id; null for a memory run, which has no record. */
  runId: string | null;
  status: RunStatus;
  /** `memory`: in the CLI's own process; `whole` and `chunks`: on the fleet. */
  mode: 'memory' | RunRecord['mode'];
  source: string;
  /** `YYYY-MM`. */
  month: string;
  /** Jobs the run was planned as (a whole run is one; a memory run has none) and how many are done. */
  chunks: number;
  chunksDone: number;
  /** When it was enqueued (a memory run: when the command started). */
  createdAt: number;
  finishedAt: number | null;
  /** finishedAt − createdAt; null while the run is active. */
  durationMs: number | null;
  error: string | null;
}

export interface RunDocument extends RunEntry {
  /** What the run read, wrote and took; null until it is done. */
  report: RunReport | null;
}

export function runEntry(record: RunRecord): RunEntry {
  return {
    runId: record.runId,
    status: record.status,
    mode: record.mode,
    source: record.source,
    month: record.month,
    chunks: record.chunks,
    chunksDone: record.chunksDone,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt ?? null,
    durationMs: record.finishedAt === undefined ? null : record.finishedAt - record.createdAt,
    error: record.error ?? null,
  };
}

export function runDocument(record: RunRecord): RunDocument {
  const report = record.report && { ...record.report, outputs: record.report.outputs.map(redactUrl) };
  return { ...runEntry(record), report: report ?? null };
}
