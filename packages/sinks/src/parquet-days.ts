import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sqlString, summaryColumns, type RunSpec } from '@ocpsum/core';
import { openStore } from '@ocpsum/storage';
import type { Sink } from './interfaces.js';
import { copyParquet } from './parquet.js';
import { summaryDays } from './summary-sql.js';

/** The one object of a day: a commit replaces it in one PUT (S3) or rename (a folder). */
const DAY_OBJECT = 'summary.parquet';

/**
 * A folder or `s3://bucket/prefix` of Parquet by day: one object per day of the summary,
 * `source={uuid}/year={YYYY}/month={MM}/day={DD}/summary.parquet`. Each part stages one file per
 * day it holds. The commit replaces each day's object, so a reader sees a day's old rows or its new
 * ones, never both and never none, even when the commit dies halfway; then it removes any other
 * object of the window's days, and the objects of days that now have no rows.
 */
export function parquetDaysSink(target: string, spec: RunSpec): Sink {
  const columns = summaryColumns(spec.byPod);
  const dayPrefix = (day: string) =>
    `source=${spec.source}/year=${day.slice(0, 4)}/month=${day.slice(5, 7)}/day=${day.slice(8, 10)}/`;
  return {
    async stage(source, staging) {
      const files = [];
      for (const day of await summaryDays(source)) {
        const file = `day-${day}.parquet`;
        await copyParquet(source, columns, join(staging.folder, file), `usage_start = CAST(${sqlString(day)} AS DATE)`);
        files.push({ file, order: day, day });
      }
      return files;
    },
    async prepare(files, read) {
      const store = openStore(target);
      const written = new Set(files.map(({ day }) => dayPrefix(day!) + DAY_OBJECT));
      return {
        target: store.root,
        async commit() {
          try {
            for (const { file, day } of files) {
              await store.put(dayPrefix(day!) + DAY_OBJECT, Readable.from(read.read(file)));
            }
            for (const day of windowDays(spec)) {
              for await (const object of store.list(dayPrefix(day))) {
                if (!written.has(object.key)) await store.delete(object.key);
              }
            }
          } finally {
            await store.close();
          }
        },
        abort: () => store.close(),
      };
    },
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
