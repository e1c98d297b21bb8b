import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../src/duckdb.js';

async function settings(db: DuckDBConnection): Promise<Record<string, unknown>> {
  const reader = await db.runAndReadAll(
    `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit,
            current_setting('temp_directory') AS temp_directory`,
  );
  return reader.getRowObjectsJson()[0];
}

describe('openEngine', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ocpsum-engine-test-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('gives every connection its threads, memory limit and spill folder, and spills there', async () => {
    const spill = join(folder, 'spill');
    const engine = await openEngine(1, { memoryLimit: '64MiB', tempDirectory: spill });
    try {
      const expected = { threads: '1', memory_limit: '64.0 MiB', temp_directory: spill };
      expect(await settings(engine.db)).toEqual(expected);
      const other = await engine.connect();
      expect(await settings(other)).toEqual(expected);
      other.closeSync();

      // Four million distinct 32-character groups need several times 64 MiB: the query finishes
      // only by spilling, and DuckDB creates the spill folder at its first spill.
      expect(existsSync(spill)).toBe(false);
      const groups = await engine.db.runAndReadAll(
        'SELECT count(*)::INTEGER AS n FROM (SELECT md5(range::VARCHAR) AS g, count(*) FROM range(4000000) GROUP BY g)',
      );
      expect(groups.getRowObjectsJson()[0].n).toBe(4_000_000);
      expect(existsSync(spill)).toBe(true);
    } finally {
      engine.close();
    }
    expect(existsSync(spill)).toBe(false);
  });

  it('spills by default under the OS temp folder, each engine to a folder of its own', async () => {
    const engines = [await openEngine(2), await openEngine(2)];
    try {
      const folders = await Promise.all(
        engines.map(async (engine) => String((await settings(engine.db)).temp_directory)),
      );
      for (const spill of folders) expect(relative(tmpdir(), spill)).toMatch(/^ocpsum-duckdb-\d+-\d+$/);
      expect(new Set(folders).size).toBe(2);
    } finally {
      for (const engine of engines) engine.close();
    }
  });
});
