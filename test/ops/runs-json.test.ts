/**
 * The fleet's machine-readable output against real worker and reducer processes: `enqueue --wait
 * --json`, `status --json` and `run --mode fleet --json` print one run document, whose rows are the
 * output's and the human report's; `ocpsum runs` lists recent runs newest first, as a table and as JSON.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { RECENT_RUNS, RunRecords, runKey, type RunDocument, type RunEntry } from '@ocpsum/fleet';
import { readCsv } from '../helpers/csv.js';
import { fleetWorld, withRedis } from '../helpers/fleet.js';

const ROWS = 60_000;

const world = fleetWorld('runs-json', { month: { rows: ROWS, seed: 12 } });

const count = (n: number) => n.toLocaleString('en-US');

/** Rows of an ocpsum CSV by kind, as the report counts them. */
async function csvRows(path: string): Promise<Record<string, number>> {
  const table = await readCsv(path);
  const namespace = table.header.indexOf('namespace');
  const dataSource = table.header.indexOf('data_source');
  const kinds = { pod: 0, storage: 0, unallocated: 0 };
  for (const row of table.rows) {
    if (row[namespace]!.endsWith(' unallocated')) kinds.unallocated++;
    else if (row[dataSource] === 'Storage') kinds.storage++;
    else kinds.pod++;
  }
  return kinds;
}

test('enqueue --wait --json, status --json and run --mode fleet --json print the run document', async () => {
  await world.startFleet('json', 1);
  const source = world.source('month');
  const out = join(world.work, 'chunks.csv');
  const chunked = ['--threshold', '0', '--chunk-rows', '20000'];
  const enqueue = await world.cli([
    'enqueue',
    ...world.dataset('month'),
    ...world.fleet('json'),
    ...chunked,
    '--out',
    out,
    '--wait',
    '--json',
  ]);
  // stdout is the document alone: the run id went to stderr with the other messages.
  const run = JSON.parse(enqueue.stdout) as RunDocument;
  expect(run.runId).toMatch(/^[0-9a-f]{24}$/);
  expect(enqueue.stderr).toContain(run.runId);
  expect(run).toMatchObject({ status: 'done', mode: 'chunks', source: source, month: '2025-10', error: null });
  expect(run.chunks).toBeGreaterThan(1);
  expect(run.chunksDone).toBe(run.chunks);
  expect(run.durationMs).toBe(run.finishedAt! - run.createdAt);
  const report = run.report!;
  expect(report.rowsIn.pod).toBe(ROWS);
  expect(report.rowsOut).toEqual(await csvRows(out));
  expect(report.outputs).toEqual([out]);
  expect(report.sinks.map((s) => s.target)).toEqual([out]);
  expect(report.chunks.map((c) => c.chunk)).toEqual([...Array(run.chunks).keys()]);
  expect(report.days.length).toBeGreaterThan(0);
  expect(Object.keys(report.phases)).toEqual(expect.arrayContaining(['fetch', 'kernel', 'merge', 'finalize', 'commit']));

  // status --json prints the same document; the human report states the same rows.
  const status = await world.cli(['status', run.runId!, ...world.fleet('json'), '--json']);
  expect(JSON.parse(status.stdout)).toEqual(run);
  const human = (await world.cli(['status', run.runId!, ...world.fleet('json')])).stdout;
  expect(human).toContain(`run ${run.runId}: done (chunks, ${run.chunks}/${run.chunks} chunks, source ${source}, 2025-10)`);
  const { pod, storage, unallocated } = report.rowsOut;
  expect(human).toContain(`rows out: ${count(pod)} pod, ${count(storage)} storage, ${count(unallocated)} unallocated`);
  expect(human).toMatch(new RegExp(`^sink   ${out}: \\d+\\.\\d\\d s`, 'm'));

  // A whole fleet in the CLI's process prints the same shape, and the same rows for the same dataset.
  const inProcess = join(world.work, 'in-process.csv');
  const fleetRun = await world.cli([
    'run',
    '--mode',
    'fleet',
    ...world.dataset('month'),
    ...world.fleet('in-process'),
    ...chunked,
    '--threads',
    '2',
    '--out',
    inProcess,
    '--json',
  ]);
  const same = JSON.parse(fleetRun.stdout) as RunDocument;
  expect(Object.keys(same)).toEqual(Object.keys(run));
  expect(Object.keys(same.report!)).toEqual(Object.keys(report));
  expect(same).toMatchObject({ status: 'done', mode: 'chunks' });
  expect(same.runId).not.toBe(run.runId);
  expect(same.report!.rowsOut).toEqual(report.rowsOut);
  expect(await csvRows(inProcess)).toEqual(report.rowsOut);
});

test('ocpsum runs lists recent runs newest first, a run started again on top; --limit and --json', async () => {
  await world.startFleet('listed', 1);
  const source = world.source('month');
  const fleet = world.fleet('listed');
  const enqueue = async (name: string) => {
    const { stdout } = await world.cli([
      'enqueue',
      ...world.dataset('month'),
      ...fleet,
      '--out',
      join(world.work, `${name}.csv`),
      '--wait',
      '--json',
    ]);
    return JSON.parse(stdout) as RunDocument;
  };
  const a = await enqueue('a');
  const b = await enqueue('b');
  const c = await enqueue('c');
  // The first run once more: the same run id, started again, so the newest.
  const again = await enqueue('a');
  expect(again.runId).toBe(a.runId);
  expect(again.createdAt).toBeGreaterThan(c.createdAt);

  const listed = JSON.parse((await world.cli(['runs', ...fleet, '--json'])).stdout) as RunEntry[];
  expect(listed.map((r) => r.runId)).toEqual([a.runId, c.runId, b.runId]);
  const { report: _report, ...entry } = again;
  expect(listed[0]).toEqual(entry);
  for (const r of listed) {
    expect(r).toMatchObject({ status: 'done', mode: 'whole', source: source, month: '2025-10', chunks: 1, chunksDone: 1 });
  }
  const limited = JSON.parse((await world.cli(['runs', ...fleet, '--limit', '2', '--json'])).stdout) as RunEntry[];
  expect(limited).toEqual(listed.slice(0, 2));

  // The table: a header, then one line per run in the same order, with its status and chunks.
  const lines = (await world.cli(['runs', ...fleet])).stdout.trimEnd().split('\n');
  expect(lines[0].split(/\s+/)).toEqual(['run', 'source', 'month', 'status', 'chunks', 'started', 'duration']);
  expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 5))).toEqual(
    listed.map((r) => [r.runId, source, '2025-10', 'done', '1/1']),
  );
  expect(lines[1]).toContain(new Date(again.createdAt).toISOString());
});

test('the recent index keeps the newest runs and forgets runs whose record has expired', async () => {
  const prefix = 'bound';
  const source = world.source('month');
  const ids = Array.from({ length: RECENT_RUNS + 1 }, (_, i) => i.toString(16).padStart(24, '0'));
  await withRedis(world.redis.url, async (client) => {
    const records = new RunRecords(client, prefix);
    for (const [i, runId] of ids.entries()) {
      await records.start({
        runId,
        mode: 'whole',
        chunks: 1,
        source: source,
        month: '2025-10',
        createdAt: 1_750_000_000_000 + i,
        deadline: 1_750_000_000_000 + i + 60_000,
      });
    }
  });
  const listed = async (limit: number) =>
    (JSON.parse((await world.cli(['runs', ...world.fleet(prefix), '--limit', String(limit), '--json'])).stdout) as RunEntry[]).map(
      (r) => r.runId,
    );
  // The oldest of RECENT_RUNS + 1 fell out of the index.
  expect(await listed(RECENT_RUNS)).toEqual(ids.slice(1).reverse());

  // A record that expires leaves the listing, and the index with it.
  const expired = ids[RECENT_RUNS - 1];
  await withRedis(world.redis.url, (client) => client.pexpire(runKey(prefix, expired), 1));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await listed(3)).toEqual([ids[RECENT_RUNS], ids[RECENT_RUNS - 2], ids[RECENT_RUNS - 3]]);
  const score = await withRedis(world.redis.url, (client) => client.zscore('{bound}:runs:recent', expired));
  expect(score).toBeNull();
});
