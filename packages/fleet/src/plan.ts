import type { ReportType } from '@ocpsum/core';
import type { RangeRef } from './payloads.js';

export interface PlannedFile {
  key: string;
  etag: string;
  type: ReportType;
  rowGroups: number[];
}

/**
 * Cuts files, in order, into chunks of equal size, at most `chunkRows` rows each. With more
 * chunks than `workers`, their number is a multiple of it, so the fleet's workers finish
 * together: 5 chunks on 2 workers left one worker a third round alone. A chunk ends inside a
 * row group when it must.
 */
export function planChunks(files: readonly PlannedFile[], chunkRows: number, workers = 1): RangeRef[][] {
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new Error(`chunk size must be a positive whole number, got ${chunkRows}`);
  const total = files.reduce((n, f) => n + f.rowGroups.reduce((a, b) => a + b, 0), 0);
  let count = Math.ceil(total / chunkRows);
  // Rounding up to a multiple adds fewer than `workers` chunks, so a chunk keeps over half its size.
  if (count > workers) count = Math.ceil(count / workers) * workers;
  const size = Math.max(1, Math.ceil(total / count));
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
        const take = Math.min(end - start, size - rows);
        appendRange(current, { key: file.key, etag: file.etag, type: file.type, start, end: start + take });
        rows += take;
        start += take;
        if (rows >= size) close();
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
