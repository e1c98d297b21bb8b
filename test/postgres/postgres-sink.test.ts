/**
 * The PostgreSQL sink against a private PostgreSQL server, through the real CLI: memory and fleet
 * runs write koku's table with the same rows as the CSV sink; re-runs and narrower windows replace
 * exactly their rows; a connection killed mid-INSERT or a failing second sink leaves the previous
 * rows intact; bad schemas, bad sources and unreachable servers fail fast and never print a password.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { checkPostgresReachable } from '@ocpsum/sinks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, startPostgres, startRedis, type PostgresServer, type RedisServer } from '@ocpsum/services';
import type { Child } from '@ocpsum/services';
import { ocpsum } from '../helpers/cli.js';
import { startOcpsum, stopChild } from '../helpers/fleet.js';
import { readCsv } from '../helpers/csv.js';
import { expectSameTable, type Table } from '../helpers/tables.js';
import { filterDays, perDay, pgPerDay, pgTable, SUMMARY, withoutCsi } from './rows.js';
import { cli, nodesOf, PASSWORD, pgUrl, referenceFor, writeReferenceYaml } from './setup.js';

const SOURCE = '3f0c2a7e-8d41-4b6a-9e2f-5c7d1b3a9e04';
const dataset = (root: string) => ['--root', root, '--source', SOURCE, '--year', '2025', '--month', '10'];

let server: PostgresServer;
let redis: RedisServer;
let client: pg.Client;
let work: string;
let root: string;
let reference: string;
let noKeys: string;
let full: Table;
const children: Child[] = [];

const noPassword = (text: string) => expect(text).not.toContain(PASSWORD);

async function sessions(): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'ocpsum'",
  );
  return Number(rows[0].n);
}

/** Waits until the ocpsum sessions are gone (the server notices a closed socket at once). */
async function noSessionsLeft(): Promise<void> {
  for (let i = 0; i < 100 && (await sessions()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await sessions(), 'ocpsum sessions left open').toBe(0);
  // Nor staged rows: a run that fails drops its staging table.
  const staged = await client.query("SELECT relname FROM pg_class WHERE relname LIKE 'ocpsum_stage_%'");
  expect(staged.rows, 'staging tables left behind').toEqual([]);
}

beforeAll(async () => {
  [server, redis] = await Promise.all([startPostgres(), startRedis()]);
  client = new pg.Client({ connectionString: server.url });
  await client.connect();
  work = await mkdtemp(join(tmpdir(), 'ocpsum-pg-sink-'));
  root = join(work, 'root');
  await cli(['generate', '--out', root, '--rows', '30000', '--source', SOURCE, '--seed', '11']);
  reference = join(work, 'reference.yml');
  noKeys = join(work, 'no-keys.yml');
  const data = referenceFor(await nodesOf(root));
  await writeReferenceYaml(reference, data);
  await writeReferenceYaml(noKeys, { enabledKeys: [], costCategories: [], nodeRoles: data.nodeRoles });
}, 300_000);

afterAll(async () => {
  await client?.end();
  await Promise.all(children.map((c) => stopChild(c)));
  await Promise.all([server?.stop(), redis?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('round trip', () => {
  test("memory mode: koku's table, created with koku's types, holds the CSV sink's rows", async () => {
    const csv = join(work, 'full.csv');
    const { stdout, stderr } = await cli([
      'run',
      '--mode',
      'memory',
      ...dataset(root),
      '--reference',
      reference,
      '--out',
      csv,
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_mem',
    ]);
    noPassword(stdout + stderr);
    // koku's table has no csi_volume_handle; every other column of the CSV is in it.
    full = withoutCsi(await readCsv(csv));
    expect(full.rows.length).toBeGreaterThan(300);
    expect(stdout).toMatch(
      new RegExp(
        `sink +postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/ocpsum_test\\?schema=org_mem: [\\d.]+ s \\(replaced 0 rows with ${full.rows.length}; created partition ${SUMMARY}_2025_10\\)`,
      ),
    );
    expectSameTable(await pgTable(client, 'org_mem', full.header), full);

    // All three kinds of rows, labels that are objects, NULL labels (unallocated) and cost categories.
    const kinds = await client.query(
      `SELECT count(*) FILTER (WHERE data_source = 'Storage') AS storage,
              count(*) FILTER (WHERE namespace LIKE '% unallocated') AS unallocated,
              count(*) FILTER (WHERE pod_labels ? 'app') AS labelled,
              count(*) FILTER (WHERE cost_category_id = 7) AS prod
       FROM org_mem.${SUMMARY}`,
    );
    for (const n of Object.values(kinds.rows[0])) expect(Number(n)).toBeGreaterThan(0);

    const types = await client.query<{ column_name: string; type: string }>(
      `SELECT column_name, format_type(atttypid, atttypmod) AS type FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = 'org_mem.${SUMMARY}'::regclass AND a.attname = c.column_name
       WHERE table_schema = 'org_mem' AND table_name = '${SUMMARY}'`,
    );
    const type = Object.fromEntries(types.rows.map((r) => [r.column_name, r.type]));
    expect(type).toMatchObject({
      uuid: 'uuid',
      source_uuid: 'uuid',
      usage_start: 'date',
      usage_end: 'date',
      pod_labels: 'jsonb',
      volume_labels: 'jsonb',
      all_labels: 'jsonb',
      infrastructure_usage_cost: 'jsonb',
      pod_usage_cpu_core_hours: 'numeric(33,15)',
      report_period_id: 'integer',
      cost_category_id: 'integer',
    });
    const index = await client.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'org_mem' AND tablename = '${SUMMARY}'
       AND indexdef LIKE '%(source_uuid, usage_start)%'`,
    );
    expect(index.rowCount).toBe(1);
    expect(type).not.toHaveProperty('csi_volume_handle');
  });

  test('the fleet (worker and reducer processes, outputs in job payloads) writes the same rows', async () => {
    const fleet = ['--redis', redis.url, '--prefix', 'pgsink'];
    children.push(
      ...(await Promise.all([
        startOcpsum('worker', ['worker', ...fleet, '--threads', '2'], {}, /worker \d+: /),
        startOcpsum('reducer', ['reducer', ...fleet], {}, /reducer \d+: /),
      ])),
    );
    const { stdout, stderr } = await cli([
      'enqueue',
      ...fleet,
      '--threshold',
      '1000',
      '--chunk-rows',
      '10000',
      '--wait',
      ...dataset(root),
      '--reference',
      reference,
      '--out',
      pgUrl(server.port, 'org_fleet'),
    ]);
    noPassword(stdout + stderr);
    const chunks = /\(chunks, (\d+)\/\1 chunks/.exec(stdout);
    expect(chunks, stdout).not.toBeNull();
    expect(Number(chunks![1])).toBeGreaterThan(1);
    expect(stdout).toContain(`outputs:  postgres://postgres:***@127.0.0.1:${server.port}/ocpsum_test?schema=org_fleet`);
    expectSameTable(await pgTable(client, 'org_fleet', full.header), full);
  });
});

describe('replacing', () => {
  test('re-running leaves one copy of each row; a narrower window replaces only its days', async () => {
    await cli([
      'run',
      ...dataset(root),
      '--reference',
      reference,
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_mem',
    ]);
    expectSameTable(await pgTable(client, 'org_mem', full.header), full);
    const { rows } = await client.query(`SELECT count(DISTINCT uuid) AS n FROM org_mem.${SUMMARY}`);
    expect(Number(rows[0].n)).toBe(full.rows.length);

    // Without enabled keys the pod rows of a day fold into fewer groups: the window's days change.
    const before = await pgPerDay(client, 'org_mem');
    const narrowCsv = join(work, 'narrow.csv');
    const { stdout } = await cli([
      'run',
      ...dataset(root),
      '--start-date',
      '2025-10-05',
      '--end-date',
      '2025-10-07',
      '--reference',
      noKeys,
      '--out',
      narrowCsv,
      '--out',
      pgUrl(server.port, 'org_mem'),
    ]);
    const narrow = withoutCsi(await readCsv(narrowCsv));
    const window = perDay(filterDays(full, '2025-10-05', '2025-10-07'));
    expect(stdout).toContain(
      `(replaced ${Object.values(window).reduce((a, b) => a + b)} rows with ${narrow.rows.length})`,
    );
    const after = await pgPerDay(client, 'org_mem');
    expect(perDay(narrow)['2025-10-05']).toBeLessThan(before['2025-10-05']);
    expect(after).toEqual({ ...before, ...perDay(narrow) });
    expectSameTable(await pgTable(client, 'org_mem', full.header, { from: '2025-10-05', to: '2025-10-07' }), narrow);
    expectSameTable(
      await pgTable(client, 'org_mem', full.header, { from: '2025-10-08', to: '2025-10-31' }),
      filterDays(full, '2025-10-08', '2025-10-31'),
    );
    expectSameTable(
      await pgTable(client, 'org_mem', full.header, { from: '2025-10-01', to: '2025-10-04' }),
      filterDays(full, '2025-10-01', '2025-10-04'),
    );
  });
});

describe('failures leave the previous rows intact', () => {
  test("the sink's connection killed while it inserts the staged rows: exit non-zero, message names the sink, old rows stay", async () => {
    const before = await pgTable(client, 'org_mem', full.header);
    // A statement trigger holds the INSERT of the staged rows open (it fires before any row is stored),
    // so the test can find the backend in pg_stat_activity and kill it at that moment, every time.
    await client.query(`CREATE FUNCTION org_mem.hold_copy() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$`);
    await client.query(
      `CREATE TRIGGER hold_copy BEFORE INSERT ON org_mem.${SUMMARY} FOR EACH STATEMENT EXECUTE FUNCTION org_mem.hold_copy()`,
    );
    try {
      const run = ocpsum([
        'run',
        ...dataset(root),
        '--reference',
        reference,
        '--pg',
        pgUrl(server.port),
        '--pg-schema',
        'org_mem',
      ]);
      let pid: number | undefined;
      for (let i = 0; i < 1200 && pid === undefined; i++) {
        const { rows } = await client.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'ocpsum' AND state = 'active' AND query LIKE 'INSERT INTO%'",
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(pid, "the sink's INSERT never showed up in pg_stat_activity").toBeDefined();
      await client.query('SELECT pg_terminate_backend($1)', [pid]);
      const result = await run;
      expect(result.code).not.toBe(0);
      noPassword(result.stdout + result.stderr);
      expect(result.stderr).toMatch(
        new RegExp(
          `PostgreSQL sink postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/ocpsum_test\\?schema=org_mem: .*(terminat|connection lost)`,
        ),
      );
    } finally {
      await client.query(`DROP TRIGGER hold_copy ON org_mem.${SUMMARY}`);
      await client.query('DROP FUNCTION org_mem.hold_copy()');
    }
    expectSameTable(await pgTable(client, 'org_mem', full.header), before);
    await noSessionsLeft();
  });

  test('a second sink failing after the PostgreSQL write was prepared rolls that write back', async () => {
    const before = await pgTable(client, 'org_mem', full.header);
    const inserted = async () => {
      await client.query('SELECT pg_stat_clear_snapshot()');
      // The rows are stored in the table's partitions, which count them.
      const { rows } = await client.query(
        `SELECT coalesce(sum(n_tup_ins), 0) AS n FROM pg_stat_user_tables
         WHERE schemaname = 'org_mem' AND relname LIKE '${SUMMARY}%'`,
      );
      return Number(rows[0].n);
    };
    const insertedBefore = await inserted();
    // The CSV is written aside (prepare succeeds), but its rename onto a folder fails at commit,
    // which comes before PostgreSQL's COMMIT: the transaction, DELETE and INSERT done, is rolled back.
    const taken = join(work, 'taken.csv');
    await mkdir(taken);
    await writeFile(join(taken, 'keep'), 'x');
    const result = await ocpsum([
      'run',
      ...dataset(root),
      '--reference',
      noKeys,
      '--out',
      taken,
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_mem',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/taken\.csv/);
    noPassword(result.stdout + result.stderr);
    expectSameTable(await pgTable(client, 'org_mem', full.header), before);
    await noSessionsLeft();
    // The INSERT did happen before the rollback (statistics count rolled-back inserts too).
    let copied = 0;
    for (let i = 0; i < 50 && copied === 0; i++) {
      copied = (await inserted()) - insertedBefore;
      if (copied === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(copied).toBeGreaterThan(0);

    // A sink failing while it prepares stops the run before PostgreSQL is touched.
    const file = join(work, 'a-file');
    await writeFile(file, 'x');
    const early = await ocpsum([
      'run',
      ...dataset(root),
      '--reference',
      noKeys,
      '--pg',
      pgUrl(server.port),
      '--pg-schema',
      'org_mem',
      '--out',
      join(file, 'x.csv'),
    ]);
    expect(early.code).not.toBe(0);
    expectSameTable(await pgTable(client, 'org_mem', full.header), before);
  });
});

describe.concurrent('bad targets fail at once, touch nothing and never print the password', () => {
  const schemas = async () =>
    (await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace ORDER BY 1')).rows.map((r) => r.nspname);

  test('an invalid schema name (flag or URL) and a source that is not a uuid', async () => {
    const before = await schemas();
    const cases: [string[], RegExp][] = [
      [
        ['--pg', pgUrl(server.port), '--pg-schema', 'x;drop'],
        /PostgreSQL target .*: schema: invalid identifier "x;drop"/,
      ],
      [
        ['--out', `${pgUrl(server.port)}?schema=${encodeURIComponent('a"; DROP TABLE x; --')}`],
        /invalid identifier "a"; DROP TABLE x; --"/,
      ],
      [
        ['--source', 'cluster-one', '--pg', pgUrl(server.port)],
        /source "cluster-one" is not a uuid; koku's source_uuid column is of type uuid/,
      ],
    ];
    const results = await Promise.all(cases.map(([flags]) => ocpsum(['run', ...dataset(root), ...flags])));
    results.forEach((result, i) => {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(cases[i][1]);
      expect(result.stdout, 'nothing was summarized').toBe('');
      noPassword(result.stdout + result.stderr);
    });
    expect(await schemas()).toEqual(before);
  });

  test('an unreachable server fails before any work: refused at once, a silent one after the 5 s connect timeout', async () => {
    const refused = await freePort();
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      // The time bound, measured in this process where CLI start-up and machine load do not count:
      // refused at once, a server that never answers after the 5 s connect timeout.
      const timed = async (target: string) => {
        const started = performance.now();
        await expect(checkPostgresReachable([target])).rejects.toThrow(/cannot connect/);
        return performance.now() - started;
      };
      const [refusedMs, silentMs] = await Promise.all([
        timed(`postgres://postgres@127.0.0.1:${refused}/db`),
        timed(`postgres://postgres@127.0.0.1:${silentPort}/db`),
      ]);
      expect(refusedMs).toBeLessThan(2000);
      expect(silentMs).toBeGreaterThan(4500);
      expect(silentMs).toBeLessThan(8000);

      // The CLI says so before summarizing anything, naming the target without its password.
      const [a, b] = await Promise.all([
        ocpsum(['run', ...dataset(root), '--out', `postgres://postgres:${PASSWORD}@127.0.0.1:${refused}/db?schema=s1`]),
        ocpsum(['run', ...dataset(root), '--pg', `postgres://postgres:${PASSWORD}@127.0.0.1:${silentPort}/db`]),
      ]);
      expect(a.stdout + b.stdout, 'nothing was summarized').toBe('');
      expect(a.code).toBe(1);
      expect(a.stderr).toMatch(
        new RegExp(
          `PostgreSQL sink postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${refused}/db\\?schema=s1: cannot connect: .*ECONNREFUSED`,
        ),
      );
      expect(b.code).toBe(1);
      expect(b.stderr).toMatch(
        new RegExp(
          `PostgreSQL sink postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${silentPort}/db: cannot connect: .*timeout`,
        ),
      );
      noPassword(a.stdout + a.stderr + b.stdout + b.stderr);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
