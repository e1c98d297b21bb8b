/**
 * The SQL of merge and finalize lives in `packages/kernel/sql/**.sql`, one statement per file, read
 * at run time relative to this module (`dist/sql-files.js` → `../sql/`), so the files ship next to
 * `dist` (the Dockerfile copies the folder).
 *
 * A file holds data only as bind parameters (`$name`). What cannot be a parameter — a schema, a
 * relation — is a placeholder `{{name}}` that `sqlStatement` fills from validated identifiers and
 * relation texts built with `sqlString`; a placeholder left unfilled, or a value given for none, is
 * an error, so a file and its caller cannot drift apart silently.
 */
import { readFileSync } from 'node:fs';
import type { DuckDBValue } from '@duckdb/node-api';

const SQL_FOLDER = new URL('../sql/', import.meta.url);
const cache = new Map<string, string>();

/** The text of `sql/{name}` (e.g. `finalize/pod-rows.sql`), read once per process. */
export function sqlFile(name: string): string {
  if (!/^[a-z0-9_-]+(\/[a-z0-9_-]+)*\.sql$/.test(name)) throw new Error(`invalid SQL file name "${name}"`);
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, SQL_FOLDER), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** A file's statement with its `{{placeholders}}` filled; every placeholder must be given, and used. */
export function sqlStatement(name: string, fill: Record<string, string> = {}): string {
  const used = new Set<string>();
  const text = sqlFile(name).replace(/\{\{([a-z_]+)\}\}/g, (_, key: string) => {
    if (!Object.hasOwn(fill, key)) throw new Error(`${name}: no value for {{${key}}}`);
    used.add(key);
    return fill[key];
  });
  for (const key of Object.keys(fill)) if (!used.has(key)) throw new Error(`${name}: has no {{${key}}}`);
  return text;
}

/** The named parameters (`$name`) a statement uses, taken from `values`: DuckDB refuses unused ones. */
export function paramsFor(sql: string, values: Record<string, DuckDBValue>): Record<string, DuckDBValue> {
  const names = new Set([...stripComments(sql).matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
  const params: Record<string, DuckDBValue> = {};
  for (const name of names) {
    if (!Object.hasOwn(values, name)) throw new Error(`no value for the parameter $${name}`);
    params[name] = values[name];
  }
  return params;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '');
}
