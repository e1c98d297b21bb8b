import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetWriter } from '../src/writer.js';

const id = { org: 'org1234567', source: 'c0ffee00-0000-4000-8000-000000000002', year: 2025, month: 2 };

describe('DatasetWriter', () => {
  it("opens DuckDB through the kernel's openEngine: two threads, spilling under the OS temp folder", async () => {
    const seen = await DatasetWriter.use({ outDir: path.join(tmpdir(), 'unused'), id }, async (writer) => {
      const reader = await writer.connection.runAndReadAll(
        "SELECT current_setting('threads') AS threads, current_setting('temp_directory') AS spill",
      );
      return reader.getRowObjectsJson()[0];
    });
    expect(seen.threads).toBe('2');
    expect(path.relative(tmpdir(), String(seen.spill))).toMatch(/^ocpsum-duckdb-\d+-\d+$/);
  });
});
