import { runSpecSchema } from '@ocpsum/core';
import { inputFileSchema } from '@ocpsum/input';
import { z } from 'zod';

/**
 * Job payloads, validated when enqueued and again when a worker takes them. Files are named as
 * the coordinator read their footers: workers download that version, refuse another, and read
 * no footer again.
 */

const range = z.strictObject({
  file: inputFileSchema,
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});

const dataset = {
  runId: z.string().regex(/^[0-9a-f]{16,64}$/),
  root: z.string().min(1),
  spec: runSpecSchema,
  /** The storage usage files of the window (storageFiles), for the pod → node join. */
  storage: z.array(inputFileSchema),
};

const outputs = z.array(z.string().min(1)).min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Names a run's staged outputs (its PostgreSQL staging table too): one per attempt of a run. */
const staging = z.string().regex(/^[A-Za-z0-9_]{1,40}$/);

export const chunkJobSchema = z.strictObject({
  ...dataset,
  chunk: z.number().int().nonnegative(),
  chunks: z.number().int().positive(),
  ranges: z.array(range).min(1),
});

export const reduceJobSchema = z.strictObject({
  ...dataset,
  chunks: z.number().int().positive(),
  outputs,
  /** Partial bytes a day reduce aims at (planDayGroups). */
  dayBytes: z.number().int().positive(),
});

/** What a chunk job resolves with: its parent reads them all to plan the day reduces. */
export const chunkReportSchema = z.strictObject({
  chunk: z.number().int().nonnegative(),
  worker: z.string(),
  rows: z.number().nonnegative(),
  kernelMs: z.number().nonnegative(),
  fetchMs: z.number().nonnegative(),
  /** The days the chunk's partial holds, one Redis key each (and one more for its window tables). */
  days: z.array(day),
  partialBytes: z.number().int().nonnegative(),
  peakRssBytes: z.number().int().nonnegative(),
  /** When its partial was in Redis (epoch ms). */
  doneAt: z.number().int().nonnegative(),
});

/** Consecutive days of a large run: merge their partials and the run's merged window tables, finalize, stage. */
export const dayJobSchema = z.strictObject({
  runId: dataset.runId,
  spec: runSpecSchema,
  days: z.array(day).min(1),
  /** The (chunk, day) partials of those days. */
  partials: z.array(z.tuple([z.number().int().nonnegative(), day])).min(1),
  /** The attempt of the run whose merged window tables the day reads (runWindowKey). */
  attempt: z.string().regex(/^\d+$/),
  outputs,
  staging,
});

/** The end of a large run, under its day reduces: every output made visible, the report written. */
export const commitJobSchema = z.strictObject({
  runId: dataset.runId,
  spec: runSpecSchema,
  outputs,
  staging,
  chunks: z.array(chunkReportSchema),
});

/** A small dataset: one worker runs the kernel over all of it and finalizes in memory. */
export const wholeJobSchema = z.strictObject({
  ...dataset,
  ranges: z.array(range).min(1),
  outputs,
});

export type ChunkJob = z.infer<typeof chunkJobSchema>;
/** Where a chunk ran, what it read and shipped: one entry of its run's report. */
export type ChunkReport = z.infer<typeof chunkReportSchema>;
export type WholeJob = z.infer<typeof wholeJobSchema>;
export type RangeRef = z.infer<typeof range>;

/** Parses a payload, naming the job and the fields that are wrong. */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
  throw new Error(`invalid ${what} payload: ${problems}`);
}
