/**
 * The PostgreSQL sink writing koku's table as koku's migrations leave it (a replica built from them:
 * koku-replica.sql): partitioned by month with koku's partition tracking table, key (usage_start,
 * uuid) with no default, foreign keys to the report period and cost category, 21 cost columns.
 * Re-runs replace the source's summary and keep its OCP-on-cloud rows; rows land in the month's
 * partition; a missing report period or cost category fails before anything changes; a table
 * ocpsum creates has koku's key and partitioning and behaves alike.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SUMMARY_COLUMNS, type ColumnKind, type SummaryRow } from '@ocpsum/core';
import { startPostgres, type PostgresServer } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { readCsv } from '../helpers/csv.js';
import { expectSameTable, type Table } from '../helpers/tables.js';
import { pgTable, SUMMARY, withoutCsi } from './rows.js';
import { cli, nodesOf, PASSWORD, pgUrl, referenceFor, writeReferenceYaml } from './setup.js';

const SOURCE = '5d0b7c2e-91a4-4f3b-8c6d-2e7f1a9b3c40';
const OTHER_SOURCE = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';
const OCTOBER = `${SUMMARY}_2025_10`;
const SEPTEMBER = `${SUMMARY}_2025_09`;
/** koku's report periods of the source in the replicas: September and October 2025. */
const PERIOD_SEP = 40;
const PERIOD_OCT = 41;

let server: PostgresServer;
let client: pg.Client;
let work: string;
let root: string;
let reference: string;
let replicaSql: string;

const dataset = () => ['--root', root, '--source', SOURCE, '--year', '2025', '--month', '10'];

/** A run of October into a schema, with a CSV of the same rows beside it. */
async function run(schema: string, csv: string, flags: string[] = []) {
  const result = await cli([
    'run',
    ...dataset(),
    '--reference',
    reference,
    '--cluster-alias',
    'Cluster One',
    ...flags,
    '--out',
    csv,
    '--pg',
    pgUrl(server.port),
    '--pg-schema',
    schema,
  ]);
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  return { ...result, rows: withoutCsi(await readCsv(csv)) };
}

/** The sink's detail on its `sink` line: `replaced N rows with M…`. */
function detail(stdout: string): string {
  const match = /sink +postgres:\S+: [\d.]+ s \((.*)\)$/m.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return match![1];
}

/** A tenant schema as koku's migrations leave it, with the source, its report periods and the cost categories of the reference data. */
async function createReplica(schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}, public`);
  try {
    await client.query(replicaSql);
    await client.query(
      `INSERT INTO reporting_tenant_api_provider VALUES ($1, 'cluster one', 'OCP'), ($2, 'two', 'OCP')`,
      [SOURCE, OTHER_SOURCE],
    );
    await client.query(
      `INSERT INTO reporting_ocpusagereportperiod (id, cluster_id, report_period_start, report_period_end, provider_id)
       VALUES ($1, $3, '2025-09-01', '2025-10-01', $4), ($2, $3, '2025-10-01', '2025-11-01', $4)`,
      [PERIOD_SEP, PERIOD_OCT, SOURCE, SOURCE],
    );
    // The reference data's categories: koku's Platform (1, from the migration) and one more (7).
    await client.query(
      `INSERT INTO reporting_ocp_cost_category (id, name, description, source_type, namespace, label)
       VALUES (7, 'Production', 'prod', 'OCP', ARRAY['%prod%'], ARRAY[]::text[])`,
    );
    // koku makes the month before and after the one it summarizes: September is there already.
    await client.query(
      `INSERT INTO partitioned_tables
         (schema_name, table_name, partition_of_table_name, partition_type, partition_col, partition_parameters)
       VALUES ($1, $2, $3, 'range', 'usage_start', '{"default": false, "from": "2025-09-01", "to": "2025-10-01"}')`,
      [schema, SEPTEMBER, SUMMARY],
    );
  } finally {
    await client.query('RESET search_path');
  }
}

/** Rows a summary writer never wrote, inserted as koku's other stages would. */
async function insertKokuRow(
  schema: string,
  row: { source: string; day: string; period: number | null; rawCost: number | null; namespace: string },
): Promise<void> {
  await client.query(
    `INSERT INTO ${schema}.${SUMMARY} (uuid, usage_start, usage_end, source_uuid, report_period_id, data_source,
       namespace, node, infrastructure_raw_cost, infrastructure_markup_cost, raw_currency, cost_model_rate_type)
     VALUES (gen_random_uuid(), $1, $1, $2, $3, 'Pod', $4, 'node-1', $5, $6, 'USD', NULL)`,
    [row.day, row.source, row.period, row.namespace, row.rawCost, row.rawCost === null ? null : row.rawCost / 10],
  );
}

/** Every row of the table as text, in a fixed order: what "untouched" is compared on. */
async function allRows(schema: string, where = 'true'): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(
    `SELECT t::text AS row FROM ${schema}.${SUMMARY} t WHERE ${where} ORDER BY uuid`,
  );
  return rows.map((r) => r.row);
}

/** Rows per partition they are stored in. */
async function perPartition(schema: string): Promise<Record<string, number>> {
  const { rows } = await client.query<{ part: string; n: string }>(
    `SELECT tableoid::regclass::text AS part, count(*) AS n FROM ${schema}.${SUMMARY} GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.part, Number(r.n)]));
}

/** The partitions attached to the summary table, with their bounds. */
async function partitions(schema: string): Promise<Record<string, string>> {
  const { rows } = await client.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [`${schema}.${SUMMARY}`],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.bound]));
}

/** What a writer depends on in the table's definition. */
async function shape(schema: string) {
  const table = `${schema}.${SUMMARY}`;
  const one = async (sql: string) => (await client.query(sql, [table])).rows[0];
  const columns = await client.query<{ name: string; type: string; has_default: boolean; not_null: boolean }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, atthasdef AS has_default, attnotnull AS not_null
     FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname`,
    [table],
  );
  return {
    partitioning: (await one('SELECT pg_get_partkeydef($1::regclass) AS def')).def as string,
    primaryKey: (
      await one(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
      )
    ).def as string,
    defaultPartition: (
      await one(
        `SELECT c.relname AS name FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partdefid
         WHERE p.partrelid = $1::regclass`,
      )
    )?.name as string | undefined,
    columns: Object.fromEntries(columns.rows.map((c) => [c.name, c.type])),
    uuid: columns.rows.find((c) => c.name === 'uuid'),
  };
}

beforeAll(async () => {
  server = await startPostgres();
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  replicaSql = await readFile(fileURLToPath(new URL('./koku-replica.sql', import.meta.url)), 'utf8');
  work = await mkdtemp(join(tmpdir(), 'ocpsum-pg-koku-'));
  root = join(work, 'root');
  await cli(['generate', '--out', root, '--rows', '8000', '--source', SOURCE, '--seed', '23']);
  reference = join(work, 'reference.yml');
  await writeReferenceYaml(reference, referenceFor(await nodesOf(root)));
}, 300_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("koku's table (a replica from its migrations)", () => {
  let first: Table;
  let kept: string[];

  test("a run writes its rows into the month's partition, registered in partitioned_tables as koku does", async () => {
    await createReplica('org_koku');
    const { stdout, rows } = await run('org_koku', join(work, 'first.csv'), ['--report-period-id', String(PERIOD_OCT)]);
    first = rows;
    expect(first.rows.length).toBeGreaterThan(100);
    expect(detail(stdout)).toBe(`replaced 0 rows with ${first.rows.length}; created partition ${OCTOBER}`);
    expectSameTable(await pgTable(client, 'org_koku', first.header), first);

    expect(await perPartition('org_koku')).toEqual({ [`org_koku.${OCTOBER}`]: first.rows.length });
    expect(await partitions('org_koku')).toEqual({
      [SEPTEMBER]: "FOR VALUES FROM ('2025-09-01') TO ('2025-10-01')",
      [OCTOBER]: "FOR VALUES FROM ('2025-10-01') TO ('2025-11-01')",
      [`${SUMMARY}_default`]: 'DEFAULT',
    });
    const tracked = await client.query(
      `SELECT schema_name, partition_of_table_name, partition_type, partition_col, partition_parameters, active
       FROM org_koku.partitioned_tables WHERE table_name = $1`,
      [OCTOBER],
    );
    expect(tracked.rows).toEqual([
      {
        schema_name: 'org_koku',
        partition_of_table_name: SUMMARY,
        partition_type: 'range',
        partition_col: 'usage_start',
        partition_parameters: { default: false, from: '2025-10-01', to: '2025-11-01' },
        active: true,
      },
    ]);

    // Each row has its own uuid; the columns koku's later stages fill are left NULL.
    const costColumns = Object.keys((await shape('org_koku')).columns).filter(
      (c) => c !== 'uuid' && !first.header.includes(c),
    );
    expect(costColumns).toHaveLength(21);
    const filled = await client.query(
      `SELECT count(DISTINCT uuid) AS uuids, count(*) FILTER (WHERE num_nonnulls(${costColumns.join(', ')}) > 0) AS filled
       FROM org_koku.${SUMMARY}`,
    );
    expect(filled.rows[0]).toEqual({ uuids: String(first.rows.length), filled: '0' });
    const periods = await client.query(`SELECT DISTINCT report_period_id, cluster_alias FROM org_koku.${SUMMARY}`);
    expect(periods.rows).toEqual([{ report_period_id: PERIOD_OCT, cluster_alias: 'Cluster One' }]);
  });

  test("a second run replaces the first; koku's OCP-on-cloud rows and other sources' rows stay untouched", async () => {
    // What koku's other stages leave beside the summary: an OCP-on-cloud row of the source in the
    // window (it carries an infrastructure_raw_cost), another source's row, the source's September
    // row, and a row of the source with a raw cost of 0 (a summary row, which koku replaces too).
    await insertKokuRow('org_koku', {
      source: SOURCE,
      day: '2025-10-03',
      period: PERIOD_OCT,
      rawCost: 12.5,
      namespace: 'web',
    });
    await insertKokuRow('org_koku', {
      source: OTHER_SOURCE,
      day: '2025-10-03',
      period: null,
      rawCost: null,
      namespace: 'two',
    });
    await insertKokuRow('org_koku', {
      source: SOURCE,
      day: '2025-09-30',
      period: PERIOD_SEP,
      rawCost: null,
      namespace: 'sep',
    });
    await insertKokuRow('org_koku', {
      source: SOURCE,
      day: '2025-10-04',
      period: PERIOD_OCT,
      rawCost: 0,
      namespace: 'zero',
    });
    kept = await allRows('org_koku', "namespace IN ('web', 'two', 'sep')");
    expect(kept).toHaveLength(3);
    const firstUuids = (
      await client.query<{ uuid: string }>(
        `SELECT uuid::text FROM org_koku.${SUMMARY} WHERE coalesce(namespace, '') NOT IN ('web', 'two', 'sep', 'zero')`,
      )
    ).rows.map((r) => r.uuid);
    expect(firstUuids).toHaveLength(first.rows.length);

    const { stdout, rows } = await run('org_koku', join(work, 'second.csv'), [
      '--report-period-id',
      String(PERIOD_OCT),
    ]);
    expectSameTable(rows, first);
    expect(detail(stdout)).toBe(`replaced ${first.rows.length + 1} rows with ${rows.rows.length}`);

    // The summary once, with new uuids; the three other rows as they were; the zero-cost row gone.
    const summary = await client.query({
      text: `SELECT ${first.header.map((c) => `${c}::text`).join(', ')} FROM org_koku.${SUMMARY}
             WHERE coalesce(namespace, '') NOT IN ('web', 'two', 'sep', 'zero')`,
      rowMode: 'array',
    });
    expectSameTable({ header: first.header, rows: summary.rows }, first);
    expect(await allRows('org_koku', "namespace IN ('web', 'two', 'sep')")).toEqual(kept);
    expect(await allRows('org_koku', "namespace = 'zero'")).toEqual([]);
    const uuids = await client.query(`SELECT count(*) AS n FROM org_koku.${SUMMARY} WHERE uuid = ANY($1::uuid[])`, [
      firstUuids,
    ]);
    expect(Number(uuids.rows[0].n), 'rows of the first run left').toBe(0);
    expect(await perPartition('org_koku')).toEqual({
      [`org_koku.${SEPTEMBER}`]: 1,
      [`org_koku.${OCTOBER}`]: first.rows.length + 2,
    });
  });

  test('a report period or cost category koku does not have, or --by-pod, fails naming it, before anything changes', async () => {
    const before = await allRows('org_koku');
    const partitionsBefore = await partitions('org_koku');
    const missingPeriod = await ocpsum([
      'run',
      ...dataset(),
      '--reference',
      reference,
      '--report-period-id',
      '999',
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_koku',
    ]);
    expect(missingPeriod.code).toBe(1);
    expect(missingPeriod.stderr).toMatch(
      new RegExp(
        `PostgreSQL sink postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/ocpsum_test\\?schema=org_koku: ` +
          'report period 999 is not in org_koku\\.reporting_ocpusagereportperiod',
      ),
    );

    // A cost category of the reference data that koku's reporting_ocp_cost_category lacks.
    const otherReference = join(work, 'other-categories.yml');
    await writeReferenceYaml(otherReference, {
      ...referenceFor(await nodesOf(root)),
      costCategories: [{ id: 9, pattern: '%' }],
    });
    const missingCategory = await ocpsum([
      'run',
      ...dataset(),
      '--reference',
      otherReference,
      '--report-period-id',
      String(PERIOD_OCT),
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_koku',
    ]);
    expect(missingCategory.code).toBe(1);
    expect(missingCategory.stderr).toContain('cost category id 9 is not in org_koku.reporting_ocp_cost_category');

    // --by-pod rows differ by pod only, which koku's table cannot tell apart.
    const byPod = await ocpsum([
      'run',
      ...dataset(),
      '--reference',
      reference,
      '--by-pod',
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_koku',
    ]);
    expect(byPod.code).toBe(1);
    expect(byPod.stderr).toContain(
      `table org_koku.${SUMMARY} has no column pod (koku's table has no pod column: --by-pod needs a table created by ocpsum)`,
    );

    for (const result of [missingPeriod, missingCategory, byPod])
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(await allRows('org_koku')).toEqual(before);
    expect(await partitions('org_koku')).toEqual(partitionsBefore);
  });

  test("a month whose rows koku's default partition holds keeps them there: the run's rows join them", async () => {
    await createReplica('org_busy');
    // Before October has a partition, another source's October row went to the default partition.
    await insertKokuRow('org_busy', {
      source: OTHER_SOURCE,
      day: '2025-10-02',
      period: null,
      rawCost: null,
      namespace: 'two',
    });
    const kept = await allRows('org_busy');
    const { stdout, rows } = await run('org_busy', join(work, 'busy.csv'));
    expect(detail(stdout)).toBe(
      `replaced 0 rows with ${rows.rows.length}; no partition ${OCTOBER} ` +
        '(the default partition holds rows of the month: its rows go there)',
    );
    await run('org_busy', join(work, 'busy.csv'));
    expect(await perPartition('org_busy')).toEqual({ [`org_busy.${SUMMARY}_default`]: rows.rows.length + 1 });
    expect(Object.keys(await partitions('org_busy'))).not.toContain(OCTOBER);
    expect(await allRows('org_busy', `source_uuid = '${OTHER_SOURCE}'`)).toEqual(kept);
    const tracked = await client.query('SELECT count(*) AS n FROM org_busy.partitioned_tables WHERE table_name = $1', [
      OCTOBER,
    ]);
    expect(Number(tracked.rows[0].n)).toBe(0);
  });
});

describe('the table ocpsum creates', () => {
  test("has koku's key, partitioning, columns and types (plus pod, for --by-pod), and behaves alike", async () => {
    await cli(['pg', 'init', '--pg', pgUrl(server.port), '--pg-schema', 'org_own']);
    await createReplica('org_shape');
    const own = await shape('org_own');
    const koku = await shape('org_shape');
    expect(own.partitioning).toBe('RANGE (usage_start)');
    expect(own.partitioning).toBe(koku.partitioning);
    expect(own.primaryKey).toBe('PRIMARY KEY (usage_start, uuid)');
    expect(own.primaryKey).toBe(koku.primaryKey);
    expect(own.defaultPartition).toBe(`${SUMMARY}_default`);
    expect(own.defaultPartition).toBe(koku.defaultPartition);
    expect(own.uuid).toEqual({ name: 'uuid', type: 'uuid', has_default: false, not_null: true });
    expect(own.uuid).toEqual(koku.uuid);
    expect(own.columns).toEqual({ ...koku.columns, pod: 'character varying(253)' });

    // Rows into the month's partition (created directly: no partitioned_tables here); a second
    // run replaces the first and keeps an OCP-on-cloud row of the source.
    const { stdout, rows } = await run('org_own', join(work, 'own.csv'), ['--report-period-id', String(PERIOD_OCT)]);
    expect(detail(stdout)).toBe(`replaced 0 rows with ${rows.rows.length}; created partition ${OCTOBER}`);
    expect(await partitions('org_own')).toEqual({
      [OCTOBER]: "FOR VALUES FROM ('2025-10-01') TO ('2025-11-01')",
      [`${SUMMARY}_default`]: 'DEFAULT',
    });
    await insertKokuRow('org_own', {
      source: SOURCE,
      day: '2025-10-03',
      period: PERIOD_OCT,
      rawCost: 12.5,
      namespace: 'web',
    });
    const cloud = await allRows('org_own', "namespace = 'web'");
    const second = await run('org_own', join(work, 'own.csv'), ['--report-period-id', String(PERIOD_OCT)]);
    expect(detail(second.stdout)).toBe(`replaced ${rows.rows.length} rows with ${rows.rows.length}`);
    expect(await allRows('org_own', "namespace = 'web'")).toEqual(cloud);
    expect(await perPartition('org_own')).toEqual({ [`org_own.${OCTOBER}`]: rows.rows.length + 1 });
    const summary = await client.query({
      text: `SELECT ${rows.header.map((c) => `${c}::text`).join(', ')} FROM org_own.${SUMMARY} WHERE coalesce(namespace, '') <> 'web'`,
      rowMode: 'array',
    });
    expectSameTable({ header: rows.header, rows: summary.rows }, rows);
  });

  test('rows of a run without a report period are replaced by a run with one, not kept beside it', async () => {
    const { rows } = await run('org_own', join(work, 'own.csv'));
    const { stdout } = await run('org_own', join(work, 'own.csv'), ['--report-period-id', String(PERIOD_OCT)]);
    expect(detail(stdout)).toBe(`replaced ${rows.rows.length} rows with ${rows.rows.length}`);
    const periods = await client.query(
      `SELECT report_period_id, count(*)::int AS n FROM org_own.${SUMMARY} WHERE coalesce(namespace, '') <> 'web' GROUP BY 1`,
    );
    expect(periods.rows).toEqual([{ report_period_id: PERIOD_OCT, n: rows.rows.length }]);
  });

  test('a table of an earlier ocpsum (no partitions, no cost columns, with csi_volume_handle) is written as it is', async () => {
    // That table: a uuid key with a default, and a column per CSV column.
    const csv = await readCsv(join(work, 'own.csv'));
    const type: Record<ColumnKind, string> = {
      integer: 'integer',
      text: 'text',
      date: 'date',
      number: 'numeric(33,15)',
      json: 'jsonb',
    };
    const columns = csv.header.map(
      (c) => `${c} ${c === 'source_uuid' ? 'uuid' : type[SUMMARY_COLUMNS[c as keyof SummaryRow]]}`,
    );
    await client.query('CREATE SCHEMA org_old');
    await client.query(
      `CREATE TABLE org_old.${SUMMARY} (uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(), pod text, ${columns.join(', ')})`,
    );
    await run('org_old', join(work, 'old.csv'));
    const { stdout, rows } = await run('org_old', join(work, 'old.csv'));
    const all = await readCsv(join(work, 'old.csv'));
    expect(detail(stdout)).toBe(`replaced ${rows.rows.length} rows with ${rows.rows.length}`);
    expectSameTable(await pgTable(client, 'org_old', all.header), all);
    expect(all.rows.some((r) => r[all.header.indexOf('csi_volume_handle')] !== null)).toBe(true);
  });
});
