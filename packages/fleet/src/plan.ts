import type { FileRange } from '@ocpsum/input';
import type { RangeRef } from './payloads.js';

/**
 * Cuts the row ranges a run reads (windowRanges: whole files, or the row groups of a file the
 * window needs), in order, into chunks of about one target size: `chunkRows` at most, evened out
 * so that, with more chunks than `workers`, their number is a multiple of it (5 chunks on 2
 * workers would leave one worker a third round alone), and with fewer, every worker has one as long
 * as a chunk keeps a quarter of `chunkRows`.
 *
 * A file holds one day (or hour) of one report, so a range stays whole up to 1.5 × the target and
 * small ones are packed together: a day cut over two chunks comes back as two partial groups per
 * pod, doubling what workers send and the day reduces merge. Larger ranges are cut into equal parts
 * of about the target.
 */
export function planChunks(ranges: readonly FileRange[], chunkRows: number, workers = 1): RangeRef[][] {
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new Error(`chunk size must be a positive whole number, got ${chunkRows}`);
  const total = ranges.reduce((n, r) => n + r.end - r.start, 0);
  let count = Math.ceil(total / chunkRows);
  if (count < workers) count = Math.max(count, Math.min(workers, Math.floor((4 * total) / chunkRows)));
  // Rounding up to a multiple adds fewer than `workers` chunks, so a chunk keeps over half its size.
  else count = Math.ceil(count / workers) * workers;
  const target = Math.max(1, Math.ceil(total / count));

  // A chunk ends where the rows planned pass the next multiple of the target, before the range
  // whose middle lies past it: chunks come out about equal, `count` of them, whatever the ranges' sizes.
  const chunks: RangeRef[][] = [];
  let current: RangeRef[] = [];
  let planned = 0;
  let cut = target;
  for (const range of ranges) {
    const { file } = range;
    const rangeRows = range.end - range.start;
    const parts = rangeRows <= target * 1.5 ? 1 : Math.ceil(rangeRows / target);
    for (let part = 0; part < parts; part++) {
      const start = range.start + Math.floor((rangeRows * part) / parts);
      const end = range.start + Math.floor((rangeRows * (part + 1)) / parts);
      if (end === start) continue;
      if (current.length && planned + (end - start) / 2 > cut) {
        chunks.push(current);
        current = [];
        do cut += target;
        while (cut <= planned);
      }
      current.push({ file, start, end });
      planned += end - start;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Consecutive days as a person reads them: `2025-10-01…10-05`, or the one day. */
export function describeDays(days: readonly string[]): string {
  return days.length > 1 ? `${days[0]}…${days.at(-1)!.slice(5)}` : days[0];
}

/** One day reduce: a run of consecutive days, and the (chunk, day) partials it merges. */
export interface DayGroup {
  days: string[];
  partials: [chunk: number, day: string][];
}

/**
 * Cuts a run's days, in order, into runs of consecutive days of about `groupBytes` of partials
 * each (a chunk's bytes counted evenly over its days), one day reduce each. A day reduce has a fixed
 * cost (a few dozen statements), so the days of a small run go to few jobs; a large run's
 * days each get their own. Consecutive, so that the parts' rows, by data source and then first
 * day, are the summary's rows in order.
 */
export function planDayGroups(
  chunks: readonly { chunk: number; days: readonly string[]; partialBytes: number }[],
  groupBytes: number,
): DayGroup[] {
  if (!(groupBytes > 0)) throw new Error(`day reduce size must be positive, got ${groupBytes}`);
  const byDay = new Map<string, { chunks: number[]; bytes: number }>();
  for (const { chunk, days, partialBytes } of chunks) {
    for (const day of days) {
      const entry = byDay.get(day) ?? { chunks: [], bytes: 0 };
      entry.chunks.push(chunk);
      entry.bytes += partialBytes / days.length;
      byDay.set(day, entry);
    }
  }
  const groups: DayGroup[] = [];
  let bytes = 0;
  for (const [day, entry] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!groups.length || bytes >= groupBytes) {
      groups.push({ days: [], partials: [] });
      bytes = 0;
    }
    const group = groups.at(-1)!;
    group.days.push(day);
    for (const chunk of entry.chunks.sort((a, b) => a - b)) group.partials.push([chunk, day]);
    bytes += entry.bytes;
  }
  return groups;
}
