/**
 * Reference data from koku's PostgreSQL tables: `ocpsum pg init` creates them (idempotently), and
 * `--reference pg` over rows inserted there gives the same summary as the same data in a YAML file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPostgres, type PostgresServer } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { expectSameCsv, readCsv } from '../helpers/csv.js';
import { cli, nodesOf, PASSWORD, pgUrl, referenceFor, writeReferenceYaml, type ReferenceData } from './setup.js';

const SOURCE = '7a1e5c3b-2d4f-4e6a-8b9c-0d1e2f3a4b5c';
const dataset = (root: string) => ['--root', root, '--source', SOURCE, '--year', '2025', '--month', '10'];
const TABLES = [
  'reporting_ocpusagelineitem_daily_summary',
  'reporting_enabledtagkeys',
  'reporting_ocp_cost_category_namespace',
  'reporting_ocp_nodes',
];

let server: PostgresServer;
let client: pg.Client;
let work: string;
let root: string;
let data: ReferenceData;

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  work = await mkdtemp(join(tmpdir(), 'ocpsum-pg-reference-'));
  root = join(work, 'root');
  await cli(['generate', '--out', root, '--rows', '20000', '--source', SOURCE, '--seed', '5']);
  data = referenceFor(await nodesOf(root));
}, 300_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test("pg init creates the schema and koku's four tables, and says so; a second time finds them there", async () => {
  const first = await cli(['pg', 'init', '--pg', pgUrl(server.port), '--pg-schema', 'org_ref']);
  expect(first.stdout).toContain(
    `PostgreSQL postgres://postgres:***@127.0.0.1:${server.port}/ocpsum_test?schema=org_ref: schema org_ref ready`,
  );
  for (const table of TABLES) expect(first.stdout).toMatch(new RegExp(`created +org_ref\\.${table}\\b`));
  const second = await cli(['pg', 'init', '--pg', pgUrl(server.port, 'org_ref')]);
  for (const table of TABLES) expect(second.stdout).toMatch(new RegExp(`existed +org_ref\\.${table}\\b`));
  expect(first.stdout + second.stdout).not.toContain(PASSWORD);
  // The four tables and nothing else, but the summary's default partition (koku's table is partitioned).
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'org_ref' ORDER BY 1`,
  );
  expect(rows.map((r) => r.name)).toEqual([...TABLES, `${TABLES[0]}_default`].sort());
});

test("--reference pg reads koku's tables and gives the same output as the same data in YAML", async () => {
  // What koku keeps beside the data that matters: disabled keys, other providers' keys, roles ocpsum
  // does not know, nodes without a resource id. None of it may change the result.
  await client.query(
    `INSERT INTO org_ref.reporting_enabledtagkeys (key, enabled, provider_type)
     SELECT k, true, 'OCP' FROM unnest($1::text[]) AS k
     UNION ALL VALUES ('team', false, 'OCP'), ('cost_center', true, 'AWS')`,
    [data.enabledKeys],
  );
  for (const c of data.costCategories) {
    await client.query(
      'INSERT INTO org_ref.reporting_ocp_cost_category_namespace (namespace, cost_category_id) VALUES ($1, $2)',
      [c.pattern, c.id],
    );
  }
  for (const r of data.nodeRoles) {
    await client.query('INSERT INTO org_ref.reporting_ocp_nodes (node, resource_id, node_role) VALUES ($1, $2, $3)', [
      r.node,
      r.resourceId,
      r.role,
    ]);
  }
  await client.query(
    `INSERT INTO org_ref.reporting_ocp_nodes (node, resource_id, node_role)
     VALUES ($1, $2, 'gpu'), ('ghost-node', NULL, 'worker')`,
    [data.nodeRoles.at(-1)!.node, data.nodeRoles.at(-1)!.resourceId],
  );
  const yaml = join(work, 'reference.yml');
  await writeReferenceYaml(yaml, data);

  const [fromPg, fromUrl, fromYaml] = await Promise.all([
    // --reference pg with --pg also writes koku's table in that schema, as a koku installation would.
    cli([
      'run',
      ...dataset(root),
      '--reference',
      'pg',
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_ref',
      '--out',
      join(work, 'pg.csv'),
    ]),
    cli(['run', ...dataset(root), '--reference', pgUrl(server.port, 'org_ref'), '--out', join(work, 'url.csv')]),
    cli(['run', ...dataset(root), '--reference', yaml, '--out', join(work, 'yaml.csv')]),
  ]);
  for (const result of [fromPg, fromUrl]) {
    expect(result.stderr).toContain(
      'warning: reporting_ocp_nodes: skipped rows whose node_role is not master, infra or worker: "gpu" (1)',
    );
    expect(result.stderr).toContain('warning: reporting_ocp_nodes: skipped 1 row(s) with no node or no resource_id');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  }
  expect(fromYaml.stderr).not.toContain('warning');
  await expectSameCsv(join(work, 'pg.csv'), join(work, 'yaml.csv'));
  await expectSameCsv(join(work, 'url.csv'), join(work, 'yaml.csv'));

  // The reference data did take effect: labels, cost categories and unallocated rows by role.
  const csv = await readCsv(join(work, 'yaml.csv'));
  const column = (name: string) => csv.rows.map((r) => r[csv.header.indexOf(name)]);
  expect(column('pod_labels').some((l) => l?.includes('"app"'))).toBe(true);
  expect(column('pod_labels').some((l) => l?.includes('"team"'))).toBe(false);
  expect(new Set(column('cost_category_id'))).toEqual(new Set([null, '1', '7']));
  expect(column('namespace')).toContain('Platform unallocated');
  expect(column('namespace')).toContain('Worker unallocated');
  const written = await client.query('SELECT count(*) AS n FROM org_ref.reporting_ocpusagelineitem_daily_summary');
  expect(Number(written.rows[0].n)).toBe(csv.rows.length);
});

test('missing reference tables are named, with the command that creates them', async () => {
  await client.query('CREATE SCHEMA half');
  await client.query('CREATE TABLE half.reporting_enabledtagkeys (key text, enabled boolean, provider_type text)');
  const result = await ocpsum([
    'run',
    ...dataset(root),
    '--reference',
    pgUrl(server.port, 'half'),
    '--out',
    join(work, 'never.csv'),
  ]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    `PostgreSQL reference postgres://postgres:***@127.0.0.1:${server.port}/ocpsum_test?schema=half: ` +
      'missing tables half.reporting_ocp_cost_category_namespace, half.reporting_ocp_nodes; ' +
      "create koku's tables (empty) with: ocpsum pg init --pg URL --pg-schema half",
  );
  expect(result.stdout).toBe('');
  const needsPg = await ocpsum(['run', ...dataset(root), '--reference', 'pg', '--out', join(work, 'never.csv')]);
  expect(needsPg.stderr).toContain('--reference pg needs --pg URL');
});
