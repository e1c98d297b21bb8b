import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runSpec } from '@ocpsum/core';
import { withSummaryTable } from '../../../test/helpers/summary-table.js';
import { writeOutputs } from '../src/index.js';
import { row } from './rows.js';

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
