/**
 * The merge of partial aggregates (docs/rules.md; DESIGN §4 "Partial aggregate"), in DuckDB: one
 * statement per partial table (`sql/merge/{table}.sql`), each a GROUP BY over the union of the
 * sources that combines the rows of a key by the table's merge rules (PARTIAL_TABLES). Associative
 * and commutative: any cut of the input, merged in any order and any grouping, gives the same tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { validIdentifier } from '@ocpsum/core';
import { packedRelation, type PackedFiles } from './partial-file.js';
import {
  KERNEL_KEYED_TABLES,
  PARTIAL_TABLES,
  PARTIAL_TABLE_NAMES,
  partialTablesDdl,
  type PartialTableName,
} from './partial-tables.js';
import { sqlStatement } from './sql-files.js';

/**
 * Where a partial is:
 * - `{ schema }`: its tables in a schema of the same database (a kernel's or an earlier merge's output);
 * - `{ packed }`: Parquet files of a partial's days and window, as `writePartialFile` writes them (partial-file.ts).
 */
export type PartialSource = { schema: string } | { packed: PackedFiles };

/**
 * Merges the partials `sources` into a new schema `into` (created here with the partial tables; it
 * must not exist yet). To add to a partial, name it as one of the sources and merge into a new schema.
 * Each table is one INSERT … SELECT … GROUP BY run by DuckDB on all its threads, spilling to its temp
 * directory when the groups do not fit in memory. `kernelOutput`: the one source is a kernel run's
 * output, whose KERNEL_KEYED_TABLES are copied as they are.
 */
export async function mergePartials(
  db: DuckDBConnection,
  sources: readonly PartialSource[],
  into: string,
  options: { kernelOutput?: boolean } = {},
): Promise<void> {
  const target = validIdentifier(into);
  if (options.kernelOutput && sources.length !== 1) throw new Error('a kernel output is one source');
  const statements = PARTIAL_TABLE_NAMES.flatMap((table) => {
    const source = unionOf(table, sources);
    if (source === null) return [];
    if (options.kernelOutput && KERNEL_KEYED_TABLES.includes(table)) {
      return [`INSERT INTO ${target}.${table} SELECT * FROM ${source}`];
    }
    return [sqlStatement(`merge/${table}.sql`, { into: target, source })];
  });
  await db.run(`CREATE SCHEMA ${target}`);
  for (const ddl of partialTablesDdl(target)) await db.run(ddl);
  for (const statement of statements) await db.run(statement);
}

/** The rows of `table` in every source, as one relation with the contract's columns; null when none has any. */
function unionOf(table: PartialTableName, sources: readonly PartialSource[]): string | null {
  const columns = Object.keys(PARTIAL_TABLES[table].columns)
    .map((c) => `"${c}"`)
    .join(', ');
  const parts: string[] = [];
  for (const source of sources) {
    if ('schema' in source) {
      parts.push(`SELECT ${columns} FROM ${validIdentifier(source.schema)}.${table}`);
    } else {
      const relation = packedRelation(table, source.packed);
      if (relation) parts.push(`SELECT ${columns} FROM ${relation}`);
    }
  }
  return parts.length ? `(${parts.join('\nUNION ALL\n')})` : null;
}
