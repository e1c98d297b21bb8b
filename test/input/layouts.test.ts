/**
 * The two bucket layouts real buckets have — koku's own (masu) and the proof of concept's — found
 * from the same flags, with `ocpsum` run as a user runs it.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cliOk, ocpsum } from '../helpers/cli.js';
import { expectSameCsv, readCsv } from '../helpers/csv.js';
import {
  makeDataset,
  podRow,
  removeDataset,
  reportFile,
  writeNamespaceLabels,
  writePodUsage,
  namespaceLabelsRow,
  type Dataset,
} from '../helpers/parquet.js';

const ORG = 'org1234567';
const SOURCE = '3a9c2f10-7b4d-4e21-9c55-6d0e1f2a3b4c';
const MONTH = ['--org', ORG, '--source', SOURCE, '--year', '2025', '--month', '10'];

let work: string;
const masu = () => join(work, 'masu');
const poc = () => join(work, 'poc');
const cli = (args: string[]) => cliOk(args, {});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocpsum-layouts-'));
  // One dataset, the same seed, written in each layout.
  await cli(['generate', '--out', masu(), '--rows', '20000', ...MONTH]);
  await cli(['generate', '--out', poc(), '--rows', '20000', '--layout', 'poc', ...MONTH]);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('masu and POC layouts', () => {
  test('give the same rows, and the run says which layout it read', async () => {
    const fromMasu = await cli(['run', '--root', masu(), ...MONTH, '--out', join(work, 'masu.csv')]);
    const fromPoc = await cli(['run', '--root', poc(), ...MONTH, '--out', join(work, 'poc.csv')]);
    expect(fromMasu.stderr).toContain(
      `reading the masu layout at ${masu()}/data/parquet/${ORG}/OCP/{report type}/source=${SOURCE}/year=2025/month=10/`,
    );
    expect(fromPoc.stderr).toContain(`reading the poc layout at ${poc()}/data/${ORG}/OCP/source=${SOURCE}/year=2025/month=10/`);
    expect(await expectSameCsv(join(work, 'poc.csv'), join(work, 'masu.csv'))).toBeGreaterThan(100);
  });

  test("the POC's storage rows under openshift_storage_usage_line_items_daily are read", async () => {
    const { header, rows } = await readCsv(join(work, 'poc.csv'));
    const source = header.indexOf('data_source');
    expect(rows.filter((r) => r[source] === 'Storage').length).toBeGreaterThan(0);
    const run = await cli(['run', '--root', poc(), ...MONTH, '--out', join(work, 'poc-again.csv')]);
    expect(run.stdout).toMatch(/read +[\d,]+ pod usage, [1-9][\d,]* storage/);
  });

  test('a root holding both is refused, naming both; --layout chooses one', async () => {
    const both = join(work, 'both');
    await cp(masu(), both, { recursive: true });
    await cp(poc(), both, { recursive: true });
    const refused = await ocpsum(['run', '--root', both, ...MONTH, '--out', join(work, 'both.csv')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`masu (koku) at ${both}/data/parquet/${ORG}/OCP/{report type}/source=${SOURCE}`);
    expect(refused.stderr).toContain(`POC at ${both}/data/${ORG}/OCP/source=${SOURCE}/year=2025/month=10/`);
    expect(refused.stderr).toMatch(/--layout masu or --layout poc/);

    await cli(['run', '--root', both, '--layout', 'poc', ...MONTH, '--out', join(work, 'chosen.csv')]);
    await expectSameCsv(join(work, 'chosen.csv'), join(work, 'poc.csv'));
  });

  test('an unknown month in the masu layout names the months the source has', async () => {
    const result = await ocpsum(['run', '--root', masu(), ...MONTH.slice(0, -1), '11', '--out', join(work, 'x.csv')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no data for source .* in 2025-11: .*source .* has data for 2025-10/);
  });
});

describe('objects no report type claims', () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = await makeDataset({ year: 2025, month: 10, layout: 'masu' });
    await writePodUsage(ds, [podRow({ pod_usage_cpu_core_seconds: 3600, node_capacity_cpu_core_seconds: 7200 })]);
  });
  afterAll(() => removeDataset(ds));

  test('are named in a warning and not read', async () => {
    // koku writes VM usage beside the pod usage; a stray file sits in a report folder.
    const vm = reportFile(ds, 'openshift_pod_usage_line_items', { reportSegment: 'vm_usage' });
    await mkdir(dirname(vm), { recursive: true });
    await writeFile(vm, 'not read');
    const stray = join(dirname(reportFile(ds, 'openshift_pod_usage_line_items')), 'manifest.json');
    await writeFile(stray, '{}');
    const out = join(ds.root, 'out.csv');
    const result = await cli(['run', '--root', ds.root, '--org', ds.org, '--source', ds.source, '--year', '2025', '--month', '10', '--out', out]);
    expect(result.stderr).toMatch(/warning: ignoring 1 object \(report type "vm_usage" is not read: .*\): .*vm_usage\/source=.*day-01_part-0\.parquet/);
    expect(result.stderr).toMatch(/warning: ignoring 1 object \(not a \.parquet file\): .*pod_usage\/source=.*\/manifest\.json/);
    expect(result.stdout).toMatch(/read +1 pod usage/);
  });
});

describe('label columns of another type', () => {
  let ds: Dataset;
  const flags = () => ['--root', ds.root, '--org', ds.org, '--source', ds.source, '--year', '2025', '--month', '10'];
  beforeEach(async () => {
    ds = await makeDataset({ year: 2025, month: 10 });
  });
  afterEach(() => removeDataset(ds));

  test('an all-null DOUBLE label column (as pandas writes a file without labels) means no labels', async () => {
    await writePodUsage(ds, [podRow({ pod_labels: null, pod_usage_cpu_core_seconds: 7200 })], {
      types: { pod_labels: 'DOUBLE' },
    });
    await writeNamespaceLabels(ds, [namespaceLabelsRow({ namespace_labels: null })], {
      types: { namespace_labels: 'INTEGER' },
    });
    const out = join(ds.root, 'out.csv');
    await cli(['run', ...flags(), '--out', out]);
    const { header, rows } = await readCsv(out);
    const pod = rows.find((r) => r[header.indexOf('namespace')] === 'ns')!;
    expect(pod[header.indexOf('pod_labels')]).toBe('{}');
    expect(Number(pod[header.indexOf('pod_usage_cpu_core_hours')])).toBe(2);
  });

  test('one that holds values is refused, naming the file, the column and its type', async () => {
    const file = await writePodUsage(ds, [podRow({ pod_labels: 1.5 as unknown as string })], {
      types: { pod_labels: 'DOUBLE' },
    });
    const result = await ocpsum(['run', ...flags(), '--out', join(ds.root, 'out.csv')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(file.slice(ds.root.length + 1));
    expect(result.stderr).toMatch(/column "pod_labels" has type DOUBLE, expected a string holding labels/);
  });
});
