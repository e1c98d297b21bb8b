// The footer reader alone: the package's index also loads its page readers and codecs, at every start.
import { parquetMetadata, parquetSchema } from 'hyparquet/src/metadata.js';
import { InputError } from '@ocpsum/core';
import type { ObjectInfo, ObjectStore } from '@ocpsum/storage';
import { duckType } from './parquet-types.js';

/** What a Parquet footer says: each top-level column's type, the row groups, and which columns hold only NULLs. */
export interface Footer {
  /** DuckDB's name of each top-level column's type. */
  columns: Map<string, string>;
  rowGroups: number[];
  /** Columns whose statistics show every value NULL in every row group. */
  allNull: Set<string>;
  /**
   * Number columns whose statistics show every value finite and ≥ 0, or NULL, in every row group.
   * They do not rule out NaN: writers leave it out of a column's min and max.
   */
  usableNumbers: Set<string>;
  /**
   * Per row group, the first and last UTC day of its interval_start values as its statistics show
   * them (`YYYY-MM-DD`), or null when they cannot: no statistics, NULLs among the values, or a
   * column that is not a timestamp.
   */
  intervalDays: (readonly [string, string] | null)[];
}

/** Reads an object's Parquet footer alone: its size is listed, so two explicit ranged reads. */
export async function readFooter(store: ObjectStore, object: ObjectInfo): Promise<Footer> {
  const where = `${store.root}/${object.key}`;
  if (object.size < 12) throw new InputError(`${where}: not a readable Parquet file (${object.size} bytes)`);
  // An explicit range, not a suffix range: some S3-compatible servers answer `bytes=-8` wrongly.
  const tail = await store.getRange(object.key, object.size - 8, object.size);
  if (tail.subarray(4).toString('latin1') !== 'PAR1') {
    throw new InputError(`${where}: not a readable Parquet file (no PAR1 footer)`);
  }
  const footerLength = tail.readUInt32LE(0);
  if (footerLength + 12 > object.size) {
    throw new InputError(`${where}: not a readable Parquet file (truncated: footer of ${footerLength} bytes)`);
  }
  const bytes = await store.getRange(object.key, object.size - 8 - footerLength, object.size);
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(new Uint8Array(bytes).buffer);
  } catch (error) {
    throw new InputError(`${where}: not a readable Parquet file (${(error as Error).message})`);
  }
  const columns = new Map<string, string>();
  for (const child of parquetSchema(metadata).children) {
    if (!columns.has(child.element.name)) columns.set(child.element.name, duckType(child.element));
  }
  const rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
  const nulls = new Map<string, number>();
  const usable = new Map<string, number>();
  const intervalDays: Footer['intervalDays'] = metadata.row_groups.map(() => null);
  const count = (groups: Map<string, number>, name: string) => groups.set(name, (groups.get(name) ?? 0) + 1);
  for (const [g, group] of metadata.row_groups.entries()) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      const stats = meta?.statistics;
      if (!meta || meta.path_in_schema.length !== 1 || stats === undefined) continue;
      const name = meta.path_in_schema[0];
      const allNull = stats.null_count !== undefined && Number(stats.null_count) === Number(group.num_rows);
      if (allNull) count(nulls, name);
      if (name === 'interval_start') intervalDays[g] = daysOf(stats);
      // Bounds, exact or not: a minimum at or above 0 and a finite maximum hold for every value.
      const [min, max] = [stats.min_value, stats.max_value].map((v) => (typeof v === 'bigint' ? Number(v) : v));
      if (allNull || (typeof min === 'number' && typeof max === 'number' && min >= 0 && Number.isFinite(max))) {
        count(usable, name);
      }
    }
  }
  const everyGroup = (groups: Map<string, number>) =>
    new Set([...groups].filter(([, n]) => n === rowGroups.length).map(([name]) => name));
  return { columns, rowGroups, allNull: everyGroup(nulls), usableNumbers: everyGroup(usable), intervalDays };
}

/** A row group's interval_start days from its statistics: timestamps (read as UTC), none NULL. */
function daysOf(stats: { null_count?: bigint | number; min_value?: unknown; max_value?: unknown }) {
  const { null_count: nulls, min_value: min, max_value: max } = stats;
  if (nulls === undefined || Number(nulls) !== 0 || !(min instanceof Date) || !(max instanceof Date)) return null;
  if (Number.isNaN(min.getTime()) || Number.isNaN(max.getTime())) return null;
  return [min.toISOString().slice(0, 10), max.toISOString().slice(0, 10)] as const;
}
