import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlString, summaryColumns, type RunSpec } from '@ocpsum/core';
import { openStore } from '@ocpsum/storage';
import type { PreparedOutput, SummarySource } from './interfaces.js';
import { copyParquet } from './parquet.js';
import { summaryDays } from './summary-sql.js';

/**
 * A folder or `s3://bucket/prefix` of Parquet by day: one object per day of the summary under
 * `source={uuid}/year={YYYY}/month={MM}/day={DD}/`. Prepare has DuckDB write each day's file into
 * a temporary folder; commit puts the new objects first, then removes the day's older ones, so a
 * day is never empty; days of the window that now have no rows are cleared.
 */
export async function prepareParquetDays(
  target: string,
  source: SummarySource,
  spec: RunSpec,
): Promise<PreparedOutput> {
  const store = openStore(target);
  const folder = await mkdtemp(join(tmpdir(), 'ocpsum-parquet-'));
  const cleanup = async () => {
    await rm(folder, { recursive: true, force: true });
    await store.close();
  };
  const files = new Map<string, string>();
  try {
    const columns = summaryColumns(spec.byPod);
    for (const [i, day] of (await summaryDays(source)).entries()) {
      const file = join(folder, `day-${i}.parquet`);
      await copyParquet(source, columns, file, `usage_start = CAST(${sqlString(day)} AS DATE)`);
      files.set(day, file);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  const name = `summary-${Date.now().toString(36)}-${process.pid}.parquet`;
  const dayPrefix = (day: string) =>
    `source=${spec.source}/year=${day.slice(0, 4)}/month=${day.slice(5, 7)}/day=${day.slice(8, 10)}/`;
  return {
    target: store.root,
    async commit() {
      try {
        for (const [day, file] of files) await store.put(dayPrefix(day) + name, createReadStream(file));
        for (const day of windowDays(spec)) {
          for await (const object of store.list(dayPrefix(day))) {
            if (!object.key.endsWith(`/${name}`)) await store.delete(object.key);
          }
        }
      } finally {
        await cleanup();
      }
    },
    abort: cleanup,
  };
}

function windowDays(spec: RunSpec): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${spec.startDate}T00:00:00Z`);
    t <= Date.parse(`${spec.endDate}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
