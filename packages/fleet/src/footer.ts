import { parquetMetadata } from 'hyparquet';
import type { ObjectInfo, ObjectStore } from '@ocpsum/storage';

/** Row counts of a Parquet object's row groups, read from its footer alone (two ranged reads). */
export async function readRowGroups(store: ObjectStore, object: ObjectInfo): Promise<number[]> {
  const where = `${store.root}/${object.key}`;
  if (object.size < 12) throw new Error(`${where}: not a Parquet file (${object.size} bytes)`);
  // An explicit range, not a suffix range: some S3-compatible servers answer `bytes=-8` wrongly.
  const tail = await store.getRange(object.key, object.size - 8, object.size);
  if (tail.subarray(4).toString('latin1') !== 'PAR1') throw new Error(`${where}: not a Parquet file (no PAR1 footer)`);
  const footerLength = tail.readUInt32LE(0);
  if (footerLength + 12 > object.size)
    throw new Error(`${where}: truncated Parquet file (footer of ${footerLength} bytes)`);
  const footer = await store.getRange(object.key, object.size - 8 - footerLength, object.size);
  try {
    return parquetMetadata(new Uint8Array(footer).buffer).row_groups.map((g) => Number(g.num_rows));
  } catch (error) {
    throw new Error(`${where}: unreadable Parquet footer (${(error as Error).message})`);
  }
}
