import { join } from 'node:path';
import { DATA_SOURCES, sqlString } from '@ocpsum/core';
import type { StagedFile, Staging, SummarySource } from './interfaces.js';
import { summaryDays } from './summary-sql.js';

/**
 * Stages a part as one file per data source, written by `write` with the rows `where` selects.
 * The files are ordered by (data source, the part's first day), which puts the parts of a run, each
 * of its own days, in the order of the whole summary.
 */
export async function stageBySource(
  source: SummarySource,
  staging: Staging,
  extension: string,
  write: (path: string, where: string) => Promise<void>,
): Promise<StagedFile[]> {
  const first = (await summaryDays(source))[0] ?? 'empty';
  const files: StagedFile[] = [];
  for (const dataSource of DATA_SOURCES) {
    const file = `${dataSource}-${first}.${extension}`;
    await write(join(staging.folder, file), `data_source = ${sqlString(dataSource)}`);
    files.push({ file, order: `${dataSource}/${first}` });
  }
  return files;
}

/** The files in the order their rows are written. */
export function inOrder(files: readonly StagedFile[]): StagedFile[] {
  return [...files].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}
