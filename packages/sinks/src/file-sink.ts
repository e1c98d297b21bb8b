import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_SOURCES, sqlString } from '@ocpsum/core';
import { prepareFile } from './files.js';
import type { Connect, Sink, StagedFile, StagedFiles, SummarySource } from './interfaces.js';
import { summaryDays } from './summary-sql.js';

/** The order of a whole summary's one staged file, the output itself. */
const WHOLE = 'whole';

/**
 * A sink of one file (CSV, Parquet). `write` puts the rows of `source` at `path`: those of `where`,
 * or all of them as the whole output file.
 *
 * A part is staged as one file per data source, ordered by (data source, the part's first day),
 * which puts the parts of a run, each of its own days, in the order of the whole summary; a whole
 * summary (`staging.whole`) is staged as the output file itself. The commit moves that file into
 * place, or has `join` write the parts' files (named in order, read through `read`) into one file
 * beside the target, renamed into place.
 */
export function fileSink(
  target: string,
  extension: string,
  write: (source: SummarySource, path: string, where?: string) => Promise<void>,
  join_: (parts: string[], read: StagedFiles, path: string, db: Connect) => Promise<void>,
): Sink {
  return {
    async stage(source, staging) {
      if (staging.whole) {
        const file = `${WHOLE}.${extension}`;
        await write(source, join(staging.folder, file));
        return [{ file, order: WHOLE }];
      }
      const first = (await summaryDays(source))[0] ?? 'empty';
      const files: StagedFile[] = [];
      for (const dataSource of DATA_SOURCES) {
        const file = `${dataSource}-${first}.${extension}`;
        await write(source, join(staging.folder, file), `data_source = ${sqlString(dataSource)}`);
        files.push({ file, order: `${dataSource}/${first}` });
      }
      return files;
    },
    prepare: (files, read, _staging, db) =>
      prepareFile(target, async (temporary) => {
        const names = [...files]
          .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
          .map(({ file }) => file);
        if (files.length === 1 && files[0].order === WHOLE) await moveFile(await read.local(names[0]), temporary);
        else await join_(names, read, temporary, db);
      }),
  };
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
