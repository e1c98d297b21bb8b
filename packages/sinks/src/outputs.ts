import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { summaryColumns, type RunSpec, type SummaryRow } from '@ocpsum/core';
import { openStore } from '@ocpsum/storage';
import { csvBatches } from './csv.js';
import { writeParquetFiles } from './parquet.js';
import { isPostgresTarget, preparePostgres } from './postgres.js';

/** An output written aside, made visible by commit or thrown away by abort. */
export interface PreparedOutput {
  target: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** What the output did, for the run's report (e.g. rows replaced). */
  detail?: string;
}

/** One output of `writeOutputs`: its target (password redacted), time taken and what it did. */
export interface OutputTiming {
  target: string;
  ms: number;
  detail?: string;
}

/**
 * Writes the rows to every target, whole or not at all: all outputs are prepared first, and
 * only when every one succeeded are they committed. A target is `FILE.csv`, `FILE.parquet`, a
 * `postgres://…?schema=NAME` URL (koku's table, see postgres.ts), or a folder that receives
 * Parquet in the Hive layout `source=/year=/month=/day=/`.
 *
 * PostgreSQL is the one output that can still be rolled back after its commit step began for the
 * others, so it is prepared last (its transaction stays open the shortest time, and a failed file
 * never touches it) and committed last (a failed commit of a file or folder rolls it back).
 * A failed commit aborts every output not yet committed and says which ones were.
 */
export async function writeOutputs(
  targets: readonly string[],
  rows: readonly SummaryRow[],
  spec: RunSpec,
): Promise<OutputTiming[]> {
  const ordered = [...targets.filter((t) => !isPostgresTarget(t)), ...targets.filter(isPostgresTarget)];
  const prepared: PreparedOutput[] = [];
  const times: number[] = [];
  try {
    for (const target of ordered) {
      const started = performance.now();
      prepared.push(await prepareOutput(target, rows, spec));
      times.push(performance.now() - started);
    }
  } catch (error) {
    await Promise.all(prepared.map((p) => p.abort().catch(() => undefined)));
    throw error;
  }
  for (let i = 0; i < prepared.length; i++) {
    const started = performance.now();
    try {
      await prepared[i].commit();
    } catch (error) {
      // The failed one too: a file whose rename failed still has its temporary copy.
      await Promise.all(prepared.slice(i).map((p) => p.abort().catch(() => undefined)));
      if (i === 0 || !(error instanceof Error)) throw error;
      error.message += ` (already committed: ${prepared
        .slice(0, i)
        .map((p) => p.target)
        .join(', ')})`;
      throw error;
    }
    times[i] += performance.now() - started;
  }
  return prepared.map((p, i) => ({ target: p.target, ms: times[i], detail: p.detail }));
}

export function prepareOutput(target: string, rows: readonly SummaryRow[], spec: RunSpec): Promise<PreparedOutput> {
  if (isPostgresTarget(target)) return preparePostgres(target, rows, spec);
  const columns = summaryColumns(spec.byPod);
  if (target.endsWith('.csv'))
    return prepareFile(target, async (temporary) => writeFile(temporary, csvBatches(rows, columns, { header: true })));
  if (target.endsWith('.parquet')) {
    return prepareFile(target, async (temporary) => {
      const { files, cleanup } = await writeParquetFiles(rows, columns, () => 'all');
      try {
        await rename(files.get('all')!, temporary).catch(async () => {
          await writeFile(temporary, createReadStream(files.get('all')!));
        });
      } finally {
        await cleanup();
      }
    });
  }
  return prepareHiveFolder(target, rows, spec, columns);
}

async function prepareFile(target: string, write: (temporary: string) => Promise<void>): Promise<PreparedOutput> {
  const path = resolve(target);
  await mkdir(dirname(path), { recursive: true });
  await removeDeadTemporaries(path);
  const temporary = temporaryName(path, process.pid);
  try {
    await write(temporary);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return {
    target: path,
    commit: () => rename(temporary, path),
    abort: () => rm(temporary, { force: true }),
  };
}

/** Where a file output is written aside: named by host and process, so a dead writer's copy can be told apart. */
function temporaryName(path: string, pid: number): string {
  return `${path}.${hostname()}.${pid}.tmp`;
}

/**
 * Removes the copies that writers of this host left when they died mid-write (a reducer killed
 * while writing the sinks): the next write of the same file tidies after them.
 */
async function removeDeadTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.${hostname()}.`;
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (Number.isSafeInteger(pid) && pid > 0 && !isRunning(pid)) await rm(join(dirname(path), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One Parquet object per day under `source=/year=/month=/day=/`. Commit puts the new objects
 * first, then removes the day's older ones, so a day is never empty; days of the window that
 * now have no rows are cleared.
 */
async function prepareHiveFolder(
  target: string,
  rows: readonly SummaryRow[],
  spec: RunSpec,
  columns: ReturnType<typeof summaryColumns>,
): Promise<PreparedOutput> {
  const store = openStore(target);
  const { files, cleanup } = await writeParquetFiles(rows, columns, (row) => row.usage_start);
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
        await store.close();
      }
    },
    async abort() {
      await cleanup();
      await store.close();
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
