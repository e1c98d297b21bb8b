import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { PARTIAL_TABLE_NAMES } from '@ocpsum/kernel';
import { paramsFor, sqlFile, sqlStatement } from '../dist/sql-files.js';

const SQL = fileURLToPath(new URL('../sql/', import.meta.url));
const files = (folder: string) =>
  readdirSync(SQL + folder)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => `${folder}/${f}`);

describe('SQL files', () => {
  it('one merge statement per partial table, no other', () => {
    expect(files('merge').sort()).toEqual(PARTIAL_TABLE_NAMES.map((t) => `merge/${t}.sql`).sort());
  });

  it('every file is one statement', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      for (const name of [...files('merge'), ...files('finalize')]) {
        const fill: Record<string, string> = name.startsWith('merge/')
          ? { into: 'x', source: '(SELECT 1)' }
          : { schema: 'x' };
        const statements = await db.extractStatements(sqlStatement(name, fill));
        expect(statements.count, name).toBe(1);
      }
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('placeholders must all be filled, and only those a file has', () => {
    expect(() => sqlStatement('merge/pods.sql', { into: 'x' })).toThrow(/no value for \{\{source\}\}/);
    expect(() => sqlStatement('merge/pods.sql', { into: 'x', source: 'y', other: 'z' })).toThrow(
      /has no \{\{other\}\}/,
    );
    expect(sqlStatement('merge/pods.sql', { into: 'x', source: 'y' })).not.toMatch(/\{\{/);
  });

  it('refuses a file name outside the folder', () => {
    expect(() => sqlFile('../package.json')).toThrow(/invalid SQL file name/);
    expect(() => sqlFile('merge/../../x.sql')).toThrow(/invalid SQL file name/);
  });

  it('binds only the parameters a statement uses, and wants all of them', () => {
    expect(paramsFor('SELECT $a, $b -- $c', { a: 1, b: 2, c: 3 })).toEqual({ a: 1, b: 2 });
    expect(() => paramsFor('SELECT $a', {})).toThrow(/\$a/);
  });
});
