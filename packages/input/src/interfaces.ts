import { z } from 'zod';
import { REPORT_TYPES, type ReportType } from '@ocpsum/core';
import type { ObjectInfo } from '@ocpsum/storage';

/** One OCP source (cluster) × one month: the unit ocpsum summarizes. */
export interface DatasetId {
  org: string;
  source: string;
  year: number;
  month: number;
}

/** How a bucket lays out a source's reports (docs/rules.md §1). */
export const LAYOUTS = ['masu', 'poc'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** A dataset's objects, found in one layout. */
export interface Dataset {
  id: DatasetId;
  layout: Layout;
  /** Where its files are, as a person would look for them: root and key pattern. */
  location: string;
  /** Per report type, in key order. */
  files: Record<ReportType, ObjectInfo[]>;
  /** Objects under the dataset that ocpsum does not read, each named. */
  warnings: string[];
}

/** How an interval_start column is turned into a UTC timestamp. */
export type IntervalKind = 'timestamp' | 'timestamptz' | 'string';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * What the kernel needs to know of one input object, read from its Parquet footer alone and
 * checked there. It travels in job payloads, so a footer is read once per run.
 */
export const inputFileSchema = z.strictObject({
  key: z.string().min(1),
  /** The version listed: workers download that one and refuse another. */
  etag: z.string().min(1),
  type: z.enum(REPORT_TYPES),
  rows: z.number().int().nonnegative(),
  rowGroups: z.array(z.number().int().nonnegative()),
  /** Per row group, the first and last UTC day its footer's statistics show, or null when unknown (Footer). */
  rowGroupDays: z.array(z.tuple([isoDay, isoDay]).nullable()),
  interval: z.enum(['timestamp', 'timestamptz', 'string']),
  /** Optional columns the file has. */
  optional: z.array(z.string()),
  /** Label columns of a non-string type whose footer shows them empty: read as no labels. */
  nullLabels: z.array(z.string()),
  /**
   * Number columns whose footer's statistics show every value finite and ≥ 0 (or empty): the
   * kernel's input checks need not scan them, but for NaN, which statistics leave out.
   */
  usableNumbers: z.array(z.string()),
});
export type InputFile = z.infer<typeof inputFileSchema>;
