/**
 * Bad input through the CLI, as a user meets it: a non-zero exit, one line that names the file,
 * the column and what was expected, and no output file written.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { ocpsum } from '../helpers/cli.js';
import {
  hideNaNFromStatistics,
  makeDataset,
  monthPrefix,
  podRow,
  removeDataset,
  reportFile,
  writeParquet,
  writePodUsage,
  type Dataset,
} from '../helpers/parquet.js';

let ds: Dataset;
afterEach(async () => {
  if (ds) await removeDataset(ds);
});

async function run(dataset: Dataset, extra: string[] = []) {
  const out = join(dataset.root, 'out', 'summary.csv');
  const result = await ocpsum([
    'run',
    '--root', dataset.root,
    '--org', dataset.org,
    '--source', dataset.source,
    '--year', String(dataset.year),
    '--month', String(dataset.month),
    '--out', out,
    ...extra,
  ]);
  return { ...result, wroteOutput: existsSync(out) };
}

const POD_KEY = () => `${monthPrefix(ds)}/day=01/openshift_pod_usage_line_items/part-0.parquet`;

function expectFailure(result: Awaited<ReturnType<typeof run>>, ...parts: (string | RegExp)[]) {
  expect(result.code).not.toBe(0);
  expect(result.wroteOutput).toBe(false);
  expect(result.stderr).toMatch(/^ocpsum: error: /m);
  for (const part of parts) expect(result.stderr).toMatch(part);
  expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
}

test('a missing required column names the file and the column', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  const { pod_labels: _dropped, ...columns } = {
    interval_start: 'TIMESTAMP', namespace: 'VARCHAR', node: 'VARCHAR', pod: 'VARCHAR', resource_id: 'VARCHAR', pod_labels: 'VARCHAR',
    pod_usage_cpu_core_seconds: 'DOUBLE', pod_request_cpu_core_seconds: 'DOUBLE', pod_limit_cpu_core_seconds: 'DOUBLE',
    pod_usage_memory_byte_seconds: 'DOUBLE', pod_request_memory_byte_seconds: 'DOUBLE', pod_limit_memory_byte_seconds: 'DOUBLE',
    node_capacity_cpu_cores: 'DOUBLE', node_capacity_cpu_core_seconds: 'DOUBLE', node_capacity_memory_bytes: 'DOUBLE',
    node_capacity_memory_byte_seconds: 'DOUBLE',
  };
  await writeParquet(reportFile(ds, 'openshift_pod_usage_line_items'), columns, [
    ['2025-10-01 00:00:00', 'ns', 'n1', 'p1', 'i-1', 1, 1, 1, 1, 1, 1, 4, 14400, 1, 3600],
  ]);
  expectFailure(await run(ds), POD_KEY(), /missing required column "pod_labels"/);
});

test('a column of the wrong type names the file, the column, the type found and the type expected', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow({ interval_start: '2025-10-01 00:00:00' })]);
  // Rewrite with usage as text.
  await writeParquet(
    reportFile(ds, 'openshift_pod_usage_line_items'),
    {
      interval_start: 'TIMESTAMP', namespace: 'VARCHAR', node: 'VARCHAR', pod: 'VARCHAR', resource_id: 'VARCHAR', pod_labels: 'VARCHAR',
      pod_usage_cpu_core_seconds: 'VARCHAR', pod_request_cpu_core_seconds: 'DOUBLE', pod_limit_cpu_core_seconds: 'DOUBLE',
      pod_usage_memory_byte_seconds: 'DOUBLE', pod_request_memory_byte_seconds: 'DOUBLE', pod_limit_memory_byte_seconds: 'DOUBLE',
      node_capacity_cpu_cores: 'DOUBLE', node_capacity_cpu_core_seconds: 'DOUBLE', node_capacity_memory_bytes: 'DOUBLE',
      node_capacity_memory_byte_seconds: 'DOUBLE',
    },
    [['2025-10-01 00:00:00', 'ns', 'n1', 'p1', 'i-1', '', '12', 1, 1, 1, 1, 1, 4, 14400, 1, 3600]],
  );
  expectFailure(await run(ds), POD_KEY(), /column "pod_usage_cpu_core_seconds" has type VARCHAR, expected a number/);
});

test('an object that is not Parquet is named', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow()]);
  const bogus = reportFile(ds, 'openshift_pod_usage_line_items', { file: 'part-1.parquet' });
  await writeFile(bogus, 'interval_start,namespace\n2025-10-01,ns\n');
  expectFailure(await run(ds), `${monthPrefix(ds)}/day=01/openshift_pod_usage_line_items/part-1.parquet`, /not a readable Parquet file/);
});

test('a truncated Parquet object is named', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  const path = await writePodUsage(ds, [podRow()]);
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  expectFailure(await run(ds), POD_KEY(), /not a readable Parquet file/);
});

test('malformed label JSON names the file, the column and the bad value', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow({ pod_labels: '{"app":"web"}' }), podRow({ pod: 'p2', pod_labels: '{"app": web' })]);
  expectFailure(await run(ds), POD_KEY(), /column "pod_labels"/, /malformed label JSON/, /\{\\"app\\": web/);
});

test('a label value that is not a string is refused', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow({ pod_labels: '{"replicas":3}' })]);
  expectFailure(await run(ds), POD_KEY(), /column "pod_labels"/, /label "replicas" must have a string value, got 3/);
});

test('an empty dataset says so', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, []);
  expectFailure(await run(ds), /empty dataset/, new RegExp(monthPrefix(ds)));
});

test('an unknown month names the months the source does have', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow()]);
  const result = await ocpsum([
    'run', '--root', ds.root, '--org', ds.org, '--source', ds.source, '--year', '2025', '--month', '11',
    '--out', join(ds.root, 'out.csv'),
  ]);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/no data for source .* in 2025-11/);
  expect(result.stderr).toMatch(/has data for 2025-10/);
});

test('an unknown source says there is nothing for it', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow()]);
  const result = await ocpsum([
    'run', '--root', ds.root, '--org', ds.org, '--source', 'no-such-source', '--year', '2025', '--month', '10',
    '--out', join(ds.root, 'out.csv'),
  ]);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/source no-such-source has no data/);
});

test('bad flags are refused before any work', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  const month = await ocpsum(['run', '--root', ds.root, '--year', '2025', '--month', '13', '--out', 'x.csv']);
  expect(month.code).not.toBe(0);
  expect(month.stderr).toMatch(/--month must be a whole number from 1 to 12/);
  const window = await ocpsum([
    'run', '--root', ds.root, '--year', '2025', '--month', '10', '--start-date', '2025-09-30', '--out', 'x.csv',
  ]);
  expect(window.code).not.toBe(0);
  expect(window.stderr).toMatch(/window 2025-09-30\.\.2025-10-31 must lie within 2025-10-01\.\.2025-10-31/);
  const traversal = await ocpsum(['run', '--root', ds.root, '--org', '../etc', '--year', '2025', '--month', '10', '--out', 'x.csv']);
  expect(traversal.code).not.toBe(0);
  expect(traversal.stderr).toMatch(/invalid org "\.\.\/etc"/);
  const memory = await ocpsum(['worker', '--memory-limit', '512']);
  expect(memory.code).not.toBe(0);
  expect(memory.stderr).toMatch(/--memory-limit must be a size such as 512MB or 2GiB, got "512"/);
});

test('a bad reference file names the field', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow()]);
  const reference = join(ds.root, 'reference.yml');
  await mkdir(dirname(reference), { recursive: true });
  await writeFile(reference, 'enabled_keys: [app]\nnode_roles:\n  - { node: n1, resource_id: i-1, role: boss }\n');
  expectFailure(await run(ds, ['--reference', reference]), /reference file .*reference\.yml: node_roles\.0\.role/);
});

test('negative, NaN and infinite usage are refused, naming the file and column', async () => {
  for (const value of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
    ds = await makeDataset({ year: 2025, month: 10 });
    await writePodUsage(ds, [podRow({ pod_usage_cpu_core_seconds: 10 }), podRow({ pod: 'p2', pod_request_cpu_core_seconds: value })]);
    const result = await run(ds);
    expectFailure(result, POD_KEY(), /column "pod_request_cpu_core_seconds": 1 values are negative, NaN or infinite/);
    await removeDataset(ds);
  }
});

test('NaN is refused in a file whose statistics leave it out, as a pyarrow-written file does', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  const requests = [1, 1234.5678, 5000];
  const path = await writePodUsage(
    ds,
    requests.map((request, i) => podRow({ pod: `p${i}`, pod_request_cpu_core_seconds: request })),
  );
  await hideNaNFromStatistics(path, 1234.5678);
  const result = await run(ds);
  expectFailure(result, POD_KEY(), /column "pod_request_cpu_core_seconds": 1 values are negative, NaN or infinite/);
});

test('values whose sum overflows to infinity are not refused: none of them is', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  const huge = podRow({ pod_usage_cpu_core_seconds: 1.5e308 });
  await writePodUsage(ds, [huge, huge]);
  const result = await run(ds);
  expect(result.code, result.stderr).toBe(0);
  expect(result.wroteOutput).toBe(true);
});

test('a huge but finite value is summed, and an empty cell is NULL, not an error', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow({ pod_usage_cpu_core_seconds: 1e300 }), podRow({ pod: 'p2', pod_usage_cpu_core_seconds: null })]);
  const result = await run(ds);
  expect(result.code, result.stderr).toBe(0);
  expect(result.wroteOutput).toBe(true);
});

test('a dataset spanning two months is refused, naming the file and the span', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [
    podRow({ interval_start: '2025-10-31 23:00:00' }),
    podRow({ interval_start: '2025-11-01 00:00:00' }), // the neighbouring day is tolerated …
    podRow({ interval_start: '2025-11-14 10:00:00' }), // … a day well into November is not
  ]);
  expectFailure(await run(ds), POD_KEY(), /1 rows lie outside 2025-10 \(rows span 2025-10-31 23:00:00 to 2025-11-14 10:00:00\)/);
});

test('an interval_start string that is not a timestamp names the file, the column and the value', async () => {
  ds = await makeDataset({ year: 2025, month: 10 });
  await writePodUsage(ds, [podRow({ interval_start: '2025-10-01 00:00:00 +0000 UTC' }), podRow({ pod: 'p2', interval_start: 'yesterday at noon' })], {
    intervalType: 'VARCHAR',
  });
  const result = await run(ds);
  expectFailure(result, POD_KEY(), /column "interval_start"/, /1 values are not a timestamp, such as "yesterday at noon"/);
  expect(result.stderr, 'no SQL text').not.toMatch(/LINE \d+|CAST\(/);
});
