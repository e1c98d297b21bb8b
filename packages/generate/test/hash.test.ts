import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { MACROS } from '../src/synthetic-sql.js';

/** murmur3's fmix32, the reference the SQL macros must match on every DuckDB version. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
const hash32 = (key: number, n: number) => fmix32(Number((BigInt(key) + BigInt(n) * 2654435761n) % 2n ** 32n));

describe('synthetic hash macros', () => {
  it('are murmur3 fmix32 of key + n × golden ratio, bit for bit', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      for (const macro of MACROS) await connection.run(macro);
      const cases = [
        [0, 0],
        [0, 1],
        [1, 0],
        [12345, 678],
        [4294967295, 4294967295],
        [2654435761, 99999999],
      ];
      for (const [key, n] of cases) {
        const reader = await connection.runAndReadAll('SELECT hash32($key::UBIGINT, $n::UBIGINT)::BIGINT AS h', {
          key,
          n,
        });
        expect(Number(reader.getRows()[0][0]), `hash32(${key}, ${n})`).toBe(hash32(key, n));
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
