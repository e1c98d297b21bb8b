import type { ReportType } from '@ocpsum/core';
import type { RangeRef } from './payloads.js';

export interface PlannedFile {
  key: string;
  etag: string;
  type: ReportType;
  rowGroups: number[];
}

/**
 * Cuts files into chunks of about `chunkRows` rows. Cuts fall on row-group boundaries, so a
 * worker reads whole row groups; a row group larger than a chunk is split inside. Pod usage is
 * the bulk; label and storage files go to chunks of their own the same way.
 */
export function planChunks(files: readonly PlannedFile[], chunkRows: number): RangeRef[][] {
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new Error(`chunk size must be a positive whole number, got ${chunkRows}`);
  const chunks: RangeRef[][] = [];
  let current: RangeRef[] = [];
  let rows = 0;
  const close = () => {
    if (current.length) chunks.push(current);
    current = [];
    rows = 0;
  };
  for (const file of files) {
    let offset = 0;
    for (const groupRows of file.rowGroups) {
      let start = offset;
      const end = offset + groupRows;
      while (start < end) {
        const take = Math.min(end - start, chunkRows - rows);
        appendRange(current, { key: file.key, etag: file.etag, type: file.type, start, end: start + take });
        rows += take;
        start += take;
        if (rows >= chunkRows) close();
      }
      offset = end;
    }
  }
  close();
  return chunks;
}

/** Extends the previous range when it is the same file and contiguous. */
function appendRange(chunk: RangeRef[], range: RangeRef): void {
  const last = chunk[chunk.length - 1];
  if (last && last.key === range.key && last.end === range.start) last.end = range.end;
  else chunk.push({ ...range });
}
