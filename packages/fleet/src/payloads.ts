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
  /** The storage usage files, for the pod → node join. */
  storage: z.array(inputFileSchema),
};

export const chunkJobSchema = z.strictObject({
  ...dataset,
  chunk: z.number().int().nonnegative(),
  chunks: z.number().int().positive(),
  ranges: z.array(range).min(1),
});

export const reduceJobSchema = z.strictObject({
  ...dataset,
  chunks: z.number().int().positive(),
  outputs: z.array(z.string().min(1)).min(1),
});

/** A small dataset: one worker runs the kernel over all of it and finalizes in memory. */
export const wholeJobSchema = z.strictObject({
  ...dataset,
  ranges: z.array(range).min(1),
  outputs: z.array(z.string().min(1)).min(1),
});

export type ChunkJob = z.infer<typeof chunkJobSchema>;
export type ReduceJob = z.infer<typeof reduceJobSchema>;
export type WholeJob = z.infer<typeof wholeJobSchema>;
export type RangeRef = z.infer<typeof range>;

/** Parses a payload, naming the job and the fields that are wrong. */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
  throw new Error(`invalid ${what} payload: ${problems}`);
}
