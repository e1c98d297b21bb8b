import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runSpec } from '@ocpsum/core';
import { withSummaryTable } from '../../../test/helpers/summary-table.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { commitOutputs, stageOutputs, writeOutputs, type StagedFile } from '../src/index.js';
import { awkwardRows, row } from './rows.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ocpsum-outputs-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const spec = runSpec({
  org: 'org1',
  source: '6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c',
  year: 2025,
  month: 10,
  reference: { enabledKeys: [], costCategories: [], nodeRoles: [] },
});

test('a file output removes the copies that dead writers of this host left, and only those', async () => {
  const csv = join(folder, 'summary.csv');
  // A process that has exited (its pid names no running process), and one that is still writing.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const writing = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  try {
    const left = {
      dead: `${csv}.${hostname()}.${dead}.tmp`,
      running: `${csv}.${hostname()}.${writing.pid}.tmp`,
      otherHost: `${csv}.some-other-host.${dead}.tmp`,
    };
    for (const path of Object.values(left)) await writeFile(path, 'half a file');

    await withSummaryTable([], (source) => writeOutputs([csv], source, spec));

    expect((await readFile(csv, 'utf8')).split('\n')[0]).toMatch(/^report_period_id,cluster_id,/);
    expect(existsSync(left.dead), 'the dead writer’s copy').toBe(false);
    expect(existsSync(left.running), 'a running writer’s copy').toBe(true);
    expect(existsSync(left.otherHost), 'another host’s copy').toBe(true);
  } finally {
    writing.kill();
  }
});

test('an output that fails leaves every output as it was: nothing written aside stays behind', async () => {
  const csv = join(folder, 'summary.csv');
  const parquet = join(folder, 'summary.parquet');
  const days = join(folder, 'days');
  const before = [row({ namespace: 'old' })];
  await withSummaryTable(before, (source) => writeOutputs([csv, parquet, days], source, spec));
  const snapshot = async () => ({
    csv: await readFile(csv, 'utf8'),
    parquet: await readFile(parquet),
    files: (await readdir(folder, { recursive: true })).sort(),
  });
  // A regular file where a folder is needed: the last output cannot be prepared.
  const blocked = join(folder, 'blocked');
  await writeFile(blocked, 'a file');
  const previous = await snapshot();
  await expect(
    withSummaryTable([row({ namespace: 'new' }), row({ namespace: 'newer' })], (source) =>
      writeOutputs([csv, parquet, days, join(blocked, 'summary.csv')], source, spec),
    ),
  ).rejects.toThrow(/EEXIST|ENOTDIR/);
  expect(await snapshot()).toEqual(previous);
  expect(previous.files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('parts of distinct days, staged apart in any order, commit to the same outputs as the whole summary', async () => {
  const rows = awkwardRows().flatMap((r, i) => [
    r,
    { ...r, usage_start: '2025-10-02', usage_end: '2025-10-02', namespace: `later-${i}` },
  ]);
  const write = async (name: string, parts: string[] | null) => {
    const targets = [join(folder, name, 'summary.csv'), join(folder, name, 'summary.parquet'), join(folder, name, 'days')];
    await withSummaryTable(rows, async (source) => {
      if (!parts) return void (await writeOutputs(targets, source, spec));
      const staging = { id: `parts_${name}`, folder: join(folder, `${name}-staged`) };
      const staged: StagedFile[][] = targets.map(() => []);
      for (const [i, where] of parts.entries()) {
        await source.db.run(`CREATE VIEW part_${i} AS SELECT * FROM summary WHERE ${where}`);
        const part = await stageOutputs(targets, { db: source.db, table: `part_${i}` }, spec, staging);
        part.forEach(({ files }, t) => staged[t].push(...files));
      }
      await commitOutputs(targets, staged, spec, staging, async () => source.db);
    });
    return {
      csv: await readFile(targets[0], 'utf8'),
      parquet: await parquetRows(targets[1]),
      days: (await readdir(targets[2], { recursive: true })).filter((f) => f.endsWith('.parquet')),
    };
  };
  const whole = await write('whole', null);
  // The later day staged first, and the earlier days as a part of its own.
  const parted = await write('parted', ["usage_start > DATE '2025-10-01'", "usage_start <= DATE '2025-10-01'"]);
  expect(parted.csv).toBe(whole.csv);
  expect(parted.parquet).toEqual(whole.parquet);
  expect(parted.days.sort()).toEqual(whole.days.sort());
  expect(whole.csv.split('\n').length).toBeGreaterThan(rows.length);
});

/** A Parquet file's rows, in file order, as JSON text. */
async function parquetRows(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(`SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')`);
    return reader.getRowObjectsJson().map((r) => JSON.stringify(r));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
