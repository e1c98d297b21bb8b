/**
 * `ocpsum run --json` in memory, as a script reads it: stdout is one JSON document and nothing else,
 * its rows are those the human summary states and the output holds, and messages stay on stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunDocument } from '@ocpsum/fleet';
import { ocpsum } from '../helpers/cli.js';
import { readCsv } from '../helpers/csv.js';

let dir: string;
let root: string;
const month = ['--year', '2025', '--month', '10'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocpsum-json-'));
  root = join(dir, 'data-root');
  const generated = await ocpsum(['generate', '--out', root, '--rows', '6000', '--seed', '4']);
  expect(generated.code, generated.stderr).toBe(0);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const numbers = (match: RegExpExecArray | null) => match!.slice(1).map((n) => Number(n.replace(/,/g, '')));

test('run --json prints one document with the rows, phases and outputs of the human summary', async () => {
  const human = await ocpsum(['run', '--root', root, ...month, '--out', join(dir, 'human.csv')]);
  expect(human.code, human.stderr).toBe(0);
  const csv = join(dir, 'summary.csv');
  const days = join(dir, 'days');
  const json = await ocpsum(['run', '--root', root, ...month, '--out', csv, '--out', days, '--json']);
  expect(json.code, json.stderr).toBe(0);

  // The whole of stdout is the document; where the dataset was found is on stderr.
  const run = JSON.parse(json.stdout) as RunDocument;
  expect(json.stderr).toMatch(/^ocpsum: reading the masu layout at /m);
  const source = /source=([0-9a-f-]{36})\//.exec(json.stderr)![1];
  expect(run).toMatchObject({ runId: null, status: 'done', mode: 'memory', source, month: '2025-10', error: null });
  expect(run.finishedAt! - run.createdAt).toBeGreaterThan(0);

  // The rows the human summary reads and wrote.
  const [podIn, storageIn, nodeLabelsIn, namespaceLabelsIn] = numbers(
    /read\s+([\d,]+) pod usage, ([\d,]+) storage, ([\d,]+) node label, ([\d,]+) namespace label rows/.exec(human.stdout),
  );
  expect(run.report!.rowsIn).toEqual({
    pod: podIn,
    storage: storageIn,
    nodeLabels: nodeLabelsIn,
    namespaceLabels: namespaceLabelsIn,
  });
  const [pod, storage, unallocated] = numbers(
    /wrote\s+([\d,]+) pod, ([\d,]+) storage, ([\d,]+) unallocated rows/.exec(human.stdout),
  );
  expect(run.report!.rowsOut).toEqual({ pod, storage, unallocated });
  expect(podIn).toBe(6000);

  // …and the rows the CSV holds.
  const table = await readCsv(csv);
  const column = (name: string) => table.header.indexOf(name);
  const kinds = { pod: 0, storage: 0, unallocated: 0 };
  for (const row of table.rows) {
    if (row[column('namespace')]!.endsWith(' unallocated')) kinds.unallocated++;
    else if (row[column('data_source')] === 'Storage') kinds.storage++;
    else kinds.pod++;
  }
  expect(kinds).toEqual(run.report!.rowsOut);
  expect(new Set(table.rows.map((row) => row[column('source_uuid')]))).toEqual(new Set([source]));

  // Phases and outputs: each sink line of the human summary, as data.
  expect(run.report!.outputs).toEqual([csv, days]);
  expect(run.report!.sinks.map((s) => s.target)).toEqual([csv, days]);
  expect(Object.keys(run.report!.phases)).toEqual(['discover', 'kernel', 'finalize', 'sink']);
  const phases = Object.values(run.report!.phases);
  for (const ms of phases) expect(ms).toBeGreaterThanOrEqual(0);
  expect(run.durationMs!).toBeGreaterThanOrEqual(phases.reduce((a, b) => a + b, 0));
  expect(run.report!.chunks).toEqual([]);
  expect(run.report!.days).toEqual([]);
});

test('a run refused before it starts prints nothing on stdout with --json', async () => {
  const result = await ocpsum(['run', '--root', root, '--year', '2025', '--month', '13', '--out', join(dir, 'x.csv'), '--json']);
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/--month/);
});
