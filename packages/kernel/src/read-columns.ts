import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type Columns = Record<string, (string | number | boolean | null)[]>;

/**
 * Runs a query and returns its columns as JavaScript arrays. Converting DuckDB values one at a
 * time dominated the kernel (strings especially); instead each column crosses over as one JSON
 * list that V8's JSON parser turns into an array (doubles round-trip exactly). The lists of one
 * ungrouped aggregate are built from the same rows in the same order (one state per thread, all
 * aggregates combined together), so position i of every list is row i.
 */
export async function readColumns(
  db: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
): Promise<Columns> {
  const names = (await db.runAndReadAll(`DESCRIBE ${sql}`, params)).getColumnsObjectJS().column_name as string[];
  const lists = (
    await db.runAndReadAll(
      `SELECT ${names.map((c) => `coalesce(to_json(list(${c})), '[]')::VARCHAR AS ${c}`).join(', ')} FROM (${sql})`,
      params,
    )
  ).getRowsJS()[0] as string[];
  return Object.fromEntries(names.map((c, i) => [c, JSON.parse(lists[i]) as (string | number | boolean | null)[]]));
}
