import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { sqlString, summaryColumns, type RunSpec, type SummaryRow } from '@ocpsum/core';
import type { Sink, StagedFiles, SummarySource } from './interfaces.js';
import { fileSink } from './file-sink.js';
import { summarySelect, type SelectOptions } from './summary-sql.js';

/**
 * Writes the summary as RFC 4180 CSV with DuckDB's `COPY … TO`, in `SUMMARY_ORDER_BY`: NULL is an
 * empty cell and an empty string `""`, so the two stay apart; a cell with `,`, `"`, CR or LF is
 * quoted, quotes doubled; dates are `YYYY-MM-DD`; a DOUBLE is written in the shortest text that
 * reads back to the same value (`3.0`, `0.1`, `1e-07`). No row passes through JavaScript.
 */
export async function copyCsv(
  source: SummarySource,
  columns: readonly (keyof SummaryRow)[],
  path: string,
  options: Pick<SelectOptions, 'lead' | 'where'> & { header?: boolean } = {},
): Promise<void> {
  await source.db.run(
    `COPY (${summarySelect(source, columns, options)}) TO ${sqlString(path)} ` +
      `(FORMAT csv, HEADER ${options.header === true}, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '', COMPRESSION 'none')`,
  );
}

/**
 * `FILE.csv`: a header of koku's column names, then the rows. Each part is staged as headerless CSV
 * per data source; the commit writes the header and the parts, in order, to a file beside the
 * target (streamed, no row held) and renames it into place. A whole summary is staged as the file
 * itself, header included, and moved.
 */
export function csvSink(target: string, spec: RunSpec): Sink {
  const columns = summaryColumns(spec.byPod);
  return fileSink(
    target,
    'csv',
    (source, path, where) => copyCsv(source, columns, path, where ? { where } : { header: true }),
    (parts, read, path) => concatenate(parts, read, path),
  );

  /** The header, then each part's rows, streamed into `path`. */
  async function concatenate(parts: string[], read: StagedFiles, path: string): Promise<void> {
    const out = createWriteStream(path);
    const write = async (chunk: string | Uint8Array) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    try {
      // Column names are plain identifiers: nothing to quote.
      await write(`${columns.join(',')}\n`);
      for (const part of parts) {
        for await (const chunk of read.read(part)) await write(chunk);
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
  }
}
