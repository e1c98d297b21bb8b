import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DATA_SOURCES, sqlString } from '@ocpsum/core';
import { prepareFile } from './files.js';
import type { Sink, StagedFile, Staging, SummarySource } from './interfaces.js';
import { summaryDays } from './summary-sql.js';

/**
 * A sink of one file (CSV, Parquet). `write` puts the rows of `source` (those of `where`, or all of
 * them as the whole output file) at `path`. A part is staged as one file per data source, a whole
 * summary as the output file itself; the commit moves that file into place, or has `join` write the
 * parts' files, in order, into one file beside the target, renamed into place.
 */
export function fileSink(
  target: string,
  extension: string,
  write: (source: SummarySource, path: string, where?: string) => Promise<void>,
  join: (parts: string[], path: string, db: DuckDBConnection) => Promise<void>,
): Sink {
  return {
    stage: (source, staging) =>
      stagePart(
        source,
        staging,
        extension,
        (path, where) => write(source, path, where),
        (path) => write(source, path),
      ),
    prepare: (files, staging, db) =>
      prepareFile(target, (temporary) => fileFromParts(files, staging, temporary, (parts) => join(parts, temporary, db))),
  };
}

/**
 * Stages a part as one file per data source, written by `write` with the rows `where` selects.
 * The files are ordered by (data source, the part's first day), which puts the parts of a run, each
 * of its own days, in the order of the whole summary.
 */
async function stageBySource(
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
async function stagePart(
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
async function fileFromParts(
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
function inOrder(files: readonly StagedFile[]): StagedFile[] {
  return [...files].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}
