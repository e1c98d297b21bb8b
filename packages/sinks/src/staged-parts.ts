import { copyFile, rename, rm } from 'node:fs/promises';
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

const WHOLE = 'whole';

/**
 * Stages a part as one file per data source (see stageBySource), or, when the part is the whole
 * summary (`staging.whole`), as the output file itself, written by `writeWhole`.
 */
export async function stagePart(
  source: SummarySource,
  staging: Staging,
  extension: string,
  write: (path: string, where: string) => Promise<void>,
  writeWhole: (path: string) => Promise<void>,
): Promise<StagedFile[]> {
  if (!staging.whole) return stageBySource(source, staging, extension, write);
  const file = `${WHOLE}.${extension}`;
  await writeWhole(join(staging.folder, file));
  return [{ file, order: WHOLE }];
}

/**
 * Writes the output file at `path` from the staged files: moves a whole summary's file there, or
 * has `join` put the parts' files together, in order.
 */
export async function fileFromParts(
  files: readonly StagedFile[],
  staging: Staging,
  path: string,
  join_: (paths: string[]) => Promise<void>,
): Promise<void> {
  const paths = inOrder(files).map(({ file }) => join(staging.folder, file));
  if (files.length === 1 && files[0].order === WHOLE) return moveFile(paths[0], path);
  return join_(paths);
}

/** Renames a file; across file systems (a temp folder on another volume), copies it. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** The files in the order their rows are written. */
export function inOrder(files: readonly StagedFile[]): StagedFile[] {
  return [...files].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}
