/**
 * The fleet end to end, with real processes and real servers: a private redis-server and s3rver,
 * `ocpsum worker` and `ocpsum reducer` as separate OS processes, runs enqueued with the CLI.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectSameCsv, readCsv } from '../helpers/csv.js';
import { firstLine, fleetWorld, startOcpsum } from '../helpers/fleet.js';
import { parquetSummary } from '../helpers/parquet.js';

const world = fleetWorld('fleet', {
  large: { rows: 300_000, seed: 7, memory: true },
  // The small one in the POC's layout, so the fleet reads both.
  small: { rows: 50_000, seed: 8, layout: 'poc', memory: true },
});

describe('a 300K-row dataset on S3, 3 worker processes and a reducer', () => {
  test('the fleet writes the same rows as memory mode, chunks and day reduces spread over the workers', async () => {
    const { workers } = await world.startFleet('e2e', 3);
    const out = join(world.work, 'fleet.csv');
    // One Parquet file too: the reducer's commit joins the days' staged Parquet with DuckDB.
    const parquet = join(world.work, 'fleet.parquet');
    // A day reduce per day (--day-bytes 1), however small the days.
    const flags = ['--chunk-rows', '20000', '--day-bytes', '1', '--out', out, '--out', parquet, '--wait'];
    const { stdout } = await world.cli(world.enqueue('large', 'e2e', flags));
    const runId = firstLine(stdout);
    const rows = await expectSameCsv(out, world.memoryCsv('large'));
    expect(rows).toBeGreaterThan(1000);
    const csv = await readCsv(out);
    const cpu = csv.header.indexOf('pod_usage_cpu_core_hours');
    const cpuHours = csv.rows.reduce((n, row) => n + Number(row[cpu] || 0), 0);
    const written = await parquetSummary(parquet);
    expect(written.rows).toBe(rows);
    expect(written.cpuHours).toBeCloseTo(cpuHours, 6);

    const run = (await world.record('e2e', runId))!;
    expect(run.status).toBe('done');
    expect(run.mode).toBe('chunks');
    expect(run.report!.chunks).toHaveLength(run.chunks);
    const pids = new Set(run.report!.chunks.map((c) => c.worker.split(':')[1]));
    expect(pids).toEqual(new Set(workers.map((w) => String(w.process.pid))));
    expect(run.report!.rowsIn.pod).toBe(300_000);
    // One day reduce per day of the month (--day-bytes 1), each once, run by more than one worker.
    const days = run.report!.days.flatMap((d) => d.days);
    expect(days).toEqual(Array.from({ length: 31 }, (_, i) => `2025-10-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(run.report!.days.map((d) => d.worker)).size).toBeGreaterThan(1);
    expect(run.report!.days.reduce((n, d) => n + d.counts.pod + d.counts.storage + d.counts.unallocated, 0)).toBe(rows);

    const status = await world.cli(['status', runId, ...world.fleet('e2e')]);
    expect(status.stdout).toMatch(new RegExp(`run ${runId}: done`));
    expect(status.stdout).toMatch(/rows in: +300,000 pod/);

    const partials = await world.keys('{e2e}:run:*:partial:*');
    expect(partials, 'partials removed after the run').toEqual([]);
    const staged = await world.keys('{e2e}:run:*:staged:*');
    expect(staged, 'staged outputs removed after the run').toEqual([]);
  });
});

describe('a window of the month through the fleet', () => {
  test('is planned from the files of its days only, and gives memory mode\'s rows of the window', async () => {
    await world.startFleet('window', 2);
    const window = ['--start-date', '2025-10-10', '--end-date', '2025-10-13'];
    const out = join(world.work, 'fleet-window.csv');
    const memory = join(world.work, 'memory-window.csv');
    const inMemory = await world.cli(['run', ...world.dataset('large'), ...window, '--mode', 'memory', '--out', memory]);
    const podRows = /read +([\d,]+) pod usage/.exec(inMemory.stdout)![1].replaceAll(',', '');
    const flags = [...window, '--threshold', '1000', '--chunk-rows', '20000', '--out', out, '--wait'];
    const enqueued = await world.cli(world.enqueue('large', 'window', flags));
    // 4 days × 4 report types of the month's 124 files, and only the window's pod rows, in chunks.
    expect(enqueued.stderr).toMatch(new RegExp(`enqueued ${podRows} pod usage rows from 16 of 124 files as [2-9] chunks`));
    expect(await expectSameCsv(out, memory)).toBeGreaterThan(100);
  });
});

describe('ocpsum run --mode fleet', () => {
  test('runs a whole fleet in its own process, exits when done, and matches memory mode', async () => {
    const out = join(world.work, 'in-process.csv');
    const result = await world.ocpsum(
      [
        'run',
        '--mode',
        'fleet',
        ...world.dataset('small'),
        ...world.fleet('inproc'),
        '--threshold',
        '1000',
        '--chunk-rows',
        '10000',
        '--out',
        out,
      ],
      { timeoutMs: 120_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: done \(chunks, (\d+)\/\1 chunks/);
    await expectSameCsv(out, world.memoryCsv('small'));
  });
});

describe('ocpsum coordinator, the old name of ocpsum reducer, kept for a release', () => {
  test('runs the reducer, after one line on stderr saying it is deprecated and to use ocpsum reducer', async () => {
    const notice = 'ocpsum: "ocpsum coordinator" is deprecated; use "ocpsum reducer"';
    const help = await world.ocpsum(['coordinator', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toBe(`${notice}\n`);
    expect(help.stdout).toContain('Usage: ocpsum reducer|coordinator [options]');

    await world.worker('alias');
    const args = ['coordinator', ...world.fleet('alias')];
    const reducer = await startOcpsum('coordinator', args, world.env, /reducer \d+: /);
    world.processes.push(reducer);
    const out = join(world.work, 'alias.csv');
    const flags = ['--threshold', '1000', '--chunk-rows', '10000', '--out', out, '--wait'];
    const { stdout } = await world.cli(world.enqueue('small', 'alias', flags));
    await expectSameCsv(out, world.memoryCsv('small'));
    expect((await world.record('alias', firstLine(stdout)))!.status).toBe('done');
    const lines = reducer.all().split('\n');
    expect(lines.filter((line) => line.includes('deprecated'))).toEqual([notice]);
  });
});
