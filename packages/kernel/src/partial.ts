import type { DuckDBConnection } from '@duckdb/node-api';
import { validIdentifier } from '@ocpsum/core';
import { partialTablesDdl } from './partial-tables.js';

/**
 * Creates `schema` and the empty tables of a partial aggregate in it (partial-tables.ts), for a
 * kernel to write its chunk into. The schema must not exist yet.
 */
export async function createPartial(db: DuckDBConnection, schema: string): Promise<void> {
  const name = validIdentifier(schema);
  await db.run(`CREATE SCHEMA ${name}`);
  for (const ddl of partialTablesDdl(name)) await db.run(ddl);
}

/** Drops a partial's schema and its tables; nothing happens when there is none. */
export async function dropPartial(db: DuckDBConnection, schema: string): Promise<void> {
  await db.run(`DROP SCHEMA IF EXISTS ${validIdentifier(schema)} CASCADE`);
}
