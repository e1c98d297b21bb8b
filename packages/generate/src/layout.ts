import path from 'node:path';
import type { ReportType } from '@ocpsum/core';

/** One OCP source (cluster) × one month: the unit ocpsum summarizes. */
export interface DatasetId {
  org: string;
  source: string;
  year: number;
  month: number;
}

/** A path segment must stay one folder: no separators and no `.`/`..` that would leave the root. */
function checkSegment(name: string, value: string): void {
  if (value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new Error(`dataset ${name} ${JSON.stringify(value)} cannot be used as a folder name`);
  }
}

export function checkDatasetId(id: DatasetId): void {
  checkSegment('org', id.org);
  checkSegment('source', id.source);
  if (!Number.isInteger(id.year) || id.year < 1000 || id.year > 9999) {
    throw new Error(`dataset year must be a 4-digit integer, got ${id.year}`);
  }
  if (!Number.isInteger(id.month) || id.month < 1 || id.month > 12) {
    throw new Error(`dataset month must be an integer 1..12, got ${id.month}`);
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** koku's key prefix of a dataset (docs/rules.md §1). */
export function datasetPrefix(id: DatasetId): string {
  checkDatasetId(id);
  return `data/${id.org}/OCP/source=${id.source}/year=${id.year}/month=${pad2(id.month)}`;
}

/** `YYYY-MM`, as error messages name a dataset's month. */
export function monthLabel(id: DatasetId): string {
  return `${id.year}-${pad2(id.month)}`;
}

export function daysInDatasetMonth(id: DatasetId): number {
  return new Date(Date.UTC(id.year, id.month, 0)).getUTCDate();
}

/** The Parquet file holding one day (1-based) of one report type. */
export function reportFile(outDir: string, id: DatasetId, day: number, reportType: ReportType): string {
  return path.join(outDir, datasetPrefix(id), `day=${pad2(day)}`, reportType, 'part-0.parquet');
}
