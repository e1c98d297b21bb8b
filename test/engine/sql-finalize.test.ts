/**
 * The SQL merge (`mergePartials`) and finalize (`finalizeSummary`) of packages/kernel:
 * - merge cases worked out by hand (sums with NULLs, maxes, NULL vs '' keys, the latest label tie);
 * - every merge file follows its table's rules in PARTIAL_TABLES (fast-check, any split and order);
 * - finalize's table: koku's columns in SUMMARY_COLUMNS order, with their types, and no helper left.
 * The rows themselves are held to hand-computed values by the golden suites, and cut + merge to one
 * pass by merge-property.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SUMMARY_COLUMNS, runSpec } from '@ocpsum/core';
import {
  PARTIAL_TABLES,
  PARTIAL_TABLE_NAMES,
  finalizeSummary,
  mergePartials,
  openEngine,
  partialParts,
  partialTablesDdl,
  partName,
  readSummaryRows,
  summarySelect,
  writePartialFile,
  type Engine,
  type PackedFiles,
  type PartialSource,
  type PartialTableName,
} from '@ocpsum/kernel';
import { appendRows } from '../helpers/partial-tables.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let engine: Engine;
let db: DuckDBConnection;
beforeAll(async () => {
  engine = await openEngine(2);
  db = engine.db;
});
afterAll(() => engine.close());

let schemas = 0;
/** A new schema holding empty partial tables. */
async function emptyPartial(): Promise<string> {
  const schema = `p${++schemas}`;
  await db.run(`CREATE SCHEMA ${schema}`);
  for (const ddl of partialTablesDdl(schema)) await db.run(ddl);
  return schema;
}

type Value = string | number | boolean | null;

/** A table's rows in a canonical form: dates and timestamps as text, numbers as doubles, sorted. */
async function tableRows(schema: string, table: PartialTableName): Promise<Value[][]> {
  const columns = Object.entries(PARTIAL_TABLES[table].columns).map(([name, { type }]) =>
    type === 'DATE'
      ? `strftime("${name}", '%Y-%m-%d')`
      : type === 'TIMESTAMP'
        ? `epoch_us("${name}")::DOUBLE`
        : type === 'BIGINT'
          ? `"${name}"::DOUBLE`
          : `"${name}"`,
  );
  const rows = (
    await db.runAndReadAll(`SELECT ${columns.join(', ')} FROM ${schema}.${table}`)
  ).getRowsJS() as Value[][];
  return rows.sort(compareValues);
}

function compareValues(a: Value[], b: Value[]): number {
  const key = (v: Value[]) => JSON.stringify(v);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The partial as the fleet ships it: one packed Parquet file per day, and one of its window tables. */
async function packedDays(schema: string, folder: string): Promise<PackedFiles> {
  const files = { days: [] as string[], window: [] as string[] };
  for (const part of await partialParts(db, schema)) {
    const file = join(folder, `${schema}-${partName(part)}.parquet`);
    await writePartialFile(db, schema, part, file);
    (part === 'window' ? files.window : files.days).push(file);
  }
  return files;
}

async function drop(...names: string[]): Promise<void> {
  for (const name of names) await db.run(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
}

// ---------------------------------------------------------------------------------------------
// Merge, by hand

describe('mergePartials, worked out by hand', () => {
  const D = '2025-10-01';
  /** A pod group row in the column order of PARTIAL_TABLES.pods. */
  const pod = (
    keys: { namespace?: string | null; pod?: string | null; labels?: string },
    resourceId: string | null,
    numbers: (number | null)[],
  ): Value[] => [D, keys.namespace ?? 'web', 'n1', keys.pod ?? null, keys.labels ?? '{}', resourceId, ...numbers];

  it('sums skip NULLs and stay NULL when every value is NULL; maxes skip NULLs', async () => {
    const a = await emptyPartial();
    const b = await emptyPartial();
    //                                   usage  req   limit eff   umem  rmem  lmem  emem  cores bytes
    await appendRows(db, a, 'pods', [pod({}, 'i-1', [1, null, null, 4, 10, 0, null, 1.5, 4, null])]);
    await appendRows(db, b, 'pods', [pod({}, 'i-2', [2, 5, null, null, 20, 0, null, 2.5, 2, null])]);
    const into = `m${++schemas}`;
    await mergePartials(db, [{ schema: a }, { schema: b }], into);
    expect(await tableRows(into, 'pods')).toEqual([
      [D, 'web', 'n1', null, '{}', 'i-2', 1 + 2, 5, null, 4, 10 + 20, 0, null, 1.5 + 2.5, 4, null],
    ]);
    await drop(a, b, into);
  });

  it("NULL and '' are different keys; a partial's rows of one key merge too", async () => {
    const a = await emptyPartial();
    const numbers = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    await appendRows(db, a, 'pods', [
      pod({ pod: null }, 'i-1', numbers),
      pod({ pod: '' }, 'i-1', numbers),
      pod({ pod: '' }, null, numbers),
      pod({ namespace: '' }, 'i-1', numbers),
    ]);
    await appendRows(db, a, 'pod_nodes', [
      [D, 'web', 'p1', 'n1', null],
      [D, 'web', 'p1', 'n1', ''],
      [D, 'web', 'p1', 'n1', ''],
    ]);
    const into = `m${++schemas}`;
    await mergePartials(db, [{ schema: a }], into);
    expect(await tableRows(into, 'pods')).toEqual([
      [D, '', 'n1', null, '{}', 'i-1', ...numbers],
      [D, 'web', 'n1', '', '{}', 'i-1', 2, 2, 2, 2, 2, 2, 2, 2, 1, 1],
      [D, 'web', 'n1', null, '{}', 'i-1', ...numbers],
    ]);
    expect(await tableRows(into, 'pod_nodes')).toEqual([
      [D, 'web', 'p1', 'n1', ''],
      [D, 'web', 'p1', 'n1', null],
    ]);
    await drop(a, into);
  });

  it('latest labels: the latest interval wins, a tie goes to the larger label string, in any order', async () => {
    const t = (hour: number) => Date.UTC(2025, 9, 1, hour) * 1000;
    const a = await emptyPartial();
    const b = await emptyPartial();
    const c = await emptyPartial();
    await appendRows(db, a, 'node_labels', [
      [D, 'n1', t(5), '{"app":"b"}'],
      [D, 'n2', t(7), '{"app":"a"}'],
    ]);
    await appendRows(db, b, 'node_labels', [
      [D, 'n1', t(5), '{"app":"a"}'],
      [D, 'n2', t(3), '{"app":"z"}'],
    ]);
    await appendRows(db, c, 'node_labels', [[D, 'n1', t(5), '{"app":"a","env":"x"}']]);
    const expected = [
      [D, 'n1', t(5), '{"app":"b"}'], // '{"app":"b"}' > '{"app":"a","env":"x"}' > '{"app":"a"}'
      [D, 'n2', t(7), '{"app":"a"}'], // the later interval, though its string is smaller
    ];
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ]) {
      const into = `m${++schemas}`;
      await mergePartials(
        db,
        order.map((schema) => ({ schema })),
        into,
      );
      expect(await tableRows(into, 'node_labels')).toEqual(expected);
      await drop(into);
    }
    await drop(a, b, c);
  });

  it('node role facts: max reported role, OR of the apiserver flag; infra nodes and row counts', async () => {
    const a = await emptyPartial();
    const b = await emptyPartial();
    await appendRows(db, a, 'node_role_facts', [
      [D, 'n1', 'r1', null, false],
      [D, 'n2', 'r2', 'infra', false],
    ]);
    await appendRows(db, b, 'node_role_facts', [
      [D, 'n1', 'r1', 'master', true],
      [D, 'n2', 'r2', 'worker', false],
    ]);
    await appendRows(db, a, 'infra_nodes', [[D, 'n1']]);
    await appendRows(db, b, 'infra_nodes', [[D, 'n1']]);
    await appendRows(db, a, 'rows_in', [[D, 10, 1, 2, 3]]);
    await appendRows(db, b, 'rows_in', [[D, 5, 0, 1, 0]]);
    const into = `m${++schemas}`;
    await mergePartials(db, [{ schema: a }, { schema: b }], into);
    expect(await tableRows(into, 'node_role_facts')).toEqual([
      [D, 'n1', 'r1', 'master', true],
      [D, 'n2', 'r2', 'worker', false],
    ]);
    expect(await tableRows(into, 'infra_nodes')).toEqual([[D, 'n1']]);
    expect(await tableRows(into, 'rows_in')).toEqual([[D, 15, 1, 3, 3]]);
    await drop(a, b, into);
  });

  it('reads partials shipped as packed Parquet days and window, alone or with schemas; a table without rows stays empty', async () => {
    const a = await emptyPartial();
    const b = await emptyPartial();
    await appendRows(db, a, 'pods', [pod({}, 'i-1', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])]);
    await appendRows(db, b, 'pods', [pod({}, 'i-1', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])]);
    await appendRows(db, b, 'capacity', [[D, Date.UTC(2025, 9, 1) * 1000, 'n1', 3600, null]]);
    const folder = await mkdtemp(join(tmpdir(), 'ocpsum-merge-'));
    try {
      const file = join(folder, 'b.parquet');
      await writePartialFile(db, b, { day: '2025-10-01' }, file);
      const both = `m${++schemas}`;
      await mergePartials(db, [{ schema: a }, { packed: { days: [file], window: [] } }], both);
      expect(await tableRows(both, 'pods')).toEqual([
        [D, 'web', 'n1', null, '{}', 'i-1', 3, 3, 3, 3, 3, 3, 3, 3, 2, 2],
      ]);
      expect(await tableRows(both, 'capacity')).toEqual([[D, Date.UTC(2025, 9, 1) * 1000, 'n1', 3600, null]]);
      const twice = `m${++schemas}`;
      await mergePartials(db, [{ packed: { days: [file, file], window: [] } }], twice);
      expect(await tableRows(twice, 'pods')).toEqual([
        [D, 'web', 'n1', null, '{}', 'i-1', 4, 4, 4, 4, 4, 4, 4, 4, 2, 2],
      ]);
      expect(await tableRows(twice, 'storage')).toEqual([]);
      // A day's file holds no window table; the window file holds only those, of every day. Each
      // kind is read from its own files; read as the other kind, a file gives no rows.
      await appendRows(db, b, 'node_role_facts', [[D, 'n1', 'i-1', 'infra', false]]);
      const window = join(folder, 'window.parquet');
      await writePartialFile(db, b, { day: '2025-10-01' }, file);
      await writePartialFile(db, b, 'window', window);
      const day = `m${++schemas}`;
      const roles = `m${++schemas}`;
      await mergePartials(db, [{ packed: { days: [file], window: [file] } }], day);
      await mergePartials(db, [{ packed: { days: [window], window: [window] } }], roles);
      expect(await tableRows(day, 'node_role_facts')).toEqual([]);
      expect((await tableRows(day, 'pods')).length).toBe(1);
      expect(await tableRows(roles, 'node_role_facts')).toEqual([[D, 'n1', 'i-1', 'infra', false]]);
      expect(await tableRows(roles, 'pods')).toEqual([]);
      await drop(both, twice, day, roles);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    await drop(a, b);
  });

  it('refuses a target schema that exists and a name that is not an identifier', async () => {
    const a = await emptyPartial();
    await expect(mergePartials(db, [{ schema: a }], a)).rejects.toThrow();
    await expect(mergePartials(db, [{ schema: 'x; DROP TABLE y' }], 'fine')).rejects.toThrow(/invalid identifier/);
    await drop(a, 'fine');
  });
});

// ---------------------------------------------------------------------------------------------
// Merge, against the rules of the contract

/** What a merge of rows must give, worked out in JavaScript from a table's rules in PARTIAL_TABLES. */
function mergeByRules(table: PartialTableName, rows: Value[][]): Value[][] {
  const rules = Object.values(PARTIAL_TABLES[table].columns).map((c) => c.merge as string);
  const keyOf = (row: Value[]) => JSON.stringify(rules.map((r, i) => (r === 'key' ? row[i] : 0)));
  const latest = rules.flatMap((r, i) => (r === 'latest' ? [i] : []));
  const later = (a: Value[], b: Value[]) => {
    for (const i of latest) if (a[i] !== b[i]) return (a[i] as string | number) > (b[i] as string | number);
    return false;
  };
  const groups = new Map<string, Value[]>();
  for (const row of rows) {
    const have = groups.get(keyOf(row));
    if (!have) {
      groups.set(keyOf(row), [...row]);
      continue;
    }
    const winner = later(row, have);
    rules.forEach((rule, i) => {
      const [x, y] = [have[i], row[i]];
      if (rule === 'sum') have[i] = x === null ? y : y === null ? x : (x as number) + (y as number);
      if (rule === 'max') have[i] = x === null ? y : y === null ? x : x > y ? x : y;
      if (rule === 'or') have[i] = x === null ? y : y === null ? x : x || y;
      if (rule === 'latest' && winner) have[i] = y;
    });
  }
  return [...groups.values()].sort(compareValues);
}

const day = fc.constantFrom('2025-10-01', '2025-10-02');
const text = fc.constantFrom(null, '', 'a', 'b');
const number = fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null, freq: 3 });
const cell: Record<string, fc.Arbitrary<Value>> = {
  DATE: day,
  TIMESTAMP: fc.constantFrom(0, 3_600_000_000, 7_200_000_000),
  VARCHAR: text,
  DOUBLE: number,
  BOOLEAN: fc.option(fc.boolean(), { nil: null, freq: 4 }),
  BIGINT: fc.integer({ min: 0, max: 1000 }),
};
/** Latest columns are never NULL (a kernel writes an interval and a normalized label string). */
const latestCell: Record<string, fc.Arbitrary<Value>> = {
  TIMESTAMP: fc.constantFrom(0, 3_600_000_000),
  VARCHAR: fc.constantFrom('{}', '{"a":"1"}', '{"a":"2"}'),
};

/** Key text is mostly one value, so rows of one key meet even in tables with many key columns. */
const keyText = fc.oneof(
  { arbitrary: fc.constant('a'), weight: 8 },
  { arbitrary: fc.constantFrom(null, '', 'b'), weight: 1 },
);

function rowOf(table: PartialTableName): fc.Arbitrary<Value[]> {
  return fc.tuple(
    ...Object.values(PARTIAL_TABLES[table].columns).map(({ type, merge }) =>
      merge === 'latest' ? latestCell[type] : merge === 'key' && type === 'VARCHAR' ? keyText : cell[type],
    ),
  );
}

test.each(PARTIAL_TABLE_NAMES)(
  'merge/%s.sql follows its table rules: any split of the rows, merged in any order',
  async (table) => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rows: fc.array(rowOf(table), { maxLength: 40, size: 'max' }),
          parts: fc.integer({ min: 1, max: 4 }),
          split: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
          parquet: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        }),
        async ({ rows, parts, split, parquet }) => {
          const sources: PartialSource[] = [];
          const made: string[] = [];
          const folder = await mkdtemp(join(tmpdir(), 'ocpsum-rules-'));
          try {
            for (let p = 0; p < parts; p++) {
              const schema = await emptyPartial();
              made.push(schema);
              await appendRows(
                db,
                schema,
                table,
                rows.filter((_, i) => split[i] % parts === p),
              );
              sources.push(parquet[p] ? { packed: await packedDays(schema, folder) } : { schema });
            }
            const into = `m${++schemas}`;
            made.push(into);
            await mergePartials(db, sources.reverse(), into);
            expect(await tableRows(into, table)).toEqual(mergeByRules(table, rows));
          } finally {
            await drop(...made);
            await rm(folder, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 15, seed: Number(process.env.PROPERTY_SEED ?? 20251001) },
    );
  },
  60_000,
);

// ---------------------------------------------------------------------------------------------
// Finalize: the table

describe('finalizeSummary', () => {
  const spec = runSpec({
    org: 'org1234567',
    source: '6f1c4a2e-1b2c-4d3e-8f90-0123456789ab',
    year: 2025,
    month: 10,
    reportPeriodId: 7,
    reference: { enabledKeys: ['app'], costCategories: [{ id: 2, pattern: '% unallocated' }], nodeRoles: [] },
  });

  it("makes {schema}.summary with koku's columns and types in order, and leaves no helper table", async () => {
    const schema = await emptyPartial();
    const D = '2025-10-01';
    const t0 = Date.UTC(2025, 9, 1) * 1000;
    await appendRows(db, schema, 'pods', [
      [D, 'web', 'n1', null, '{"app":"web"}', 'i-1', 1800, 3600, 7200, 3600, 0, 0, null, 0, 4, 2 ** 34],
    ]);
    await appendRows(db, schema, 'capacity', [[D, t0, 'n1', 4 * 3600, 2 ** 34 * 3600]]);
    await appendRows(db, schema, 'rows_in', [[D, 1, 0, 0, 0]]);
    const result = await finalizeSummary(db, schema, spec);
    expect(result).toEqual({
      table: `${schema}.summary`,
      counts: { pod: 1, storage: 0, unallocated: 1 },
      rowsIn: { pod: 1, storage: 0, nodeLabels: 0, namespaceLabels: 0 },
    });
    const described = (await db.runAndReadAll(`DESCRIBE ${schema}.summary`)).getRowObjectsJS();
    const types = { integer: 'INTEGER', text: 'VARCHAR', date: 'DATE', number: 'DOUBLE', json: 'VARCHAR' };
    expect(described.map((c) => [c.column_name, c.column_type])).toEqual(
      Object.entries(SUMMARY_COLUMNS).map(([name, kind]) => [name, types[kind]]),
    );
    const tables = (
      await db.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = '${schema}' ORDER BY 1`)
    ).getColumnsJS()[0];
    expect(tables).toEqual([...PARTIAL_TABLE_NAMES, 'summary'].sort());

    const rows = await readSummaryRows(db, schema);
    expect(rows.map((r) => [r.namespace, r.pod_usage_cpu_core_hours, r.cost_category_id, r.report_period_id])).toEqual([
      ['Worker unallocated', 4 - 0.5, 2, 7], // 'W' < 'w'
      ['web', 0.5, null, 7],
    ]);
    // summarySelect leaves `pod` out unless the run groups by pod
    const selected = await db.runAndReadAll(summarySelect(schema, false));
    expect(selected.columnNames()).not.toContain('pod');
    expect(selected.columnNames()).toHaveLength(Object.keys(SUMMARY_COLUMNS).length - 1);
    expect((await db.runAndReadAll(summarySelect(schema, true))).columnNames()).toContain('pod');
    // A second finalize of the same schema is refused (the summary exists) and keeps it.
    await expect(finalizeSummary(db, schema, spec)).rejects.toThrow(/summary/);
    await drop(schema);
  });

  it('an empty partial gives an empty summary', async () => {
    const schema = await emptyPartial();
    const result = await finalizeSummary(db, schema, spec);
    expect(result.counts).toEqual({ pod: 0, storage: 0, unallocated: 0 });
    expect(result.rowsIn).toEqual({ pod: 0, storage: 0, nodeLabels: 0, namespaceLabels: 0 });
    expect(await readSummaryRows(db, schema)).toEqual([]);
    await drop(schema);
  });
});
