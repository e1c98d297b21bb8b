import type { DatasetId } from './interfaces.js';

/** An org or source is one folder name of a bucket key: no separators, no `.`/`..`, nothing that needs quoting. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses an identity that cannot name folders under a root; the same rule for reading and writing. */
export function checkDatasetId(id: DatasetId): DatasetId {
  for (const [name, value] of [
    ['org', id.org],
    ['source', id.source],
  ] as const) {
    if (!SEGMENT.test(value)) {
      throw new Error(`invalid ${name} ${JSON.stringify(value)}: use letters, digits, ".", "_" and "-"`);
    }
  }
  if (!Number.isInteger(id.year) || id.year < 1000 || id.year > 9999) {
    throw new Error(`dataset year must be a 4-digit integer, got ${id.year}`);
  }
  if (!Number.isInteger(id.month) || id.month < 1 || id.month > 12) {
    throw new Error(`dataset month must be an integer 1..12, got ${id.month}`);
  }
  return id;
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM`, as messages, run records and job names show a dataset's month. */
export function monthLabel(id: Pick<DatasetId, 'year' | 'month'>): string {
  return `${id.year}-${pad2(id.month)}`;
}

export function daysInDatasetMonth(id: Pick<DatasetId, 'year' | 'month'>): number {
  return new Date(Date.UTC(id.year, id.month, 0)).getUTCDate();
}
