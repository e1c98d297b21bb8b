import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../src/duckdb.js';

async function settings(db: DuckDBConnection): Promise<{ threads: string; memory_limit: string; spill: string }> {
  const reader = await db.runAndReadAll(
    `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit,
            current_setting('temp_directory') AS spill`,
  );
  return reader.getRowObjectsJson()[0] as { threads: string; memory_limit: string; spill: string };
}

describe('openEngine', () => {
  it('gives every connection its threads and memory limit, and spills under the OS temp folder', async () => {
    const engine = await openEngine(1, { memoryLimit: '64MiB' });
    let spill: string;
    try {
      const seen = await settings(engine.db);
      spill = seen.spill;
      expect(seen).toEqual({ threads: '1', memory_limit: '64.0 MiB', spill });
      expect(relative(tmpdir(), spill)).toMatch(/^ocpsum-duckdb-\d+-\d+$/);
      const other = await engine.connect();
      expect(await settings(other)).toEqual(seen);
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

  it('spills each engine to a folder of its own', async () => {
    const engines = [await openEngine(2), await openEngine(2)];
    try {
      const folders = await Promise.all(engines.map(async (engine) => (await settings(engine.db)).spill));
      expect(new Set(folders).size).toBe(2);
    } finally {
      for (const engine of engines) engine.close();
    }
  });

  // The allocator is chosen when DuckDB loads, once per process: each case runs in a process of its own.
  async function memoryAroundADroppedTable(releaseFreedMemory: boolean): Promise<{ before: number; after: number }> {
    const script = `
      const { openEngine } = await import(${JSON.stringify(new URL('../dist/duckdb.js', import.meta.url).href)});
      const mib = () => process.memoryUsage().rss / 2 ** 20;
      const engine = await openEngine(2, { releaseFreedMemory: ${releaseFreedMemory} });
      const before = mib();
      await engine.db.run('CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(2000000)');
      await engine.db.run('DROP TABLE t');
      console.log(JSON.stringify({ before, after: mib() }));
      engine.close();`;
    const env = { ...process.env };
    delete env.DUCKDB_JE_MALLOC_CONF;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env });
    return JSON.parse(stdout);
  }

  it('gives a dropped table’s memory back to the OS when asked to release freed memory, and keeps it otherwise', async () => {
    const released = await memoryAroundADroppedTable(true);
    expect(released.after - released.before).toBeLessThan(32);
    const kept = await memoryAroundADroppedTable(false);
    expect(kept.after - kept.before).toBeGreaterThan(64);
  });
});
