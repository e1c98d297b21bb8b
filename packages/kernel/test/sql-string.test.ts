import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sqlString } from '@ocpsum/core';

describe('sqlString', () => {
  it('wraps in single quotes and doubles the quotes inside', () => {
    expect(sqlString('plain')).toBe("'plain'");
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlString("''")).toBe("''''''");
    expect(sqlString('')).toBe("''");
  });

  it('gives DuckDB back exactly the string, however hostile', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      for (const s of ["/tmp/o'brien/data", "x'); DROP TABLE t; --", 'back\\slash "double" $1 ?', 'ünïcødé ✓']) {
        const rows = (await connection.runAndReadAll(`SELECT ${sqlString(s)} AS s`)).getRowObjects();
        expect(rows[0].s).toBe(s);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('refuses a NUL character', () => {
    expect(() => sqlString('a\0b')).toThrow(/NUL/);
  });
});
